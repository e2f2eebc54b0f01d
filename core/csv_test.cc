#include "core/csv.h"

#include <doctest/doctest.h>

namespace tokenfab {
namespace {

TEST_CASE("csv: a written cell reads back as one cell, whatever it holds") {
  // Plain text goes as it is; a comma, a quote or a newline quotes the cell
  // and doubles its quotes (RFC 4180), so csv_record splits the record at
  // the right commas and gives the text back.
  CHECK(csv_cell("tp=8") == "tp=8");
  CHECK(csv_cell("attn_dp=4,ep=4") == "\"attn_dp=4,ep=4\"");
  CHECK(csv_cell("say \"hi\"") == "\"say \"\"hi\"\"\"");
  const std::string record =
      csv_cell("a,b") + "," + csv_cell("x \"y\"") + "," + csv_cell("line\nbreak") + "," + csv_cell("") + "\n";
  std::size_t pos = 0;
  const std::vector<std::string> cells = csv_record(record, pos);
  REQUIRE(cells.size() == 4);
  CHECK(cells[0] == "a,b");
  CHECK(cells[1] == "x \"y\"");
  CHECK(cells[2] == "line\nbreak");
  CHECK(cells[3].empty());
  CHECK(pos == record.size());
}

}  // namespace
}  // namespace tokenfab
