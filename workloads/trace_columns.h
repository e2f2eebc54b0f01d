// The columns and metadata of tokenfab trace files, shared by the CSV and
// JSON-lines readers and writers (trace_io.cc) and the trace checks
// (trace_check.cc), with how their errors are reported. Internal to workloads/.
//
// Each column reads and writes one field of a (device, op) row as text; set()
// returns an error message, or an empty string when the text was good. A
// value beyond the physical limit of its column's kind (FLOPs, bytes or
// elements of one op; see trace_columns.cc) is an error too.
#pragma once

#include <cstddef>
#include <functional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "core/diagnostics.h"
#include "workloads/op.h"

namespace tokenfab::trace_detail {

struct Column {
  const char* name;
  std::function<std::string(const DeviceTrace&, const Op&)> get;
  std::function<std::string(DeviceTrace&, Op&, const std::string&)> set;
};

const std::vector<Column>& columns();
// The header line of a CSV trace: the column names joined by commas.
std::string header_line();
// Metadata keys and values in file order (model, phase, batch, ...).
std::vector<std::pair<std::string, std::string>> metadata(const Trace& t);
// Applies one metadata key; returns an error message or "".
std::string apply_meta(Trace& t, const std::string& key, const std::string& value, Diagnostics& diags,
                       const Location& at);
// Reports each key a trace cannot be timed without.
void require_metadata(const std::set<std::string>& given, const std::string& file, Diagnostics& diags);
// Adds one op, opening a new device when the index changes.
void append(Trace& t, const DeviceTrace& d, Op op);

// The errors of one file as Diagnostics::render prints them (the first
// Diagnostics::kShownPerFile, then a count), but fed a line's errors at a
// time it counts the rest instead of keeping them: a 250,000-line trace in
// the wrong format holds one error per line.
class FileErrors {
 public:
  explicit FileErrors(std::string file) : file_(std::move(file)) {}
  void take(const Diagnostics& more);
  bool empty() const { return shown_.ok(); }
  // The errors shown and, if any were left out, the line that counts them.
  Diagnostics finish() const;

 private:
  std::string file_;
  Diagnostics shown_;
  std::size_t more_ = 0;
};

}  // namespace tokenfab::trace_detail
