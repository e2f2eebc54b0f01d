// One CSV record at a time, RFC 4180 quoting (a quoted cell may hold commas,
// newlines and doubled quotes); used by the readers of measured data and of
// golden results.
//
//   std::size_t pos = 0;
//   while (pos < text.size()) { std::vector<std::string> cells = csv_record(text, pos); ... }
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace tokenfab {

// The cells of the record starting at `pos`; `pos` moves past its newline.
std::vector<std::string> csv_record(std::string_view text, std::size_t& pos);

// One data row of a file read by read_csv_file: its line and its cells by column.
struct CsvRow {
  int line = 0;
  std::map<std::string, std::string> cell;
};

// The rows of a CSV file whose first line not starting with '#' is its
// header (blank and '#' lines skipped; one record a line). Throws InputError
// at `what` (the key path the message names) for an unreadable file, a
// header without one of `required`, or a row with another number of fields,
// each with file:line.
std::vector<CsvRow> read_csv_file(const std::string& file, const std::vector<std::string>& required,
                                  const std::string& what);

// A cell that must be a number, whole: "12.5" but not "12.5x" or "".
double csv_number(const std::string& file, const CsvRow& row, const std::string& column, const std::string& what);

// `text` as one cell of a written record: quoted, with its quotes doubled,
// when it holds a comma, a quote or a newline.
std::string csv_cell(const std::string& text);

}  // namespace tokenfab
