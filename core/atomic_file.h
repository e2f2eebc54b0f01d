// Writes a whole file or nothing: the text goes to a temporary file beside
// the target, which is renamed over it only once fully written and flushed,
// so a crash or a failed run never leaves half an output behind.
//
//   write_file_atomically("out/results.json", json_text);  // throws on failure
#pragma once

#include <filesystem>
#include <string_view>

namespace tokenfab {

// Throws std::runtime_error naming the path when the write fails.
void write_file_atomically(const std::filesystem::path& path, std::string_view content);

}  // namespace tokenfab
