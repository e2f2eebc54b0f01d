#include "hw/system/pod_config.h"

namespace tokenfab {

namespace {
const Schema<PoolConfig>& pool_schema() {
  static const Schema<PoolConfig> schema = [] {
    Schema<PoolConfig> s("a pool of identical systems");
    s.add("name", &PoolConfig::name, "pool name");
    s.add("role", &PoolConfig::role, "what the pool serves: prefill, decode, attention, ffn");
    s.section("system", &PoolConfig::system, system_schema());
    s.add("systems", &PoolConfig::systems, "systems in the pool").at_least(1);
    return s;
  }();
  return schema;
}
}  // namespace

const Schema<PodConfig>& pod_schema() {
  static const Schema<PodConfig> schema = [] {
    Schema<PodConfig> s("pools of systems joined by a scale-out interconnect");
    s.add("name", &PodConfig::name, "display name");
    s.list("pools", &PodConfig::pools, pool_schema(), 1);
    s.section("interconnect", &PodConfig::interconnect, link_schema());
    s.add("crossing_overhead", &PodConfig::crossing_overhead, "software time of one crossing between pools")
        .at_least(Seconds(0));
    return s;
  }();
  return schema;
}

}  // namespace tokenfab
