// A pod run file (configs/runs/pod_*.yaml), read and checked: the pod, the
// model, the decode workload, the mappings of both pools and of the GPUs
// alone, and the prefill-decode style's settings.
//
//   pod: {base: ../pods/vr_nvl72_lpx.yaml}
//   model: ../../workloads/models/deepseek-r1.json
//   workload: {phase: decode, batch: 72, context: 8192}
//   precision: {weights: fp8, ...}
//   attention_mapping: {attn_dp: 72, ep: 72}          # the GPUs with the pod
//   ffn_mapping: {attn_dp: 256, ep: 256, pp: 8}       # the LPUs
//   gpu_mapping: {attn_dp: 72, ep: 72}   # the GPUs alone
//   prefill_decode: {output_tokens: 1024, batch: 2, prefill_mapping: {...}, lpu_decode_mapping: {...}}
#pragma once

#include <string>
#include <vector>

#include "hw/system/pod_config.h"
#include "workloads/model.h"

namespace tokenfab {

// The second style, prefill on the GPUs and decode on the LPUs, for one
// request of the workload's context as its prompt.
struct RequestStyle {
  std::int64_t output_tokens = 0;
  std::int64_t batch = 1;  // sequences decoded together
  Mapping prefill_mapping, lpu_decode_mapping;
};

struct PodRun {
  PodConfig pod;
  std::string model;
  Workload workload;
  Precision precision;
  Mapping attention_mapping, ffn_mapping, gpu_mapping;
  RequestStyle prefill_decode;
};

struct LoadedPod {
  PodRun run;
  ModelSpec model;
};

// Reads `file` with `sets` applied; every mapping must be valid for the
// model and fit its pool. Throws InputError.
LoadedPod load_pod_run(const std::string& file, const std::vector<std::string>& sets);

// True when `file` is a pod run file: its document (base files resolved)
// has `pod:`. A file that cannot be read is not; its own reader says why.
bool is_pod_run(const std::string& file);

}  // namespace tokenfab
