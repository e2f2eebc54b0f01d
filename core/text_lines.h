// Line-by-line reading of text inputs (trace files, LPU assembly), with
// 1-based line numbers for diagnostics and CR/LF endings alike.
#pragma once

#include <sstream>
#include <string>

namespace tokenfab {

// Calls fn(line_no, line) for each non-empty line.
template <class F>
void for_each_line(const std::string& text, F fn) {
  std::istringstream in(text);
  std::string line;
  int line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (!line.empty()) fn(line_no, line);
  }
}

}  // namespace tokenfab
