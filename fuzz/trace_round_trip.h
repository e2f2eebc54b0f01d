// The trace fuzzers' one check beyond "no crash": trace_io.h promises
// read(write(trace)) == trace, so a trace the reader accepts must be written,
// read back without complaint and written again to the same text. A
// difference aborts with both texts' first differing line: a finding.
#pragma once

#include <cstddef>
#include <cstdint>

#include "workloads/trace_io.h"

namespace tokenfab::fuzz {

// Reads `data` as a trace of `format`; InputError is a rejection (returns),
// an accepted trace that does not round-trip aborts. Returns 0 for libFuzzer.
int read_trace_input(const std::uint8_t* data, std::size_t size, TraceFormat format, const char* file);

}  // namespace tokenfab::fuzz
