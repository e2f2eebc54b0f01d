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

std::string Diagnostics::render() const {
  std::string out;
  for (const auto& e : errors_) out += e.str() + "\n";
  return out;
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
