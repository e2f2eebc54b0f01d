// What the serving software does with the trace, as opposed to what the
// hardware can do: which ops it fuses into their neighbours.
//
// Production engines (TensorRT-LLM, SGLang, vLLM with CUDA graphs) fuse
// RMSNorm into the next GEMM's prologue or the previous all-reduce, RoPE into
// the attention kernel and the SwiGLU product into the gate/up GEMM's
// epilogue. A fused op launches no kernel and makes no extra round trip
// through memory; its few FLOPs per element run inside its host kernel.
#pragma once

#include "core/schema.h"
#include "workloads/op.h"

namespace tokenfab {

struct EngineConfig {
  bool fuse_elementwise = true;  // norms, RoPE and activations ride in neighbouring kernels
};

const Schema<EngineConfig>& engine_schema();

// True when the engine runs `kind` inside a neighbouring kernel.
bool fused_away(const EngineConfig& engine, OpKind kind);

}  // namespace tokenfab
