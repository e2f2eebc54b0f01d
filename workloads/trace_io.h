// Trace files: CSV or JSON lines, written by `tokenfab trace` and read back so
// that architects can bring traces made elsewhere.
//
// CSV: '#'-prefixed "key: value" metadata lines (model, phase, batch, tokens,
// context, mapping, precision), one header line, one row per op. JSON lines: a
// first object {"format": "tokenfab-trace", ...metadata}, then one object per
// op with the same field names as the CSV columns. Quantities are in SI base
// units (FLOP, bytes) printed with round-trip precision, so
// read(write(trace)) == trace.
#pragma once

#include <filesystem>
#include <string>

#include "workloads/op.h"

namespace tokenfab {

enum class TraceFormat { csv, jsonl };

std::string write_trace(const Trace& trace, TraceFormat format);
// Throws InputError with file:line:col for every bad field, the first 20 of
// a file and then a line counting the rest. A field beyond its column's
// physical limit (1e21 FLOP, 1e15 bytes or 1e15 elements per op) is bad.
Trace read_trace_text(const std::string& text, TraceFormat format, const std::string& file);
Trace read_trace_file(const std::filesystem::path& file);
// From the extension: .csv or .jsonl/.json.
TraceFormat trace_format_for(const std::filesystem::path& file);

}  // namespace tokenfab
