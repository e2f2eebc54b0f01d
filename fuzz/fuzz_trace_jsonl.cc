// libFuzzer target: JSON-lines operator traces through read_trace_text: a
// {"format": "tokenfab-trace", ...} first line, then one object per op.
// InputError is the documented rejection; an accepted trace must round-trip
// (trace_round_trip.h).
#include <cstddef>
#include <cstdint>

#include "fuzz/trace_round_trip.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return tokenfab::fuzz::read_trace_input(data, size, tokenfab::TraceFormat::jsonl, "input.jsonl");
}
