// Loads one YAML document through its schema: read the file, resolve `base:`,
// apply `--set` overrides, bind and validate. Throws InputError with every
// problem found.
//
//   std::vector<Provenance> prov;
//   SystemConfig sys = load_config<SystemConfig>("configs/systems/gb200_nvl72.yaml", system_schema(),
//                                                {"chip.hbm.bandwidth=16 TB/s"}, &prov);
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "core/schema.h"

namespace tokenfab {

// The resolved tree, overrides applied; errors go to diags.
ConfigNode load_resolved_tree(const std::filesystem::path& file, const std::vector<std::string>& overrides,
                              Diagnostics& diags);

template <class T>
T load_config(const std::filesystem::path& file, const Schema<T>& schema,
              const std::vector<std::string>& overrides = {}, std::vector<Provenance>* provenance = nullptr,
              ConfigNode* resolved = nullptr) {
  Diagnostics diags;
  ConfigNode root = load_resolved_tree(file, overrides, diags);
  T out{};
  if (diags.ok()) {
    BindContext ctx{diags, provenance, "", ""};
    out = schema.read(root, "", ctx);
  }
  diags.throw_if_any();
  if (resolved) *resolved = std::move(root);
  return out;
}

}  // namespace tokenfab
