// libFuzzer target: CSV operator traces (`tokenfab trace --out x.csv`, or
// made elsewhere) through read_trace_text: '#' metadata lines, the header,
// one row per op, each field range-checked. InputError is the documented
// rejection; an accepted trace must round-trip (trace_round_trip.h).
#include <cstddef>
#include <cstdint>

#include "fuzz/trace_round_trip.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return tokenfab::fuzz::read_trace_input(data, size, tokenfab::TraceFormat::csv, "input.csv");
}
