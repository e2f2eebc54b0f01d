#include "fuzz/trace_round_trip.h"

#include <cstdio>
#include <cstdlib>
#include <string>

namespace tokenfab::fuzz {

namespace {

[[noreturn]] void report_round_trip(const std::string& what, const std::string& first, const std::string& second) {
  std::size_t at = 0;
  while (at < first.size() && at < second.size() && first[at] == second[at]) ++at;
  const std::size_t line = at == 0 ? std::string::npos : first.rfind('\n', at - 1);
  const std::size_t from = line == std::string::npos ? 0 : line + 1;
  const auto line_at = [from](const std::string& text) {
    return from >= text.size() ? std::string() : text.substr(from, text.find('\n', from) - from);
  };
  std::fprintf(stderr, "trace round trip: %s\n  first:  %s\n  second: %s\n", what.c_str(), line_at(first).c_str(),
               line_at(second).c_str());
  std::abort();
}

}  // namespace

int read_trace_input(const std::uint8_t* data, std::size_t size, TraceFormat format, const char* file) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  Trace trace;
  try {
    trace = read_trace_text(text, format, file);
  } catch (const InputError&) {
    return 0;  // rejected with its diagnostics: what bad input should get
  }
  const std::string written = write_trace(trace, format);
  Trace again;
  try {
    again = read_trace_text(written, format, "written");
  } catch (const InputError& e) {
    report_round_trip(std::string("the written trace does not read back: ") + e.what(), written, "");
  }
  const std::string rewritten = write_trace(again, format);
  if (rewritten != written) report_round_trip("write(read(write(t))) != write(t)", written, rewritten);
  return 0;
}

}  // namespace tokenfab::fuzz
