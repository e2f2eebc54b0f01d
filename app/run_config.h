// The input of `tokenfab run` and `tokenfab trace`: a system, a model, a
// phase with its sizes, a mapping and number formats, in one YAML document so
// that `--set` reaches any of them:
//
//   system: {base: ../systems/gb200_nvl72.yaml}
//   model: ../../workloads/models/deepseek-r1.json   # relative to this file
//   workload: {phase: decode, batch: 64, context: 8192}
//   mapping: {attn_dp: 72, ep: 72}
//   precision: {weights: fp4, kv_cache: fp8}
//
//   tokenfab run configs/runs/deepseek_r1_gb200_decode.yaml --set workload.batch=128
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "hw/system/system_config.h"
#include "serving/engine_config.h"
#include "workloads/model.h"
#include "workloads/op.h"

namespace tokenfab {

struct RunConfig {
  SystemConfig system;
  std::string model;  // path of a Hugging Face config.json, resolved against the file that names it
  Workload workload;
  Mapping mapping;
  Precision precision;
  EngineConfig engine;
};

const Schema<RunConfig>& run_schema();

// Command-line replacements applied before --set overrides.
struct RunOverrides {
  std::optional<std::filesystem::path> system;
  std::optional<std::filesystem::path> model;
  std::vector<std::string> sets;
  bool check_mapping = true;  // off when a trace brings its own mapping
};

struct LoadedRun {
  RunConfig config;
  ModelSpec model;
  ConfigNode resolved;  // the whole document after base:, flags and --set
  std::vector<Provenance> provenance;
  std::vector<std::string> notes;  // what the run asked for that is said, not refused (app/run_sense.h)
};

// Throws InputError with every problem found, in the run file, the system
// files it includes, the overrides or the model's config.json.
LoadedRun load_run(const std::filesystem::path& file, const RunOverrides& overrides);

// load_run in two steps, for many runs of one file (a sweep): the file's
// document with the overrides' system and model in place, read once; then
// a copy of it with `sets` applied, bound. `models` (optional) keeps each
// config.json read once.
using ModelCache = std::map<std::string, ModelSpec>;
ConfigNode run_document(const std::filesystem::path& file, const RunOverrides& overrides);
LoadedRun bind_run(ConfigNode document, const std::vector<std::string>& sets, bool check_mapping = true,
                   ModelCache* models = nullptr);

}  // namespace tokenfab
