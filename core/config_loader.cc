#include "core/config_loader.h"

namespace tokenfab {

ConfigNode load_resolved_tree(const std::filesystem::path& file, const std::vector<std::string>& overrides,
                              Diagnostics& diags) {
  ConfigNode root = load_config_file(file, diags);
  if (!diags.ok()) return root;
  for (const auto& o : overrides) apply_override(root, o, diags);
  return root;
}

std::string path_beside(const ConfigNode* node, const std::string& path) {
  std::filesystem::path p(path);
  if (p.is_relative() && node && node->loc.line > 0) p = std::filesystem::path(node->loc.file).parent_path() / p;
  return p.lexically_normal().string();
}

}  // namespace tokenfab
