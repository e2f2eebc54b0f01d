#include "app/deployment.h"

#include <fmt/format.h>

#include "core/config_loader.h"
#include "explore/pod_step_model.h"
#include "serving/replica_setup.h"
#include "workloads/hf_config.h"
#include "workloads/workload_config.h"

namespace tokenfab {
namespace {

const Schema<PoolUse>& pool_use_schema() {
  static const Schema<PoolUse> schema = [] {
    Schema<PoolUse> s("replicas of one mapping on a pool of the pod");
    s.add("pool", &PoolUse::pool, "the pod's pool, by name");
    s.section("mapping", &PoolUse::mapping, mapping_schema());
    s.add("replicas", &PoolUse::replicas, "replicas of the mapping behind one router").at_least(1);
    s.add("max_batch", &PoolUse::max_batch, "running sequences per replica (absent: the engine's, else 256)")
        .at_least(std::int64_t{1});
    s.add("token_budget", &PoolUse::token_budget, "new tokens per step and attention rank (chunked prefill)")
        .at_least(std::int64_t{1})
        .default_value(8192);
    s.add("policy", &PoolUse::policy,
          "KV admission: max_utilization (the prompt's blocks; a full cache preempts) or guaranteed_no_evict (the "
          "whole request's blocks, TensorRT-LLM's policy)")
        .default_value(AdmissionPolicy::max_utilization);
    s.add("prefill_apart", &PoolUse::prefill_apart,
          "steps with prompts carry only them and decodes wait (vLLM before chunked prefill, SGLang without "
          "--enable-mixed-chunk); false: prompts beside the decodes")
        .default_value(false);
    s.add("chunked_prefill", &PoolUse::chunked_prefill,
          "a prompt may take what is left of a step's token budget and finish later; false: it goes into a step "
          "whole or waits (TensorRT-LLM without enable_chunked_prefill)")
        .default_value(true);
    s.add("overlap", &PoolUse::overlap,
          "the engine forms a step while the last one runs (SGLang's and TensorRT-LLM's overlap scheduler), so a "
          "request reaching it during a step waits one step more; false: it looks between steps")
        .default_value(false);
    s.section("ffn_mapping", &PoolUse::ffn_mapping, mapping_schema());
    return s;
  }();
  return schema;
}

const Schema<Deployment>& deployment_schema() {
  static const Schema<Deployment> schema = [] {
    Schema<Deployment> s("a model served from a pod's pools");
    s.add("name", &Deployment::name, "display name");
    s.add("style", &Deployment::style, "colocated, prefill_decode or attention_ffn");
    s.section("pod", &Deployment::pod, pod_schema());
    s.add("model", &Deployment::model, "path of a Hugging Face config.json, relative to the file that names it");
    s.section("precision", &Deployment::precision, precision_schema());
    s.section("engine", &Deployment::engine, engine_schema());
    s.section("colocated", &Deployment::colocated, pool_use_schema());
    s.section("prefill", &Deployment::prefill, pool_use_schema());
    s.section("decode", &Deployment::decode, pool_use_schema());
    s.add("block_tokens", &Deployment::block_tokens, "tokens per KV-cache block")
        .at_least(std::int64_t{1})
        .default_value(16);
    s.add("context_bucket", &Deployment::context_bucket,
          "decodes are timed at contexts rounded up to a multiple of this (attention_ffn: the batch's mean "
          "context); 1: exact")
        .at_least(std::int64_t{1})
        .default_value(256);
    s.check([](const Deployment& d, Checker& k) {
      const bool split = d.style != DeploymentStyle::colocated;
      if (!split && !d.colocated) k.fail("colocated", "a colocated deployment needs its `colocated:` replicas");
      if (!split && (d.prefill || d.decode)) k.fail("prefill", "a colocated deployment has no prefill or decode pool");
      if (split && (!d.prefill || !d.decode)) k.fail("decode", "a split deployment needs `prefill:` and `decode:`");
      if (split && d.colocated) k.fail("colocated", "a split deployment has no colocated replicas");
      const bool afd = d.style == DeploymentStyle::attention_ffn;
      if (d.decode && afd != d.decode->ffn_mapping.has_value())
        k.fail("decode.ffn_mapping", afd ? "attention_ffn needs the LPUs' mapping" : "only attention_ffn has one");
    });
    return s;
  }();
  return schema;
}

// Where a dotted key of the deployment's document is, for its messages: the
// deepest part of the path the document has.
Location where(const ConfigNode& root, const std::string& dotted) {
  const ConfigNode* node = &root;
  Location loc = root.loc;
  std::size_t from = 0;
  while (from <= dotted.size()) {
    const std::size_t dot = std::min(dotted.find('.', from), dotted.size());
    node = node->find(dotted.substr(from, dot - from));
    if (!node) break;
    loc = node->loc;
    from = dot + 1;
  }
  return loc;
}

const PoolConfig* find_pool(const PodConfig& pod, const std::string& name) {
  for (const auto& p : pod.pools) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

bool is_lpu(const PoolConfig& p) { return p.system.chip.kind == ChipKind::lpu; }

// The system one replica of the pool runs on: one of its GPU systems, or
// all its LPU systems as one.
SystemConfig replica_system(const PoolConfig& p) { return is_lpu(p) ? pool_as_one_system(p) : p.system; }

// Checks one pool's use; the chips it takes of its pool.
int check_use(const PoolUse& u, const Deployment& d, const ModelSpec& model, const std::string& key,
              const ConfigNode& root, Diagnostics& diags) {
  const PoolConfig* pool = find_pool(d.pod, u.pool);
  if (!pool) {
    std::string names;
    for (const auto& p : d.pod.pools) names += (names.empty() ? "" : ", ") + p.name;
    diags.error(where(root, key + ".pool"), key + ".pool",
                fmt::format("no pool '{}' in pod {} (it has {})", u.pool, d.pod.name, names));
    return 0;
  }
  validate_mapping(u.mapping, model, diags, where(root, key + ".mapping"));
  const SystemConfig system = replica_system(*pool);
  if (u.mapping.replica_devices() > system.chips) {
    diags.error(where(root, key + ".mapping"), key + ".mapping",
                fmt::format("{} needs {} chips; a replica on pool {} has {}", u.mapping.label(),
                            u.mapping.replica_devices(), pool->name, system.chips));
  }
  const int per_system = system.chips / std::max(1, u.mapping.replica_devices());
  const int room = is_lpu(*pool) ? per_system : per_system * pool->systems;
  if (u.replicas > room) {
    diags.error(where(root, key + ".replicas"), key + ".replicas",
                fmt::format("{} replicas of {} chips do not fit pool {} ({} x {} chips)", u.replicas,
                            u.mapping.replica_devices(), pool->name, pool->systems, pool->system.chips));
  }
  return u.replicas * u.mapping.replica_devices();
}

void check_attention_ffn(const Deployment& d, const ModelSpec& model, const ConfigNode& root, Diagnostics& diags) {
  const PoolUse& u = *d.decode;
  const PoolConfig* attention = find_pool(d.pod, u.pool);
  const PoolConfig* ffn = nullptr;
  for (const auto& p : d.pod.pools) {
    if (p.role == "ffn") ffn = &p;
  }
  if (!attention || attention->role != "attention" || !ffn) {
    diags.error(where(root, "decode.pool"), "decode.pool",
                "attention_ffn decodes on the pod's pool of role attention, beside a pool of role ffn");
    return;
  }
  if (u.mapping.replica_devices() != attention->system.chips || u.replicas != attention->systems) {
    diags.error(where(root, "decode.replicas"), "decode.replicas",
                fmt::format("attention_ffn runs one replica on each of the attention pool's {} systems, over all "
                            "{} chips of each (the pod's estimate shares the FFN pool between systems)",
                            attention->systems, attention->system.chips));
  }
  validate_mapping(*u.ffn_mapping, model, diags, where(root, "decode.ffn_mapping"));
  const int lpus = ffn->system.chips * ffn->systems;
  if (u.ffn_mapping->replica_devices() > lpus)
    diags.error(where(root, "decode.ffn_mapping"), "decode.ffn_mapping",
                fmt::format("{} needs {} chips, the ffn pool has {}", u.ffn_mapping->label(),
                            u.ffn_mapping->replica_devices(), lpus));
}

// The attention-FFN pod's input for a decode replica.
PodInput pod_input(const Deployment& d, const ModelSpec& model, const EngineConfig& engine) {
  return {d.pod, model, d.precision, d.decode->mapping, *d.decode->ffn_mapping, {}, engine};
}

}  // namespace

LoadedDeployment load_deployment(const std::string& file, const std::vector<std::string>& sets) {
  ConfigNode resolved;
  Deployment d = load_config(file, deployment_schema(), sets, nullptr, &resolved);
  ModelSpec model = load_hf_config(path_beside(resolved.find("model"), d.model));
  Diagnostics diags;
  if (d.colocated) check_use(*d.colocated, d, model, "colocated", resolved, diags);
  if (d.prefill && d.decode) {
    const int p = check_use(*d.prefill, d, model, "prefill", resolved, diags);
    if (d.style == DeploymentStyle::attention_ffn) {
      check_attention_ffn(d, model, resolved, diags);
    } else {
      const int q = check_use(*d.decode, d, model, "decode", resolved, diags);
      const PoolConfig* shared = find_pool(d.pod, d.prefill->pool);
      if (shared && d.prefill->pool == d.decode->pool && p + q > shared->system.chips * shared->systems)
        diags.error(where(resolved, "decode.replicas"), "decode.replicas",
                    fmt::format("prefill ({} chips) and decode ({} chips) share pool {} of {} chips", p, q,
                                shared->name, shared->system.chips * shared->systems));
    }
  }
  diags.throw_if_any();
  return {std::move(d), std::move(model)};
}

bool is_deployment(const std::string& file) {
  Diagnostics d;
  const ConfigNode root = load_resolved_tree(file, {}, d);
  return d.ok() && root.find("style") != nullptr;
}

DeploymentRun::DeploymentRun(const LoadedDeployment& loaded, bool bound) {
  const Deployment& d = loaded.deployment;
  const ModelSpec& model = loaded.model;
  pools_.reserve(2);
  auto add = [&](const char* label, const PoolUse& u) {
    BuiltPool& b = pools_.emplace_back();
    b.label = label;
    b.pool = find_pool(d.pod, u.pool);
    b.mapping = u.mapping;
    b.replicas = u.replicas;
    b.devices = u.replicas * u.mapping.replica_devices();
    b.lpu = is_lpu(*b.pool);
    const EngineConfig engine =
        bound ? hardware_bound(d.engine) : engine_for_chip(d.engine, b.lpu, b.pool->system.chip.name);
    b.deployed = has_deployment_terms(engine);
    const SchedulerLimits limits{.max_batch = u.max_batch,
                                 .token_budget = u.token_budget,
                                 .block_tokens = d.block_tokens,
                                 .reserve_output = u.policy == AdmissionPolicy::guaranteed_no_evict,
                                 .prefill_apart = u.prefill_apart,
                                 .chunked_prefill = u.chunked_prefill,
                                 .overlap = u.overlap};
    if (std::string(label) == "decode" && d.style == DeploymentStyle::attention_ffn) {
      // The GPUs hold the weights that are not the FFN's, over their tensor ranks.
      const Bytes resident =
          (weight_bytes(model, d.precision) - ffn_weight_bytes(model, d.precision)) / static_cast<double>(u.mapping.tp);
      b.setup = std::make_unique<ReplicaSetup>(b.pool->system, model, d.precision, u.mapping, engine, limits, resident);
      b.devices += u.ffn_mapping->replica_devices();
      b.steps = std::make_unique<PodStepModel>(pod_input(d, model, engine), d.context_bucket);
    } else {
      b.setup = std::make_unique<ReplicaSetup>(replica_system(*b.pool), model, d.precision, u.mapping, engine, limits);
      b.steps = std::make_unique<AnalyticalStepModel>(b.setup->config(d.context_bucket));
    }
    b.scheduler = b.setup->scheduler;
  };
  if (d.colocated) {
    add("colocated", *d.colocated);
    return;
  }
  add("prefill", *d.prefill);
  add("decode", *d.decode);
  const BuiltPool& prefill = pools_[0];
  const BuiltPool& decode = pools_[1];
  Seconds latency = d.pod.interconnect.latency;
  for (const PoolConfig* p : {prefill.pool, decode.pool}) {
    if (p->nic) latency += p->nic->link.latency;
  }
  constexpr std::int64_t kProbe = 4096;  // tokens: the cache per token without rounding
  link_ = {d.pod.crossing_overhead, latency,
           port_bandwidth(d.pod, *prefill.pool) *
               static_cast<double>(ports_for(*prefill.pool, prefill.mapping.replica_devices())),
           port_bandwidth(d.pod, *decode.pool) *
               static_cast<double>(ports_for(*decode.pool, decode.mapping.replica_devices())),
           kv_cache_bytes(model, kProbe, d.precision.kv_cache) / static_cast<double>(kProbe)};
}

ServingRun DeploymentRun::simulate(const RequestLoad& load, Routing routing, std::int64_t prefix_block_tokens) const {
  auto replicas = [&](const BuiltPool& b, bool first) {
    Pool p{std::vector<StepModel*>(static_cast<std::size_t>(b.replicas), b.steps.get()), b.scheduler};
    if (first) p.scheduler.prefix_block_tokens = prefix_block_tokens;
    return p;
  };
  const Pool first = replicas(pools_[0], true);
  if (pools_.size() == 1) return tokenfab::simulate(first.steps, first.scheduler, load, routing);
  return simulate_disaggregated(first, replicas(pools_[1], false), link_, load, routing, FirstToken::decode);
}

int DeploymentRun::devices() const {
  int n = 0;
  for (const auto& p : pools_) n += p.devices;
  return n;
}

}  // namespace tokenfab
