// libFuzzer target: the measured rows' CSV files (InferenceX and MLPerf
// columns, configs/validation/measured/) through load_measured_rows, with the
// shipped spec (configs/validation/measured.yaml, loaded once): the CSV reader
// (core/csv.h), the required columns, every number and the rows' sense
// checks. Each input is read twice, as the InferenceX file and as the MLPerf
// file, the other file holding only its shipped header (no rows).
// InputError is the documented rejection; any other exception, crash, hang or
// sanitizer report is a finding.
#include <cstddef>
#include <cstdint>
#include <fstream>
#include <string>

#include "explore/measured.h"
#include "fuzz/input_file.h"

namespace {

// The first line of a shipped CSV that is not a '#' comment, as a file of its own.
std::string header_only(const std::string& shipped) {
  std::ifstream in(shipped);
  std::string line;
  while (std::getline(in, line) && line.starts_with('#')) {
  }
  return line + "\n";
}

const std::string& written(tokenfab::fuzz::InputFile& file, const std::string& text) {
  static std::string keep;  // InputFile returns a reference to its own path
  keep = file.write(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()).string();
  return keep;
}

void load(const tokenfab::MeasuredSpec& spec) {
  try {
    (void)tokenfab::load_measured_rows(spec);
  } catch (const tokenfab::InputError&) {
    // Rejected with its diagnostics: what bad input should get.
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static tokenfab::fuzz::InputFile input("configs/validation/measured", "input.csv");
  static tokenfab::fuzz::InputFile inferencex("configs/validation/measured", "inferencex_header.csv");
  static tokenfab::fuzz::InputFile mlperf("configs/validation/measured", "mlperf_header.csv");
  static const tokenfab::MeasuredSpec shipped =
      tokenfab::load_measured_spec(tokenfab::fuzz::source_root() / "configs/validation/measured.yaml", {});
  static const std::string inferencex_header = written(inferencex, header_only(shipped.inferencex.file));
  static const std::string mlperf_header = written(mlperf, header_only(shipped.mlperf.file));
  const std::string fuzzed = input.write(data, size).string();
  tokenfab::MeasuredSpec spec = shipped;
  spec.inferencex.file = fuzzed;
  spec.mlperf.file = mlperf_header;
  load(spec);
  spec.inferencex.file = inferencex_header;
  spec.mlperf.file = fuzzed;
  load(spec);
  return 0;
}
