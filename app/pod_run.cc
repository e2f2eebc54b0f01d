#include "app/pod_run.h"

#include <fmt/format.h>

#include "core/config_loader.h"
#include "workloads/hf_config.h"
#include "workloads/workload_config.h"

namespace tokenfab {
namespace {

const Schema<RequestStyle>& request_style_schema() {
  static const Schema<RequestStyle> schema = [] {
    Schema<RequestStyle> s("prefill on the GPUs, the KV cache over the interconnect, decode on the LPUs");
    s.add("output_tokens", &RequestStyle::output_tokens, "tokens generated per request").at_least(std::int64_t{1});
    s.add("batch", &RequestStyle::batch, "sequences decoded together on either pool").at_least(std::int64_t{1});
    s.section("prefill_mapping", &RequestStyle::prefill_mapping, mapping_schema());
    s.section("lpu_decode_mapping", &RequestStyle::lpu_decode_mapping, mapping_schema());
    return s;
  }();
  return schema;
}

const Schema<PodRun>& pod_run_schema() {
  static const Schema<PodRun> schema = [] {
    Schema<PodRun> s("a decode step on a pod, and on its GPU pool alone");
    s.section("pod", &PodRun::pod, pod_schema());
    s.add("model", &PodRun::model, "path of a Hugging Face config.json, relative to the file that names it");
    s.section("workload", &PodRun::workload, workload_schema());
    s.section("precision", &PodRun::precision, precision_schema());
    s.section("attention_mapping", &PodRun::attention_mapping, mapping_schema());
    s.section("ffn_mapping", &PodRun::ffn_mapping, mapping_schema());
    s.section("gpu_mapping", &PodRun::gpu_mapping, mapping_schema());
    s.section("prefill_decode", &PodRun::prefill_decode, request_style_schema());
    return s;
  }();
  return schema;
}

void check_mapping(const Mapping& m, const ModelSpec& model, int chips, const char* key) {
  Diagnostics d;
  validate_mapping(m, model, d, {key});
  if (m.replica_devices() > chips)
    d.error({key}, "", fmt::format("{} needs {} chips, the pool has {}", m.label(), m.replica_devices(), chips));
  d.throw_if_any();
}

}  // namespace

LoadedPod load_pod_run(const std::string& file, const std::vector<std::string>& sets) {
  ConfigNode resolved;
  PodRun run = load_config(file, pod_run_schema(), sets, nullptr, &resolved);
  ModelSpec model = load_hf_config(path_beside(resolved.find("model"), run.model));
  if (run.workload.phase != Phase::decode)
    throw InputError({"workload.phase"}, "a pod splits decode steps; the workload's phase is prefill");
  const int gpu_chips = pool_with_role(run.pod, "attention").system.chips;
  const int lpu_chips = ffn_system(run.pod).chips;
  check_mapping(run.attention_mapping, model, gpu_chips, "attention_mapping");
  check_mapping(run.ffn_mapping, model, lpu_chips, "ffn_mapping");
  check_mapping(run.gpu_mapping, model, gpu_chips, "gpu_mapping");
  check_mapping(run.prefill_decode.prefill_mapping, model, gpu_chips, "prefill_decode.prefill_mapping");
  check_mapping(run.prefill_decode.lpu_decode_mapping, model, lpu_chips, "prefill_decode.lpu_decode_mapping");
  return {std::move(run), std::move(model)};
}

bool is_pod_run(const std::string& file) {
  Diagnostics d;
  const ConfigNode root = load_resolved_tree(file, {}, d);
  return d.ok() && root.find("pod") != nullptr;
}

}  // namespace tokenfab
