#include "core/config_node.h"

#include <yaml-cpp/yaml.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <fstream>
#include <set>
#include <sstream>

namespace tokenfab {

const ConfigNode* ConfigNode::find(std::string_view key) const {
  for (const auto& e : entries) {
    if (e.key == key) return &e.value;
  }
  return nullptr;
}

ConfigNode* ConfigNode::find(std::string_view key) {
  return const_cast<ConfigNode*>(static_cast<const ConfigNode*>(this)->find(key));
}

std::string ConfigNode::kind_name() const {
  switch (kind) {
    case Kind::Null:
      return "nothing";
    case Kind::Scalar:
      return "'" + scalar + "'";
    case Kind::Map:
      return "a map";
    case Kind::Sequence:
      return "a list";
  }
  return "?";
}

namespace {

Location at(const std::string& file, const YAML::Mark& mark) { return {file, mark.line + 1, mark.column + 1}; }

ConfigNode convert(const YAML::Node& n, const std::string& file, Diagnostics& diags, const std::string& path) {
  ConfigNode out;
  out.loc = at(file, n.Mark());
  switch (n.Type()) {
    case YAML::NodeType::Undefined:
    case YAML::NodeType::Null:
      out.kind = ConfigNode::Kind::Null;
      return out;
    case YAML::NodeType::Scalar:
      out.kind = ConfigNode::Kind::Scalar;
      out.scalar = n.Scalar();
      out.quoted = n.Tag() == "!";
      return out;
    case YAML::NodeType::Sequence:
      out.kind = ConfigNode::Kind::Sequence;
      for (const auto& item : n) {
        out.items.push_back(convert(item, file, diags, path + "." + std::to_string(out.items.size())));
      }
      return out;
    case YAML::NodeType::Map: {
      out.kind = ConfigNode::Kind::Map;
      std::set<std::string> seen;
      for (const auto& kv : n) {
        Location key_loc = at(file, kv.first.Mark());
        if (!kv.first.IsScalar()) {
          diags.error(key_loc, "", "map keys must be plain names");
          continue;
        }
        std::string key = kv.first.Scalar();
        std::string child = path.empty() ? key : path + "." + key;
        if (!seen.insert(key).second) {
          diags.error(key_loc, child, "duplicate key (each key may appear once in a map)");
          continue;
        }
        out.entries.push_back({key, key_loc, convert(kv.second, file, diags, child)});
      }
      return out;
    }
  }
  return out;
}

std::string read_file(const std::filesystem::path& file, Diagnostics& diags) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    diags.error({file.string()}, "", "cannot open file");
    return {};
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void resolve_bases(ConfigNode& node, const std::filesystem::path& dir, Diagnostics& diags,
                   std::vector<std::filesystem::path>& stack);

ConfigNode load_resolved(const std::filesystem::path& file, Diagnostics& diags,
                         std::vector<std::filesystem::path>& stack) {
  Diagnostics local;
  std::string text = read_file(file, local);
  ConfigNode root = local.ok() ? parse_config_text(text, file.string(), local) : ConfigNode{};
  for (const auto& e : local.errors()) diags.error(e.loc, e.path, e.message);
  if (!local.ok()) return {};
  resolve_bases(root, file.parent_path(), diags, stack);
  return root;
}

void resolve_bases(ConfigNode& node, const std::filesystem::path& dir, Diagnostics& diags,
                   std::vector<std::filesystem::path>& stack) {
  if (node.is_sequence()) {
    for (auto& item : node.items) resolve_bases(item, dir, diags, stack);
    return;
  }
  if (!node.is_map()) return;
  for (auto& e : node.entries) resolve_bases(e.value, dir, diags, stack);
  auto it = std::find_if(node.entries.begin(), node.entries.end(), [](const auto& e) { return e.key == "base"; });
  if (it == node.entries.end()) return;
  ConfigNode base_ref = it->value;
  node.entries.erase(it);
  if (!base_ref.is_scalar() || base_ref.scalar.empty()) {
    diags.error(base_ref.loc, "base", "expected the path of a YAML file to inherit from, got " + base_ref.kind_name());
    return;
  }
  std::filesystem::path base_path = (dir / base_ref.scalar).lexically_normal();
  std::error_code ec;
  std::filesystem::path canonical = std::filesystem::weakly_canonical(base_path, ec);
  if (std::find(stack.begin(), stack.end(), canonical) != stack.end()) {
    diags.error(base_ref.loc, "base", "inheritance cycle through " + base_path.string());
    return;
  }
  // The non-throwing overload: a name over the file system's limit or a
  // symlink loop is bad input, reported like a missing file.
  if (!std::filesystem::exists(base_path, ec)) {
    diags.error(base_ref.loc, "base",
                "base file " + base_path.string() + (ec ? " cannot be read: " + ec.message() : " does not exist"));
    return;
  }
  stack.push_back(canonical);
  ConfigNode merged = load_resolved(base_path, diags, stack);
  stack.pop_back();
  if (!merged.is_map()) {
    if (diags.ok()) diags.error(base_ref.loc, "base", base_path.string() + " does not hold a map");
    return;
  }
  merge_into(merged, node);
  merged.loc = node.loc;
  node = std::move(merged);
}

// yaml-cpp accepts trailing commas and garbage in JSON and points at the end
// of the enclosing map on a missing comma; a strict JSON parser finds the
// real position first.
bool valid_json(const std::string& text, const std::string& file, Diagnostics& diags) {
  try {
    const auto parsed = nlohmann::json::parse(text);  // only whether it parses
    (void)parsed;
    return true;
  } catch (const nlohmann::json::parse_error& e) {
    // e.byte is just past the offending token; point at the token's start.
    std::size_t end = std::min<std::size_t>(e.byte, text.size());
    std::size_t start = end > 0 ? end - 1 : 0;
    // Back to the string's opening quote, when there is one before it (the
    // first quote of the file has none: fuzzing found rfind's npos here).
    if (start > 0 && text[start] == '"') {
      const std::size_t open = text.rfind('"', start - 1);
      if (open != std::string::npos) start = open;
    }
    Location loc{file, 1, 1};
    for (std::size_t i = 0; i < start; ++i) {
      if (text[i] == '\n') {
        ++loc.line;
        loc.col = 1;
      } else {
        ++loc.col;
      }
    }
    std::string what = e.what();
    auto colon = what.find(": ", what.find("column"));
    diags.error(loc, "", "syntax error: " + (colon == std::string::npos ? what : what.substr(colon + 2)));
    return false;
  } catch (const nlohmann::json::out_of_range&) {
    // A number beyond a double (1e400): the parser says no more than that.
    diags.error({file, 1, 1}, "", "a number too large for a double (beyond about 1.8e308)");
    return false;
  }
}

}  // namespace

ConfigNode parse_config_text(const std::string& text, const std::string& file, Diagnostics& diags) {
  if (file.size() > 5 && file.compare(file.size() - 5, 5, ".json") == 0 && !valid_json(text, file, diags)) return {};
  try {
    return convert(YAML::Load(text), file, diags, "");
  } catch (const YAML::Exception& e) {
    diags.error(at(file, e.mark), "", "syntax error: " + e.msg);
    return {};
  }
}

ConfigNode load_config_file(const std::filesystem::path& file, Diagnostics& diags) {
  std::vector<std::filesystem::path> stack;
  std::error_code ec;
  stack.push_back(std::filesystem::weakly_canonical(file, ec));
  return load_resolved(file, diags, stack);
}

ConfigNode load_plain_file(const std::filesystem::path& file, Diagnostics& diags) {
  Diagnostics local;
  std::string text = read_file(file, local);
  ConfigNode root = local.ok() ? parse_config_text(text, file.string(), local) : ConfigNode{};
  for (const auto& e : local.errors()) diags.error(e.loc, e.path, e.message);
  return root;
}

void merge_into(ConfigNode& base, const ConfigNode& over) {
  if (!base.is_map() || !over.is_map()) {
    base = over;
    return;
  }
  for (const auto& e : over.entries) {
    if (ConfigNode* existing = base.find(e.key)) {
      merge_into(*existing, e.value);
    } else {
      base.entries.push_back(e);
    }
  }
}

void apply_override(ConfigNode& root, std::string_view assignment, Diagnostics& diags) {
  Location where{"--set '" + std::string(assignment) + "'"};
  auto eq = assignment.find('=');
  if (eq == std::string_view::npos || eq == 0) {
    diags.error(where, "", "expected key.path=value");
    return;
  }
  std::string path(assignment.substr(0, eq));
  std::string value(assignment.substr(eq + 1));
  std::vector<std::string> keys;
  for (std::size_t pos = 0;;) {
    auto dot = path.find('.', pos);
    keys.push_back(path.substr(pos, dot == std::string::npos ? std::string::npos : dot - pos));
    if (dot == std::string::npos) break;
    pos = dot + 1;
  }
  ConfigNode* node = &root;
  std::string walked;
  for (std::size_t i = 0; i < keys.size(); ++i) {
    const std::string& key = keys[i];
    walked += (walked.empty() ? "" : ".") + key;
    bool leaf = i + 1 == keys.size();
    if (node->is_sequence()) {
      std::size_t index = 0;
      auto [p, ec] = std::from_chars(key.data(), key.data() + key.size(), index);
      if (ec != std::errc() || p != key.data() + key.size() || index >= node->items.size()) {
        diags.error(where, walked, "expected a list index below " + std::to_string(node->items.size()));
        return;
      }
      node = &node->items[index];
      continue;
    }
    if (!node->is_map()) {
      diags.error(where, walked, "cannot set a key inside " + node->kind_name());
      return;
    }
    ConfigNode* child = node->find(key);
    if (!child) {
      if (!leaf) {
        std::vector<std::string> names;
        for (const auto& e : node->entries) names.push_back(e.key);
        std::string near = nearest_name(key, names);
        diags.error(where, walked,
                    "no such section" + (near.empty() ? std::string() : "; did you mean '" + near + "'?"));
        return;
      }
      node->entries.push_back({key, where, ConfigNode{}});
      child = &node->entries.back().value;
    }
    node = child;
  }
  Diagnostics local;
  ConfigNode parsed = parse_config_text(value, where.file, local);
  if (!local.ok() || parsed.is_null()) {
    // Not valid YAML on its own (e.g. "a: b"): take it as a plain string.
    parsed = ConfigNode{};
    parsed.kind = ConfigNode::Kind::Scalar;
    parsed.scalar = value;
  }
  auto relocate = [&](auto& self, ConfigNode& n) -> void {
    n.loc = where;
    for (auto& e : n.entries) {
      e.key_loc = where;
      self(self, e.value);
    }
    for (auto& item : n.items) self(self, item);
  };
  relocate(relocate, parsed);
  *node = std::move(parsed);
}

const ConfigNode* find_path(const ConfigNode& root, std::string_view dotted_key) {
  const ConfigNode* n = &root;
  while (n) {
    const std::size_t dot = dotted_key.find('.');
    n = n->is_map() ? n->find(dotted_key.substr(0, dot)) : nullptr;
    if (dot == std::string_view::npos) break;
    dotted_key.remove_prefix(dot + 1);
  }
  return n;
}

std::string value_text(const ConfigNode& node) {
  if (node.is_map()) {
    const ConfigNode* v = node.find("value");
    return v && v->is_scalar() ? v->scalar : "";
  }
  return node.is_scalar() ? node.scalar : "";
}

}  // namespace tokenfab
