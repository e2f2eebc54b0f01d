#include "hw/system/pod_config.h"

#include <fmt/format.h>

#include <string_view>

namespace tokenfab {

namespace {
const Schema<PoolNic>& pool_nic_schema() {
  static const Schema<PoolNic> schema = [] {
    Schema<PoolNic> s("the NICs through which a pool's chips reach the pod's interconnect");
    s.section("link", &PoolNic::link, link_schema());
    s.add("chips_per_nic", &PoolNic::chips_per_nic, "consecutive chips sharing one NIC").at_least(1);
    return s;
  }();
  return schema;
}

}  // namespace

const Schema<PoolConfig>& pool_schema() {
  static const Schema<PoolConfig> schema = [] {
    Schema<PoolConfig> s("a pool of identical systems");
    s.add("name", &PoolConfig::name, "pool name");
    s.add("role", &PoolConfig::role, "what the pool serves: prefill, decode, attention, ffn");
    s.section("system", &PoolConfig::system, system_schema());
    s.add("systems", &PoolConfig::systems, "systems in the pool").at_least(1);
    s.section("nic", &PoolConfig::nic, pool_nic_schema());
    s.check([](const PoolConfig& p, Checker& k) {
      if (p.nic && p.system.chips % p.nic->chips_per_nic != 0)
        k.fail("nic.chips_per_nic", "does not divide the system's " + std::to_string(p.system.chips) + " chips");
    });
    return s;
  }();
  return schema;
}

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

BytesPerSecond port_bandwidth(const PodConfig& pod, const PoolConfig& pool) {
  return pool.nic ? pool.nic->link.sustained_bandwidth() : pod.interconnect.sustained_bandwidth();
}

int ports_for(const PoolConfig& pool, int devices) {
  const int per_nic = pool.nic ? pool.nic->chips_per_nic : 1;
  return (devices + per_nic - 1) / per_nic;
}

Seconds crossing_latency(const PodConfig& pod) {
  Seconds out = pod.interconnect.latency;
  for (const PoolConfig& p : pod.pools) {
    if (p.nic) out += p.nic->link.latency;
  }
  return out;
}

bool ffn_op(const Op& op) {
  const std::string_view name = op.name;
  return name.starts_with("mlp.") || name.starts_with("moe.") || name == "post_attention_norm";
}

const PoolConfig& pool_with_role(const PodConfig& pod, const std::string& role) {
  for (const auto& p : pod.pools) {
    if (p.role == role) return p;
  }
  throw InputError({"pools"}, pod.name + ": no pool has the role '" + role + "'");
}

SystemConfig ffn_system(const PodConfig& pod) { return pool_as_one_system(pool_with_role(pod, "ffn")); }

SystemConfig pool_as_one_system(const PoolConfig& pool) {
  SystemConfig s = pool.system;
  s.chips = pool.system.chips * pool.systems;
  // The LPUs' chip-to-chip network spans the pool's racks, as Groq v1's
  // Dragonfly spans its 8 (hardware.md 1b): one scale-up domain.
  s.scale_up.domain = s.chips;
  // Its price and power are its systems' together.
  const double n = pool.systems;
  if (s.economics.price) s.economics.price = *s.economics.price * n;
  if (s.economics.system_power) s.economics.system_power = *s.economics.system_power * n;
  s.name = fmt::format("{} x {}", pool.systems, pool.system.name);
  return s;
}

}  // namespace tokenfab
