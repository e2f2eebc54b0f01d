#include "workloads/mapping.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <set>

namespace tokenfab {

std::string Mapping::str() const {
  return "tp=" + std::to_string(tp) + ",attn_dp=" + std::to_string(attn_dp) + ",ep=" + std::to_string(ep) +
         ",pp=" + std::to_string(pp) + ",dp=" + std::to_string(dp);
}

std::string Mapping::label() const {
  std::string out;
  for (const auto& [key, value] : {std::pair{"tp", tp}, {"attn_dp", attn_dp}, {"ep", ep}, {"pp", pp}, {"dp", dp}}) {
    if (value > 1) out += (out.empty() ? "" : ",") + std::string(key) + "=" + std::to_string(value);
  }
  return out.empty() ? "1 chip" : out;
}

Mapping parse_mapping(std::string_view text, Diagnostics& diags, const Location& where) {
  Mapping m;
  std::set<std::string> seen;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t comma = text.find(',', pos);
    std::string_view part = text.substr(pos, comma == std::string_view::npos ? std::string_view::npos : comma - pos);
    pos = comma == std::string_view::npos ? text.size() : comma + 1;
    std::size_t eq = part.find('=');
    std::string_view key = part.substr(0, eq);
    int value = 0;
    bool ok = eq != std::string_view::npos;
    if (ok) {
      std::string_view num = part.substr(eq + 1);
      auto [p, ec] = std::from_chars(num.data(), num.data() + num.size(), value);
      ok = ec == std::errc() && p == num.data() + num.size() && value >= 1;
    }
    if (!seen.insert(std::string(key)).second) {
      diags.error(where, "mapping", "'" + std::string(key) + "' is given twice");
      continue;
    }
    int* slot = key == "tp"        ? &m.tp
                : key == "attn_dp" ? &m.attn_dp
                : key == "ep"      ? &m.ep
                : key == "pp"      ? &m.pp
                : key == "dp"      ? &m.dp
                                   : nullptr;
    if (!slot) {
      std::string near = nearest_name(std::string(key), {"tp", "attn_dp", "ep", "pp", "dp"});
      diags.error(where, "mapping",
                  "unknown parallelism '" + std::string(key) + "'" +
                      (near.empty() ? " (tp, attn_dp, ep, pp, dp)" : "; did you mean '" + near + "'?"));
      continue;
    }
    if (!ok) {
      diags.error(where, "mapping",
                  "expected " + std::string(key) + "=<integer >= 1>, got '" + std::string(part) + "'");
      continue;
    }
    *slot = value;
  }
  return m;
}

double expert_load(const MoeDims& moe, const Mapping& map, int ep_rank) {
  if (map.ep <= 1 || map.expert_imbalance == 1.0) return 1.0;
  if (ep_rank == 0) return map.expert_imbalance;
  const auto experts = static_cast<double>(moe.routed_experts);
  const auto hot = static_cast<double>(local_experts(moe, map, 0));
  return (experts - map.expert_imbalance * hot) / (experts - hot);
}

double touched_experts(const MoeDims& moe, const Mapping& map, int ep_rank, double tokens) {
  const auto experts = static_cast<double>(moe.routed_experts);
  const double p = 1.0 - std::pow(1.0 - static_cast<double>(moe.experts_per_token) / experts, tokens);
  const auto local = local_experts(moe, map, ep_rank);
  if (map.ep <= 1) return static_cast<double>(local) * p;
  // Binomial(E_0, p) CDF term by term; E[max of ep] = sum_x (1 - F(x-1)^ep).
  const std::int64_t n = local_experts(moe, map, 0);
  double busiest = 0.0, cdf = 0.0, pmf = std::pow(1.0 - p, static_cast<double>(n));
  for (std::int64_t x = 1; x <= n; ++x) {
    cdf += pmf;  // F(x - 1)
    busiest += 1.0 - std::pow(std::min(cdf, 1.0), map.ep);
    pmf *= p < 1.0 ? static_cast<double>(n - x + 1) / static_cast<double>(x) * p / (1.0 - p) : 0.0;
  }
  if (p >= 1.0) busiest = static_cast<double>(n);
  if (ep_rank == 0) return busiest;
  const double rest = std::max(0.0, experts * p - busiest);
  return rest * static_cast<double>(local) / (experts - static_cast<double>(n));
}

void validate_mapping(const Mapping& map, const ModelSpec& model, Diagnostics& diags, const Location& where) {
  auto fail = [&](const std::string& msg) { diags.error(where, "mapping", msg); };
  // Device counts are ints; keep their products far from overflow.
  constexpr std::int64_t kMaxDevices = std::int64_t{1} << 20;
  const std::int64_t devices = std::int64_t{map.tp} * map.attn_dp * map.pp * map.dp;
  if (map.tp < 1 || map.attn_dp < 1 || map.ep < 1 || map.pp < 1 || map.dp < 1 || devices > kMaxDevices) {
    fail("tp*attn_dp*pp*dp must be between 1 and " + std::to_string(kMaxDevices) + " devices, got " +
         std::to_string(devices));
    return;
  }
  if (model.heads % map.tp != 0) {
    fail("tp=" + std::to_string(map.tp) + " must divide the " + std::to_string(model.heads) + " attention heads");
  }
  if (model.intermediate % map.tp != 0) {
    fail("tp=" + std::to_string(map.tp) + " must divide the dense FFN width " + std::to_string(model.intermediate));
  }
  if (map.pp > model.layers)
    fail("pp=" + std::to_string(map.pp) + " exceeds the " + std::to_string(model.layers) + " layers");
  if (map.stage_devices() % map.ep != 0) {
    fail("ep=" + std::to_string(map.ep) + " must divide the tp*attn_dp=" + std::to_string(map.stage_devices()) +
         " devices of a stage");
    return;
  }
  if (!model.moe) {
    if (map.ep > 1) fail("ep=" + std::to_string(map.ep) + " needs a mixture-of-experts model");
    return;
  }
  // ep need not divide the experts: 256 experts over EP 72 puts 4 on some
  // devices and 3 on others (DeepSeek's EPLB fills the gaps with redundant copies).
  if (model.moe->routed_experts < map.ep) {
    fail("ep=" + std::to_string(map.ep) + " exceeds the " + std::to_string(model.moe->routed_experts) +
         " routed experts");
  }
  // The hot rank can take at most every routed row: f * E_0 <= E.
  const std::int64_t hot_experts = local_experts(*model.moe, map, 0);
  const double hottest = hot_experts > 0 ? static_cast<double>(model.moe->routed_experts) / hot_experts : 1.0;
  if (map.ep > 1 && map.expert_imbalance > hottest) {
    char text[64];
    std::snprintf(text, sizeof text, "expert imbalance %.4g exceeds %.4g", map.expert_imbalance, hottest);
    fail(std::string(text) + ": the hottest of ep=" + std::to_string(map.ep) +
         " ranks would take more than every routed token");
  }
  if (model.moe->expert_intermediate % map.expert_tp() != 0) {
    fail("expert tensor parallelism tp*attn_dp/ep=" + std::to_string(map.expert_tp()) +
         " must divide the expert width " + std::to_string(model.moe->expert_intermediate));
  }
}

}  // namespace tokenfab
