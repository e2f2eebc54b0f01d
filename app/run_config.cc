#include "app/run_config.h"

#include "app/run_sense.h"

#include "core/config_loader.h"
#include "workloads/hf_config.h"
#include "workloads/workload_config.h"

namespace tokenfab {

const Schema<RunConfig>& run_schema() {
  static const Schema<RunConfig> schema = [] {
    Schema<RunConfig> s("one simulated step: system, model, workload, mapping, formats");
    s.section("system", &RunConfig::system, system_schema());
    s.add("model", &RunConfig::model, "path of a Hugging Face config.json, relative to the file that names it");
    s.section("workload", &RunConfig::workload, workload_schema());
    s.section("mapping", &RunConfig::mapping, mapping_schema());
    s.section("precision", &RunConfig::precision, precision_schema());
    s.section("engine", &RunConfig::engine, engine_schema());
    return s;
  }();
  return schema;
}

namespace {

// A map node {base: path}, so the system file is merged in like any base.
void replace_system(ConfigNode& root, const std::filesystem::path& system, Diagnostics& diags) {
  ConfigNode tree = load_config_file(system, diags);
  if (!diags.ok()) return;
  if (ConfigNode* existing = root.find("system")) {
    *existing = std::move(tree);
  } else {
    root.entries.push_back({"system", {"--system"}, std::move(tree)});
  }
}

void replace_model(ConfigNode& root, const std::filesystem::path& model) {
  ConfigNode value;
  value.kind = ConfigNode::Kind::Scalar;
  value.scalar = std::filesystem::absolute(model).string();
  value.loc = {"--model"};
  if (ConfigNode* existing = root.find("model")) {
    *existing = std::move(value);
  } else {
    root.entries.push_back({"model", {"--model"}, std::move(value)});
  }
}

}  // namespace

ConfigNode run_document(const std::filesystem::path& file, const RunOverrides& overrides) {
  Diagnostics diags;
  ConfigNode root = load_config_file(file, diags);
  if (diags.ok() && !root.is_map()) diags.error(root.loc, "", "expected a run description (a map)");
  if (diags.ok() && overrides.system) replace_system(root, *overrides.system, diags);
  if (diags.ok() && overrides.model) replace_model(root, *overrides.model);
  diags.throw_if_any();
  return root;
}

LoadedRun load_run(const std::filesystem::path& file, const RunOverrides& overrides) {
  return bind_run(run_document(file, overrides), overrides.sets, overrides.check_mapping);
}

LoadedRun bind_run(ConfigNode document, const std::vector<std::string>& sets, bool check_mapping, ModelCache* models) {
  LoadedRun out;
  Diagnostics diags;
  out.resolved = std::move(document);
  for (const auto& set : sets) apply_override(out.resolved, set, diags);
  if (diags.ok()) {
    BindContext ctx{diags, &out.provenance, "", ""};
    out.config = run_schema().read(out.resolved, "", ctx);
  }
  diags.throw_if_any();

  // The model path is relative to the file (or flag) that set it.
  out.config.model = path_beside(out.resolved.find("model"), out.config.model);
  if (models) {
    auto it = models->find(out.config.model);
    if (it == models->end()) it = models->emplace(out.config.model, load_hf_config(out.config.model)).first;
    out.model = it->second;
  } else {
    out.model = load_hf_config(out.config.model);
  }
  // A GPU serving engine's terms (launches, host steps, fitted efficiencies)
  // have no meaning for an LPU's compiled program, nor an LPU engine's for a
  // GPU: such a run gives the bound.
  out.config.engine =
      engine_for_chip(out.config.engine, out.config.system.chip.kind == ChipKind::lpu, out.config.system.chip.name);
  // Trace generation sees the mapping, not the engine: the routing skew rides there.
  out.config.mapping.expert_imbalance = out.config.engine.expert_imbalance;

  out.notes = check_run_sense(out, check_mapping);
  if (!check_mapping) return out;
  Diagnostics mapping_diags;
  Location where = out.resolved.find("mapping") ? out.resolved.find("mapping")->loc : out.resolved.loc;
  validate_mapping(out.config.mapping, out.model, mapping_diags, where);
  mapping_diags.throw_if_any();
  return out;
}

}  // namespace tokenfab
