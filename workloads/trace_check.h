// Checks that a trace read from a file is one the timing models can run:
// its metadata was given, its model is the run's, its mapping fits that model,
// and every op belongs where it says (device, stage, ranks, layer, collective
// group and size). Reported with the file name and the device and op.
#pragma once

#include <string>

#include "core/diagnostics.h"
#include "workloads/model.h"
#include "workloads/op.h"

namespace tokenfab {

void check_trace(const Trace& trace, const ModelSpec& model, const std::string& file, Diagnostics& diags);

}  // namespace tokenfab
