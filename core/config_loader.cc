#include "core/config_loader.h"

namespace tokenfab {

ConfigNode load_resolved_tree(const std::filesystem::path& file, const std::vector<std::string>& overrides,
                              Diagnostics& diags) {
  ConfigNode root = load_config_file(file, diags);
  if (!diags.ok()) return root;
  for (const auto& o : overrides) apply_override(root, o, diags);
  return root;
}

}  // namespace tokenfab
