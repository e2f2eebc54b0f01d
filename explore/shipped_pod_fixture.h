// Test fixture: the shipped pod, DeepSeek-R1 in FP8, one sequence on each of
// the 72 GPUs and the routed experts one per LPU in 8 stages over 2,048 LP30;
// for the other style, an 8,192-token prompt prefilled on 8 GPUs and two
// sequences decoded over all 2,048 LP30 (the GPUs alone at tp 32).
#pragma once

#include "core/config_loader.h"
#include "explore/pod_estimate.h"
#include "workloads/hf_config.h"

namespace tokenfab {

struct ShippedPod {
  PodConfig pod = load_config("configs/pods/vr_nvl72_lpx.yaml", pod_schema());
  ModelSpec model = load_hf_config("workloads/models/deepseek-r1.json");
  Precision fp8{Dtype::fp8, Dtype::fp8, Dtype::bf16, Dtype::fp8, Dtype::fp8};
  PodInput in{pod,
              model,
              fp8,
              Mapping{.attn_dp = 72, .ep = 72},
              Mapping{.attn_dp = 256, .ep = 256, .pp = 8},
              Workload{Phase::decode, 72, 1, 8192},
              {}};
  RequestInput phases{
      pod,  model, fp8, Mapping{.tp = 8, .ep = 8}, Mapping{.tp = 128, .ep = 128, .pp = 16}, Mapping{.tp = 32, .ep = 32},
      8192, 1024,  2};
};

}  // namespace tokenfab
