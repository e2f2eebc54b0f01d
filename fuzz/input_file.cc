#include "fuzz/input_file.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <stdexcept>
#include <system_error>

namespace tokenfab::fuzz {

namespace fs = std::filesystem;

namespace {

fs::path& scratch_dir() {
  static fs::path dir;
  return dir;
}

// libFuzzer ends a run with exit(), so atexit cleans the scratch copy; after a
// crash it stays for inspection (scripts/fuzz.sh points TMPDIR into build-fuzz).
void remove_scratch() {
  std::error_code ec;
  if (!scratch_dir().empty()) fs::remove_all(scratch_dir(), ec);
}

const fs::path& process_dir() {
  fs::path& dir = scratch_dir();
  if (dir.empty()) {
    dir = fs::temp_directory_path() / ("tokenfab-fuzz-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    std::atexit(remove_scratch);
  }
  return dir;
}

// Makes `copy` a real folder whose entries link to those of `original`,
// except `keep_real`, which the caller builds itself. A second InputFile in
// the same process may find `copy` as a symlink an earlier one made: it is
// replaced, else the input would be written into the repository.
void link_entries(const fs::path& original, const fs::path& copy, const fs::path& keep_real) {
  if (fs::is_symlink(copy)) fs::remove(copy);
  fs::create_directories(copy);
  for (const auto& entry : fs::directory_iterator(original)) {
    const fs::path name = entry.path().filename();
    if (name == keep_real || fs::exists(fs::symlink_status(copy / name))) continue;
    fs::create_symlink(entry.path(), copy / name);
  }
}

}  // namespace

fs::path source_root() {
  if (const char* root = std::getenv("TOKENFAB_ROOT"); root && *root) return root;
  return TOKENFAB_FUZZ_SOURCE_DIR;
}

InputFile::InputFile(const fs::path& folder, const std::string& name) {
  const fs::path root = source_root();
  if (!fs::is_directory(root / "configs")) {
    throw std::runtime_error("fuzz: no configs/ under " + root.string() + " (set TOKENFAB_ROOT)");
  }
  fs::path original = root;
  fs::path copy = process_dir();
  for (const auto& part : folder) {
    link_entries(original, copy, part);
    original /= part;
    copy /= part;
  }
  link_entries(original, copy, name);
  path_ = copy / name;
  if (fs::is_symlink(path_)) fs::remove(path_);
}

const fs::path& InputFile::write(const std::uint8_t* data, std::size_t size) {
  std::ofstream out(path_, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  if (!out.flush()) {
    // A harness fault, not a finding: stop loudly rather than fuzz nothing.
    std::perror(path_.c_str());
    std::abort();
  }
  return path_;
}

}  // namespace tokenfab::fuzz
