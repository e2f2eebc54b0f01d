// A YAML/JSON document as a tree that remembers where every value came from.
//
// yaml-cpp nodes carry 0-based marks but no file name, silently keep duplicate
// keys and lose their origin when trees from several files are merged. This
// tree keeps file:line:col on each node, so a value inherited through `base:`
// or set by `--set` is reported at its own place.
//
//   Diagnostics diags;
//   ConfigNode root = load_config_file("configs/systems/gb200_nvl72.yaml", diags);
//   apply_override(root, "gpu.hbm.bandwidth=16 TB/s", diags);
//
// `base: <path>` may appear in any map: the file at <path> (relative to the
// file that names it) is loaded, its own bases resolved, and the map's other
// keys are merged over it (maps merge key by key; scalars and lists replace).
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "core/diagnostics.h"

namespace tokenfab {

class ConfigNode {
 public:
  enum class Kind { Null, Scalar, Map, Sequence };
  struct Entry;

  Kind kind = Kind::Null;
  Location loc;
  std::string scalar;             // text of a scalar
  bool quoted = false;            // a quoted scalar is always a string
  std::vector<Entry> entries;     // a map, in file order
  std::vector<ConfigNode> items;  // a sequence

  bool is_null() const { return kind == Kind::Null; }
  bool is_scalar() const { return kind == Kind::Scalar; }
  bool is_map() const { return kind == Kind::Map; }
  bool is_sequence() const { return kind == Kind::Sequence; }
  const ConfigNode* find(std::string_view key) const;
  ConfigNode* find(std::string_view key);
  // Human description of the kind, for "expected a map, got a list".
  std::string kind_name() const;
};

struct ConfigNode::Entry {
  std::string key;
  Location key_loc;
  ConfigNode value;
};

// Parses text (YAML or JSON); `file` names it in locations. Syntax errors and
// duplicate keys go to diags.
ConfigNode parse_config_text(const std::string& text, const std::string& file, Diagnostics& diags);
// Reads a file and resolves every `base:` in it.
ConfigNode load_config_file(const std::filesystem::path& file, Diagnostics& diags);
// Reads a file as is, without resolving `base:` (Hugging Face config.json).
ConfigNode load_plain_file(const std::filesystem::path& file, Diagnostics& diags);

// The node at a dotted key ("system.chip.hbm.bandwidth"), maps only;
// nullptr when a part is missing.
const ConfigNode* find_path(const ConfigNode& root, std::string_view dotted_key);
// A scalar's text, or a number written with its provenance ({value: ...})
// as its value's text; "" for anything else.
std::string value_text(const ConfigNode& node);

// Merges `over` onto `base`: maps key by key, anything else replaced.
void merge_into(ConfigNode& base, const ConfigNode& over);

// Applies "a.b.c=value" (list items by index: "links.0.bandwidth=..."). The
// path's parents must exist as maps; a new leaf key is created and left for
// the schema to accept or reject with a suggestion.
void apply_override(ConfigNode& root, std::string_view assignment, Diagnostics& diags);

}  // namespace tokenfab
