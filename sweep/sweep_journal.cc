#include "sweep/sweep_journal.h"

#include <fcntl.h>
#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace tokenfab {

std::string fnv1a_hex(std::string_view bytes) {
  std::uint64_t h = 14695981039346656037ULL;
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return fmt::format("{:016x}", h);
}

namespace {

std::string read_text(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return {};
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Whole lines that parse are kept; reading stops at the first that does not
// (a torn write is always the last). Returns the bytes of good lines.
std::size_t parse_lines(const std::string& text, std::map<int, nlohmann::ordered_json>& into) {
  std::size_t good = 0;
  while (good < text.size()) {
    const std::size_t end = text.find('\n', good);
    if (end == std::string::npos) break;
    auto entry = nlohmann::ordered_json::parse(text.substr(good, end - good), nullptr, false);
    if (entry.is_discarded() || !entry.contains("index")) break;
    // The index first: json's operator= takes its argument by value, and
    // that argument is built before the left side is evaluated.
    const int index = entry["index"].get<int>();
    into.emplace(index, std::move(entry));
    good = end + 1;
  }
  return good;
}

}  // namespace

std::map<int, nlohmann::ordered_json> read_journals(const std::filesystem::path& dir) {
  std::map<int, nlohmann::ordered_json> out;
  if (!std::filesystem::is_directory(dir)) return out;
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    const std::string name = e.path().filename().string();
    if (name.starts_with("points") && name.ends_with(".jsonl")) files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  for (const auto& f : files) parse_lines(read_text(f), out);
  return out;
}

SweepJournal::SweepJournal(std::filesystem::path file) : file_(std::move(file)) {
  if (file_.has_parent_path()) std::filesystem::create_directories(file_.parent_path());
  const std::string text = read_text(file_);
  const std::size_t good = parse_lines(text, done_);
  if (good < text.size()) std::filesystem::resize_file(file_, good);
  fd_ = ::open(file_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd_ < 0) throw std::runtime_error("cannot open " + file_.string() + " for appending");
}

SweepJournal::~SweepJournal() {
  if (fd_ >= 0) ::close(fd_);
}

void SweepJournal::append(const nlohmann::ordered_json& entry) {
  const std::string line = entry.dump() + "\n";
  if (::write(fd_, line.data(), line.size()) != static_cast<ssize_t>(line.size())) {
    throw std::runtime_error("cannot append to " + file_.string());
  }
  done_[entry.at("index").get<int>()] = entry;
}

}  // namespace tokenfab
