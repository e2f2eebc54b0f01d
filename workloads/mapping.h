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

struct Mapping {
  int tp = 1;
  int attn_dp = 1;
  int ep = 1;
  int pp = 1;
  int dp = 1;

  int stage_devices() const { return tp * attn_dp; }
  int replica_devices() const { return stage_devices() * pp; }
  int total_devices() const { return replica_devices() * dp; }
  int expert_tp() const { return stage_devices() / ep; }
  std::string str() const;  // "tp=1,attn_dp=72,ep=72,pp=1,dp=1"
};

// Parses "tp=8,ep=8" (missing keys stay 1); errors name the bad part.
Mapping parse_mapping(std::string_view text, Diagnostics& diags, const Location& where);

// Checks the mapping fits the model (heads divide by tp, experts by ep...).
void validate_mapping(const Mapping& map, const ModelSpec& model, Diagnostics& diags, const Location& where);

}  // namespace tokenfab
