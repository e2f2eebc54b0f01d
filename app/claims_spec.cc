#include "app/claims_spec.h"

#include <fmt/format.h>

#include <algorithm>

#include "core/config_loader.h"

namespace tokenfab {
namespace {

const Schema<ClaimSubject>& subject_schema() {
  static const Schema<ClaimSubject> schema = [] {
    Schema<ClaimSubject> s("a system running a run file, or a pod run file");
    s.add("id", &ClaimSubject::id, "name the claims use");
    s.add("run", &ClaimSubject::run, "run file (with system)").default_value(std::string());
    s.add("system", &ClaimSubject::system, "system file the run is put on").default_value(std::string());
    s.add("pod", &ClaimSubject::pod, "pod run file (instead of run and system)").default_value(std::string());
    s.add("lpu_decode", &ClaimSubject::lpu_decode,
          "pod run file whose LPU pool decodes the whole model alone (prefill elsewhere, not costed)")
        .default_value(std::string());
    return s;
  }();
  return schema;
}

const Schema<GenerationClaim>& generation_schema() {
  static const Schema<GenerationClaim> schema = [] {
    Schema<GenerationClaim> s("claim C3: a subject against a baseline");
    s.add("name", &GenerationClaim::name, "workload label");
    s.add("baseline", &GenerationClaim::baseline, "subject id");
    s.add("subject", &GenerationClaim::subject, "subject id");
    s.add("per_mw", &GenerationClaim::per_mw, "claimed ratio of tokens/s per MW").positive();
    s.add("cost", &GenerationClaim::cost, "claimed ratio of $/Mtok").positive();
    return s;
  }();
  return schema;
}

const Schema<TierClaim>& tier_claim_schema() {
  static const Schema<TierClaim> schema = [] {
    Schema<TierClaim> s("claim C4: tokens/s per MW at tiers' speeds");
    s.add("baseline", &TierClaim::baseline, "subject id");
    s.add("subject", &TierClaim::subject, "subject id");
    s.add("tiers", &TierClaim::tiers, "names in the tier table");
    s.add("per_mw", &TierClaim::per_mw, "claimed ratio").positive();
    return s;
  }();
  return schema;
}

const Schema<RevenueClaim>& revenue_schema() {
  static const Schema<RevenueClaim> schema = [] {
    Schema<RevenueClaim> s("claim C5: revenue a year");
    s.add("subject", &RevenueClaim::subject, "subject id");
    s.add("revenue", &RevenueClaim::revenue, "claimed, e.g. 30 G$/yr").positive();
    return s;
  }();
  return schema;
}

const Schema<TokensClaim>& tokens_schema() {
  static const Schema<TokensClaim> schema = [] {
    Schema<TokensClaim> s("claim C6: tokens/s of the data center");
    s.add("subject", &TokensClaim::subject, "subject id");
    s.add("tokens", &TokensClaim::tokens, "claimed, e.g. 22 Mtok/s").positive();
    return s;
  }();
  return schema;
}

const Schema<FleetClaim>& fleet_schema() {
  static const Schema<FleetClaim> schema = [] {
    Schema<FleetClaim> s("claim C7: the LPUs' power share");
    s.add("gpus", &FleetClaim::gpus, "subject id of the GPU racks");
    s.add("pods", &FleetClaim::pods, "subject id of the pods");
    s.add("lpus", &FleetClaim::lpus, "subject id of LPU racks decoding alone").default_value(std::string());
    s.add("lpu_share", &FleetClaim::lpu_share, "claimed share of the data center's power").at_least(0.0).at_most(1.0);
    s.add("mixes", &FleetClaim::mixes, "tier tables (workload mixes) besides the comparison's");
    s.add("shares", &FleetClaim::shares, "LPU power shares to show revenue at");
    return s;
  }();
  return schema;
}

const Schema<SensitivityInput>& sensitivity_schema() {
  static const Schema<SensitivityInput> schema = [] {
    Schema<SensitivityInput> s("an uncertain input at its low and high end");
    s.add("name", &SensitivityInput::name, "label");
    s.add("input", &SensitivityInput::input,
          "lpx_power, lpx_price, gpu_power, gpu_price, speed_scale, top_price_scale or utilisation");
    s.add("low", &SensitivityInput::low, "low end, with its unit");
    s.add("high", &SensitivityInput::high, "high end, with its unit");
    s.add("source", &SensitivityInput::source, "where the range comes from");
    return s;
  }();
  return schema;
}

const Schema<ClaimsSpec>& claims_schema() {
  static const Schema<ClaimsSpec> schema = [] {
    Schema<ClaimsSpec> s("the economics claims and what each compares");
    s.add("name", &ClaimsSpec::name, "name");
    s.add("max_batch", &ClaimsSpec::max_batch, "largest batch searched").default_value(std::int64_t{256}).positive();
    s.add("max_pod_systems", &ClaimsSpec::max_pod_systems, "most attention racks sharing one LPX pool")
        .default_value(32)
        .positive();
    s.list("subjects", &ClaimsSpec::subjects, subject_schema(), 1);
    s.list("c3", &ClaimsSpec::c3, generation_schema(), 1);
    s.section("c4", &ClaimsSpec::c4, tier_claim_schema());
    s.list("c5", &ClaimsSpec::c5, revenue_schema(), 1);
    s.list("c6", &ClaimsSpec::c6, tokens_schema(), 1);
    s.section("c7", &ClaimsSpec::c7, fleet_schema());
    s.add("sensitivity_subjects", &ClaimsSpec::sensitivity_subjects, "subject ids C5's sensitivity is shown for");
    s.list("sensitivity", &ClaimsSpec::sensitivity, sensitivity_schema());
    return s;
  }();
  return schema;
}

// Where the scalar `value` is first written in `node`'s tree.
std::optional<Location> where(const ConfigNode& node, const std::string& value) {
  if (node.is_scalar() && node.scalar == value) return node.loc;
  for (const auto& e : node.entries) {
    if (auto l = where(e.value, value)) return l;
  }
  for (const auto& item : node.items) {
    if (auto l = where(item, value)) return l;
  }
  return std::nullopt;
}

}  // namespace

ClaimsSpec load_claims_spec(const std::string& file) {
  ConfigNode resolved;
  ClaimsSpec spec = load_config(file, claims_schema(), {}, nullptr, &resolved);
  const ConfigNode& subjects = *resolved.find("subjects");
  for (std::size_t i = 0; i < spec.subjects.size(); ++i) {
    ClaimSubject& s = spec.subjects[i];
    const ConfigNode& n = subjects.items[i];
    const int kinds = (!s.run.empty() || !s.system.empty()) + !s.pod.empty() + !s.lpu_decode.empty();
    if (kinds != 1 || (s.pod.empty() && s.lpu_decode.empty() && (s.run.empty() || s.system.empty()))) {
      throw InputError(n.loc, fmt::format("subjects[{}]: expected run and system, or pod, or lpu_decode", i));
    }
    for (auto [key, path] : {std::pair{"run", &s.run}, std::pair{"system", &s.system}, std::pair{"pod", &s.pod},
                             std::pair{"lpu_decode", &s.lpu_decode}}) {
      if (!path->empty()) *path = path_beside(n.find(key), *path);
    }
  }
  const ConfigNode& mixes = *resolved.find("c7")->find("mixes");
  for (std::size_t i = 0; i < spec.c7.mixes.size(); ++i) spec.c7.mixes[i] = path_beside(&mixes, spec.c7.mixes[i]);
  // Every id a claim names is a subject.
  std::vector<std::string> named = {spec.c4.baseline, spec.c4.subject, spec.c7.gpus, spec.c7.pods};
  if (!spec.c7.lpus.empty()) named.push_back(spec.c7.lpus);
  for (const auto& c : spec.c3) named.insert(named.end(), {c.baseline, c.subject});
  for (const auto& c : spec.c5) named.push_back(c.subject);
  for (const auto& c : spec.c6) named.push_back(c.subject);
  named.insert(named.end(), spec.sensitivity_subjects.begin(), spec.sensitivity_subjects.end());
  for (const std::string& id : named) {
    if (std::none_of(spec.subjects.begin(), spec.subjects.end(), [&](const ClaimSubject& s) { return s.id == id; }))
      throw InputError(where(resolved, id).value_or(resolved.loc), fmt::format("'{}' is not one of the subjects", id));
  }
  return spec;
}

}  // namespace tokenfab
