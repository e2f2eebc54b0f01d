// The columns and metadata of tokenfab trace files, shared by the CSV and
// JSON-lines readers and writers (trace_io.cc). Internal to workloads/.
//
// Each column reads and writes one field of a (device, op) row as text; set()
// returns an error message, or an empty string when the text was good.
#pragma once

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

}  // namespace tokenfab::trace_detail
