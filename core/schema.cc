#include "core/schema.h"

#include <algorithm>

namespace tokenfab {

void Checker::fail(std::string_view key, const std::string& message) {
  const ConfigNode* at = node_.find(key);
  ctx_.diags.error(at ? at->loc : node_.loc, schema_detail::join(path_, std::string(key)), message);
}

namespace schema_detail {

std::string join(const std::string& path, const std::string& key) { return path.empty() ? key : path + "." + key; }

std::string parent_path(const std::string& path, const std::string& key) {
  if (path.size() <= key.size()) return "";
  return path.substr(0, path.size() - key.size() - 1);
}

void check_section_keys(const ConfigNode& node, const std::string& path, const std::vector<std::string>& keys,
                        BindContext& ctx) {
  for (const auto& e : node.entries) {
    if (e.key == "source" || e.key == "status") continue;
    if (std::find(keys.begin(), keys.end(), e.key) != keys.end()) continue;
    std::string near = nearest_name(e.key, keys);
    std::string hint = near.empty() ? "" : "; did you mean '" + near + "'?";
    ctx.diags.error(e.key_loc, join(path, e.key), "unknown key" + hint);
  }
}

void apply_section_provenance(const ConfigNode& node, const std::string& path, BindContext& ctx) {
  if (const ConfigNode* s = node.find("source")) {
    if (s->is_scalar()) {
      ctx.source = s->scalar;
    } else {
      ctx.diags.error(s->loc, join(path, "source"), "expected a string naming where the numbers come from");
    }
  }
  if (const ConfigNode* s = node.find("status")) {
    if (auto text =
            codec_detail::read_enum_text(*s, {kStatusNames.begin(), kStatusNames.end()}, join(path, "status"), ctx)) {
      ctx.status = *text;
    }
  }
}

}  // namespace schema_detail
}  // namespace tokenfab
