#include "tests/golden/json_compare.h"

#include "core/csv.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>
#include <stdexcept>

namespace tokenfab::golden {
namespace {

using nlohmann::json;
using Segments = std::vector<std::string>;  // "key" or "[3]"

Segments split_path(std::string_view path) {
  Segments out;
  std::string current;
  auto flush = [&] {
    if (!current.empty()) out.push_back(current);
    current.clear();
  };
  for (char c : path) {
    if (c == '.') {
      flush();
    } else if (c == '[') {
      flush();
      current = "[";
    } else if (c == ']') {
      current += ']';
      flush();
    } else {
      current += c;
    }
  }
  flush();
  return out;
}

std::string join_path(const Segments& segs) {
  std::string out;
  for (const auto& s : segs) {
    if (!out.empty() && s.front() != '[') out += '.';
    out += s;
  }
  return out;
}

bool is_index(const std::string& s) { return s.front() == '['; }

bool is_container(const json& node) { return (node.is_object() || node.is_array()) && !node.empty(); }

template <typename Visit>
void for_each_child(const Segments& path, const json& node, Visit visit) {
  Segments child = path;
  child.emplace_back();
  if (node.is_array()) {
    for (std::size_t i = 0; i < node.size(); ++i) {
      child.back() = fmt::format("[{}]", i);
      visit(child, node[i]);
    }
    return;
  }
  for (const auto& [key, value] : node.items()) {
    child.back() = key;
    visit(child, value);
  }
}

bool segment_matches(const std::string& pattern, const std::string& seg) {
  if (pattern == "[*]") return is_index(seg);
  if (pattern == "*") return !is_index(seg);
  return pattern == seg;
}

// The segments a wildcard prefix pattern matched, or nothing when it does not
// match the start of `path`.
std::optional<Segments> match_prefix(const Segments& pattern, const Segments& path) {
  if (pattern.size() > path.size()) return std::nullopt;
  Segments wild;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (!segment_matches(pattern[i], path[i])) return std::nullopt;
    if (pattern[i] == "*" || pattern[i] == "[*]") wild.push_back(path[i]);
  }
  return wild;
}

struct Walker {
  const CompareRules& rules;
  const json& actual;
  std::vector<Segments> ignored;
  std::vector<std::pair<Segments, Segments>> renames;
  std::set<std::string> reached;  // new-document paths some golden leaf mapped to
  Comparison result;

  bool is_ignored(const Segments& path) const {
    return std::any_of(ignored.begin(), ignored.end(), [&](const Segments& p) { return match_prefix(p, path); });
  }

  Segments renamed(const Segments& path) const {
    for (const auto& [from, to] : renames) {
      auto wild = match_prefix(from, path);
      if (!wild) continue;
      Segments out;
      std::size_t next_wild = 0;
      for (const auto& s : to) {
        const bool is_wild = s == "*" || s == "[*]";
        out.push_back(is_wild && next_wild < wild->size() ? (*wild)[next_wild++] : s);
      }
      out.insert(out.end(), path.begin() + static_cast<std::ptrdiff_t>(from.size()), path.end());
      return out;
    }
    return path;
  }

  const json* find(const Segments& path) const {
    const json* node = &actual;
    for (const auto& s : path) {
      if (is_index(s)) {
        if (!node->is_array()) return nullptr;
        const std::size_t i = std::stoul(s.substr(1, s.size() - 2));
        if (i >= node->size()) return nullptr;
        node = &(*node)[i];
      } else {
        if (!node->is_object() || !node->contains(s)) return nullptr;
        node = &(*node)[s];
      }
    }
    return node;
  }

  void mismatch(const Segments& path, std::string message) {
    result.mismatches.push_back({join_path(path), std::move(message)});
  }

  void compare_leaf(const Segments& path, const json& want, const json& got) {
    ++result.compared;
    if (want.is_number() && got.is_number()) {
      if (want.is_number_integer() && got.is_number_integer()) {
        if (want.get<std::int64_t>() != got.get<std::int64_t>()) {
          mismatch(path, fmt::format("golden {}, got {} (integers compare exactly)", want.dump(), got.dump()));
        }
        return;
      }
      const double a = want.get<double>(), b = got.get<double>();
      const double scale = std::max(std::abs(a), std::abs(b));
      if (a == b || std::abs(a - b) <= rules.relative_tolerance * scale) return;
      mismatch(path, fmt::format("golden {:.17g}, got {:.17g} (relative difference {:.3g}, tolerance {:.3g})", a, b,
                                 std::abs(a - b) / scale, rules.relative_tolerance));
      return;
    }
    // CSV has no booleans: a flag written 1/0 is the same answer as true/false.
    auto as_flag = [](const json& v) -> std::optional<bool> {
      if (v.is_boolean()) return v.get<bool>();
      if (!v.is_number_integer()) return std::nullopt;
      const auto n = v.get<std::int64_t>();
      if (n == 0 || n == 1) return n == 1;
      return std::nullopt;
    };
    if ((want.is_boolean() || got.is_boolean()) && as_flag(want) && as_flag(got)) {
      if (*as_flag(want) != *as_flag(got)) mismatch(path, fmt::format("golden {}, got {}", want.dump(), got.dump()));
      return;
    }
    if (want != got) mismatch(path, fmt::format("golden {}, got {}", want.dump(), got.dump()));
  }

  void walk(const Segments& path, const json& want) {
    if (is_ignored(path)) return;
    const Segments to = renamed(path);
    const json* got = find(to);
    if (!is_container(want)) {
      reached.insert(join_path(to));
      if (!got)
        return mismatch(path, fmt::format("golden {}, missing from the new result at {}", want.dump(), join_path(to)));
      return compare_leaf(path, want, *got);
    }
    if (want.is_array() && got && got->is_array() && got->size() != want.size()) {
      mismatch(path, fmt::format("golden has {} elements, the new result {}", want.size(), got->size()));
    }
    for_each_child(path, want, [&](const Segments& child, const json& value) { walk(child, value); });
  }

  void collect_new(const Segments& path, const json& node) {
    if (is_ignored(path)) return;
    if (!is_container(node)) {
      if (!reached.contains(join_path(path))) result.new_fields.push_back(join_path(path));
      return;
    }
    for_each_child(path, node, [&](const Segments& child, const json& value) { collect_new(child, value); });
  }
};

json csv_cell(const std::string& cell) {
  const char* first = cell.data();
  const char* last = first + cell.size();
  std::int64_t i = 0;
  if (!cell.empty()) {
    auto [p, ec] = std::from_chars(first, last, i);
    if (ec == std::errc() && p == last) return i;
  }
  const bool decimal = !cell.empty() && cell.find_first_not_of("0123456789+-.eE") == std::string::npos;
  if (decimal) {
    double d = 0;
    auto [p, ec] = std::from_chars(first, last, d);
    if (ec == std::errc() && p == last) return d;
  }
  if (cell == "true" || cell == "false") return cell == "true";
  return cell;
}

}  // namespace

Comparison compare_json(const json& golden, const json& actual, const CompareRules& rules) {
  Walker w{rules, actual, {}, {}, {}, {}};
  for (const auto& p : rules.ignored) w.ignored.push_back(split_path(p));
  for (const auto& [from, to] : rules.renames) w.renames.emplace_back(split_path(from), split_path(to));
  w.walk({}, golden);
  w.collect_new({}, actual);
  return std::move(w.result);
}

json parse_csv(std::string_view text) {
  std::size_t pos = 0;
  const std::vector<std::string> header = csv_record(text, pos);
  json rows = json::array();
  while (pos < text.size()) {
    const std::vector<std::string> cells = csv_record(text, pos);
    if (cells.size() == 1 && cells[0].empty()) continue;
    if (cells.size() != header.size()) {
      throw std::runtime_error(
          fmt::format("CSV row {} has {} cells, the header {}", rows.size() + 1, cells.size(), header.size()));
    }
    json row = json::object();
    for (std::size_t i = 0; i < cells.size(); ++i) row[header[i]] = csv_cell(cells[i]);
    rows.push_back(std::move(row));
  }
  return rows;
}

json read_result_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open " + file.string());
  std::ostringstream ss;
  ss << in.rdbuf();
  if (file.extension() == ".csv") return parse_csv(ss.str());
  return json::parse(ss.str());
}

}  // namespace tokenfab::golden
