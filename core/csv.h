// One CSV record at a time, RFC 4180 quoting (a quoted cell may hold commas,
// newlines and doubled quotes); used by the readers of measured data and of
// golden results.
//
//   std::size_t pos = 0;
//   while (pos < text.size()) { std::vector<std::string> cells = csv_record(text, pos); ... }
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace tokenfab {

// The cells of the record starting at `pos`; `pos` moves past its newline.
std::vector<std::string> csv_record(std::string_view text, std::size_t& pos);

}  // namespace tokenfab
