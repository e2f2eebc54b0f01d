#include "serving/engine_config.h"

namespace tokenfab {

const Schema<EngineConfig>& engine_schema() {
  static const Schema<EngineConfig> schema = [] {
    Schema<EngineConfig> s("serving-engine behaviour");
    s.add("fuse_elementwise", &EngineConfig::fuse_elementwise,
          "norms, RoPE and activations run inside neighbouring kernels: no launch, no extra memory pass")
        .default_value(true);
    return s;
  }();
  return schema;
}

bool fused_away(const EngineConfig& engine, OpKind kind) {
  return engine.fuse_elementwise && (kind == OpKind::norm || kind == OpKind::rope || kind == OpKind::activation);
}

}  // namespace tokenfab
