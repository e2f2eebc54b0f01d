// libFuzzer target: `--set key.path=value` overrides, each non-empty line of
// the input one --set, applied to the default run (configs/runs/default.yaml)
// and bound as `tokenfab run` binds them: apply_override walks the dotted
// path (list items by index), then run_schema() and the run's checks see the
// result. The document is read once and bound per input through bind_run,
// the path sweeps take; the model's config.json is read once (ModelCache).
//
// Like fuzz_run_config, this compiles app/run_config.cc and app/run_sense.cc
// itself, as tokenfab::app links SystemC. InputError is the documented
// rejection; anything else escaping, a crash, hang or sanitizer report is a
// finding.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "app/run_config.h"
#include "fuzz/input_file.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const tokenfab::ConfigNode document =
      tokenfab::run_document(tokenfab::fuzz::source_root() / "configs/runs/default.yaml", {});
  static tokenfab::ModelCache models;
  const std::string text(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> sets;
  for (std::size_t from = 0; from < text.size();) {
    std::size_t end = text.find('\n', from);
    if (end == std::string::npos) end = text.size();
    if (end > from) sets.push_back(text.substr(from, end - from));
    from = end + 1;
  }
  try {
    (void)tokenfab::bind_run(document, sets, true, &models);
  } catch (const tokenfab::InputError&) {
    // Rejected with its diagnostics: what bad input should get.
  }
  return 0;
}
