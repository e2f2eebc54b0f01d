// A fuzz input as a file, for the loaders that take only a path
// (load_config, load_run, load_sweep_spec, load_lpu_params, load_hf_config).
//
// The file sits in a per-process temporary copy of the repository's folder
// shape: the folders on the way to it are real, everything beside them is a
// symlink to the shipped tree. A seed taken from configs/runs/ then finds
// `system: {base: ../systems/...}`, `model: ../../workloads/models/...` and
// `emulator_preset:` where they are in the repository, so the fuzzer starts
// from documents that bind, not from "base file does not exist".
//
//   static tokenfab::fuzz::InputFile input("configs/systems", "input.yaml");
//   load_config(input.write(data, size), system_schema());
//
// Writing a file per input costs a few microseconds on tmpfs; the loaders'
// own parsing costs far more, and going through the path keeps what they do
// with it (extension checks, base: resolution against the file's folder) in
// what is fuzzed. Library code is not changed for the fuzzers.
//
// The temporary folder is $TMPDIR/tokenfab-fuzz-<pid> (removed at exit);
// the repository is $TOKENFAB_ROOT, else the source tree fuzz/ was built from.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>

namespace tokenfab::fuzz {

// The repository the seeds' relative paths point into.
std::filesystem::path source_root();

class InputFile {
 public:
  // `folder` relative to the repository ("configs/systems", "" for the top);
  // `name` is the file's name, its extension as the loader expects.
  InputFile(const std::filesystem::path& folder, const std::string& name);
  // Replaces the file's content with the input; returns its path.
  const std::filesystem::path& write(const std::uint8_t* data, std::size_t size);

 private:
  std::filesystem::path path_;
};

}  // namespace tokenfab::fuzz
