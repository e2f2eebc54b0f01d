// Checks of a trace file beyond its single fields.
//
// check_csv_header: the CSV reader's check of the header line, naming each
// column it gets wrong at its place ("column 14: expected 'flops', found
// 'flop'; did you mean 'flops'?") instead of only "expected the header".
//
// check_trace: that a trace read from a file is one the timing models can
// run: its model is the run's, its mapping fits that model, and every op
// belongs where it says (device, stage, ranks, layer, collective group and
// size). Reported with the file name and the device and op, at most
// Diagnostics::kShownPerFile of them and a count of the rest.
//
//   Diagnostics diags;
//   check_trace(read_trace_file("r1.csv"), model, "r1.csv", diags);
//   diags.throw_if_any();
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "core/diagnostics.h"
#include "workloads/model.h"
#include "workloads/op.h"

namespace tokenfab {

// `cells` are the header line's fields with their 1-based character columns,
// `at` the line. Returns false when the line is no CSV header at all (a JSON
// object: a JSON-lines trace named .csv), so that no row after it is read.
bool check_csv_header(const std::vector<std::pair<std::string, int>>& cells, const Location& at, Diagnostics& diags);

void check_trace(const Trace& trace, const ModelSpec& model, const std::string& file, Diagnostics& diags);

}  // namespace tokenfab
