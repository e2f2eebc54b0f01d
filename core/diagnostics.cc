#include "core/diagnostics.h"

#include <algorithm>

namespace tokenfab {

std::string Location::str() const {
  if (line <= 0) return file;
  return file + ":" + std::to_string(line) + ":" + std::to_string(col);
}

std::string Diagnostic::str() const {
  std::string out = "error: " + loc.str() + ": ";
  if (!path.empty()) out += path + ": ";
  return out + message;
}

void Diagnostics::error(Location loc, std::string path, std::string message) {
  errors_.push_back({std::move(loc), std::move(path), std::move(message)});
}

void Diagnostics::more(const std::string& file, std::size_t count) {
  if (count > 0) more_.emplace_back(file, count);
}

void Diagnostics::append(const Diagnostics& other) {
  errors_.insert(errors_.end(), other.errors_.begin(), other.errors_.end());
  more_.insert(more_.end(), other.more_.begin(), other.more_.end());
}

std::string Diagnostics::render() const {
  // Files in the order their first error came, each with its errors kept
  // and its errors only counted.
  struct File {
    std::string name;
    std::size_t kept = 0, counted = 0;
  };
  std::vector<File> files;
  auto file = [&](const std::string& name) -> File& {
    auto it = std::find_if(files.begin(), files.end(), [&](const File& f) { return f.name == name; });
    return it != files.end() ? *it : files.emplace_back(File{name});
  };
  std::string out;
  for (const auto& e : errors_) {
    if (++file(e.loc.file).kept <= kShownPerFile) out += e.str() + "\n";
  }
  for (const auto& [name, count] : more_) file(name).counted += count;
  for (const auto& f : files) {
    const std::size_t left_out = f.kept + f.counted - std::min(f.kept, kShownPerFile);
    if (left_out > 0) out += "error: " + f.name + ": " + more_errors(left_out) + "\n";
  }
  return out;
}

std::string more_errors(std::size_t count) {
  std::string digits = std::to_string(count);
  for (auto i = static_cast<std::ptrdiff_t>(digits.size()) - 3; i > 0; i -= 3)
    digits.insert(static_cast<std::size_t>(i), ",");
  return "... and " + digits + " more error" + (count == 1 ? "" : "s") + " in the same file";
}

void Diagnostics::throw_if_any() const {
  if (!ok()) throw InputError(*this);
}

InputError::InputError(Diagnostics diags) : std::runtime_error(diags.render()), diags_(std::move(diags)) {}

namespace {
Diagnostics single(Location loc, std::string message) {
  Diagnostics d;
  d.error(std::move(loc), "", std::move(message));
  return d;
}
}  // namespace

InputError::InputError(Location loc, std::string message) : InputError(single(std::move(loc), std::move(message))) {}

namespace {
std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diag = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}
}  // namespace

std::string nearest_name(const std::string& word, const std::vector<std::string>& candidates) {
  // Up to half the word may differ ("batchsize" -> "batch", "decoding" -> "decode").
  std::string best;
  std::size_t best_distance = std::max<std::size_t>(2, (word.size() + 1) / 2) + 1;
  for (const auto& c : candidates) {
    std::size_t d = edit_distance(word, c);
    if (d < best_distance) {
      best_distance = d;
      best = c;
    }
  }
  return best;
}

}  // namespace tokenfab
