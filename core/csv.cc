#include "core/csv.h"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>

#include "core/diagnostics.h"

namespace tokenfab {

std::vector<std::string> csv_record(std::string_view text, std::size_t& pos) {
  std::vector<std::string> cells(1);
  bool quoted = false;
  for (; pos < text.size(); ++pos) {
    const char c = text[pos];
    if (quoted) {
      if (c == '"' && pos + 1 < text.size() && text[pos + 1] == '"') {
        cells.back() += '"';
        ++pos;
      } else if (c == '"') {
        quoted = false;
      } else {
        cells.back() += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      cells.emplace_back();
    } else if (c == '\n') {
      ++pos;
      break;
    } else if (c != '\r') {
      cells.back() += c;
    }
  }
  return cells;
}

std::vector<CsvRow> read_csv_file(const std::string& file, const std::vector<std::string>& required,
                                  const std::string& what) {
  std::ifstream in(file);
  if (!in) throw InputError({what}, file + ": cannot read the file");
  std::vector<std::string> header;
  std::vector<CsvRow> rows;
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    if (header.empty()) {
      std::size_t at = 0;
      header = csv_record(line, at);
      for (const auto& r : required) {
        if (std::find(header.begin(), header.end(), r) == header.end())
          throw InputError({what}, fmt::format("{}:{}: the header has no column '{}'", file, n, r));
      }
      continue;
    }
    std::size_t at = 0;
    auto fields = csv_record(line, at);
    if (fields.size() != header.size())
      throw InputError({what},
                       fmt::format("{}:{}: {} fields, the header has {}", file, n, fields.size(), header.size()));
    CsvRow row{n, {}};
    for (std::size_t i = 0; i < header.size(); ++i) row.cell[header[i]] = fields[i];
    rows.push_back(std::move(row));
  }
  if (header.empty()) throw InputError({what}, file + ": no header line");
  return rows;
}

double csv_number(const std::string& file, const CsvRow& row, const std::string& column, const std::string& what) {
  const std::string& text = row.cell.at(column);
  try {
    std::size_t used = 0;
    const double v = std::stod(text, &used);
    if (used == text.size()) return v;
  } catch (const std::exception&) {
  }
  throw InputError({what},
                   fmt::format("{}:{}: column '{}' holds '{}', expected a number", file, row.line, column, text));
}

std::string csv_cell(const std::string& text) {
  if (text.find_first_of(",\"\n") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

}  // namespace tokenfab
