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

// A path a config names, resolved against the directory of the file whose
// `node` wrote it (a base file's path is relative to the base file; a `--set`
// or an absolute path is taken as is), normalised.
std::string path_beside(const ConfigNode* node, const std::string& path);

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
