// How one model replica is laid out over devices.
//
//   tp       tensor parallel: attention heads and dense-FFN columns split tp ways
//   attn_dp  attention data parallel: sequences split over attn_dp groups of tp
//            devices, each holding all attention weights (DeepSeek/SGLang "DP attention")
//   ep       expert parallel: routed experts spread over ep of the tp*attn_dp devices
//            of a stage; each expert's width splits over the rest (tp*attn_dp/ep)
//   pp       pipeline stages, layers split evenly (the first stages take the remainder)
//   dp       whole-replica data parallel
//
// Devices per replica = tp * attn_dp * pp; devices in all = dp * that.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/diagnostics.h"
#include "workloads/model.h"

namespace tokenfab {

// Where a device (its index within the replica) sits in the mapping.
struct DeviceCoords {
  int stage = 0;
  int attn_rank = 0;  // attention data-parallel rank within the stage
  int tp_rank = 0;
  int ep_rank = 0;  // expert-parallel rank within the stage
};

struct Mapping {
  int tp = 1;
  int attn_dp = 1;
  int ep = 1;
  int pp = 1;
  int dp = 1;
  // Uneven expert routing: the hottest expert-parallel rank (rank 0 of each
  // stage, by convention) receives this many times the routed rows uniform
  // routing gives it, the others proportionally fewer. Not a parallel degree:
  // the serving engine's `engine.expert_imbalance`, carried here because
  // trace generation sees the layout but not the engine.
  double expert_imbalance = 1.0;

  int stage_devices() const { return tp * attn_dp; }
  int replica_devices() const { return stage_devices() * pp; }
  int total_devices() const { return replica_devices() * dp; }
  int expert_tp() const { return stage_devices() / ep; }
  std::string str() const;    // "tp=1,attn_dp=72,ep=72,pp=1,dp=1", every degree
  std::string label() const;  // "attn_dp=72,ep=72": degrees above 1 only, "1 chip" when none
  // Devices are numbered (stage * attn_dp + attn_rank) * tp + tp_rank; expert
  // ranks group consecutive devices of a stage expert_tp() at a time.
  DeviceCoords coords(int device) const {
    return {device / stage_devices(), (device / tp) % attn_dp, device % tp, (device % stage_devices()) / expert_tp()};
  }
};

// Routed experts held by expert-parallel rank `ep_rank`: E/ep each, one more on
// the first E%ep ranks (256 experts over EP 72: 4 on ranks 0-39, 3 on the rest).
inline std::int64_t local_experts(const MoeDims& moe, const Mapping& map, int ep_rank) {
  return moe.routed_experts / map.ep + (ep_rank < moe.routed_experts % map.ep ? 1 : 0);
}

// Routed rows of expert-parallel rank `ep_rank` over what uniform routing
// gives it: expert_imbalance on rank 0, and on the others the factor that
// keeps the total, (E - f*E_0)/(E - E_0) for f = expert_imbalance and E_0 the
// experts of rank 0 ((ep - f)/(ep - 1) when ep divides E). 1 for every rank
// when ep = 1 or routing is uniform.
double expert_load(const MoeDims& moe, const Mapping& map, int ep_rank);

// Distinct routed experts whose weights expert-parallel rank `ep_rank` reads
// in a step that routes `tokens` tokens (uniform routing: each expert is
// touched with p = 1 - (1 - k/E)^tokens). The ranks wait for each other at
// the combine, so the step goes at the busiest rank's pace, and rank 0 (the
// rank a stage is timed by) is that rank: the expected maximum over the ep
// ranks of Binomial(E_0, p), sum over x >= 1 of 1 - F(x - 1)^ep. The other
// ranks share the rest of the expected total E p in proportion to their
// experts, so the total stays E p. With one sequence on DeepSeek-R1 over EP 64
// (4 experts a rank, p = 1/32) the mean rank touches 0.125 experts and the
// busiest 1.31: whole experts, not an eighth of one.
double touched_experts(const MoeDims& moe, const Mapping& map, int ep_rank, double tokens);

// Parses "tp=8,ep=8" (missing keys stay 1); errors name the bad part.
Mapping parse_mapping(std::string_view text, Diagnostics& diags, const Location& where);

// Checks the mapping fits the model (heads divide by tp, experts by ep...).
void validate_mapping(const Mapping& map, const ModelSpec& model, Diagnostics& diags, const Location& where);

}  // namespace tokenfab
