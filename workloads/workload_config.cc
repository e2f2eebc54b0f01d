#include "workloads/workload_config.h"

namespace tokenfab {

const Schema<Workload>& workload_schema() {
  static const Schema<Workload> schema = [] {
    Schema<Workload> s("the step: phase and sizes");
    s.add("phase", &Workload::phase, "prefill (prompt tokens) or decode (generated tokens)");
    s.add("batch", &Workload::batch, "sequences per model replica").at_least(1);
    s.add("tokens", &Workload::tokens, "new tokens per sequence: the prompt length for prefill, usually 1 for decode")
        .default_value(1)
        .at_least(1);
    s.add("context", &Workload::context, "tokens already in each sequence's KV cache").default_value(0).at_least(0);
    s.add("extrapolate", &Workload::extrapolate,
          "allow a context beyond the model's max_position_embeddings (position extrapolation, asked for on purpose)")
        .default_value(false);
    return s;
  }();
  return schema;
}

const Schema<Mapping>& mapping_schema() {
  static const Schema<Mapping> schema = [] {
    Schema<Mapping> s("parallel mapping of one model replica");
    s.add("tp", &Mapping::tp, "tensor parallel: attention heads and dense FFN split tp ways")
        .default_value(1)
        .at_least(1);
    s.add("attn_dp", &Mapping::attn_dp, "attention data parallel groups of tp devices").default_value(1).at_least(1);
    s.add("ep", &Mapping::ep, "expert parallel: routed experts spread over ep devices").default_value(1).at_least(1);
    s.add("pp", &Mapping::pp, "pipeline stages").default_value(1).at_least(1);
    s.add("dp", &Mapping::dp, "whole-replica data parallel").default_value(1).at_least(1);
    return s;
  }();
  return schema;
}

const Schema<Precision>& precision_schema() {
  static const Schema<Precision> schema = [] {
    Schema<Precision> s("number formats");
    s.add("weights", &Precision::weights, "FFN and expert weights").default_value(Dtype::bf16);
    s.add("attention_weights", &Precision::attention_weights, "attention projection weights")
        .default_value(Dtype::bf16);
    s.add("embeddings", &Precision::embeddings, "token embedding and LM head").default_value(Dtype::bf16);
    s.add("kv_cache", &Precision::kv_cache, "KV cache").default_value(Dtype::bf16);
    s.add("activations", &Precision::activations, "GEMM inputs and activations sent between devices")
        .default_value(Dtype::bf16);
    return s;
  }();
  return schema;
}

}  // namespace tokenfab
