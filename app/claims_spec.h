// configs/economics/claims.yaml as read: the subjects (a system running a
// run file, or a pod run file) and what each claim compares (app/claims.h).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/units.h"

namespace tokenfab {

struct ClaimSubject {
  std::string id;
  std::string run, system;  // a system running a run file
  std::string pod;          // or a pod run file
  std::string lpu_decode;   // or a pod run file's LPU pool decoding the whole model alone
};

struct GenerationClaim {  // C3: subject against baseline, per MW and per token
  std::string name, baseline, subject;
  double per_mw = 0;           // claimed ratio of tokens/s per MW
  std::optional<double> cost;  // claimed ratio of $/Mtok
};

struct TierClaim {  // C4: per MW at the speeds of named tiers
  std::string baseline, subject;
  std::vector<std::string> tiers;
  double per_mw = 0;
};

struct RevenueClaim {  // C5
  std::string subject;
  DollarsPerSecond revenue;
};

struct TokensClaim {  // C6
  std::string subject;
  TokensPerSecond tokens;
};

struct FleetClaim {  // C7
  std::string gpus, pods;
  std::string lpus;  // optional: LPU racks decoding alone
  double lpu_share = 0;
  std::vector<std::string> mixes;  // tier tables; the comparison's own first
  std::vector<double> shares;      // LPU power shares the revenue is shown at
};

// One uncertain input of C5 at its low and high end. `input` is one of
// lpx_power, lpx_price (the pods' LPU systems), gpu_power, gpu_price (the
// Rubin system's, wherever it serves), speed_scale (every tier's speed
// times this), top_price_scale (the dearest tier's price times this),
// utilisation.
struct SensitivityInput {
  std::string name, input, low, high, source;
};

struct ClaimsSpec {
  std::string name;
  std::int64_t max_batch = 256;
  int max_pod_systems = 32;
  std::vector<ClaimSubject> subjects;
  std::vector<GenerationClaim> c3;
  TierClaim c4;
  std::vector<RevenueClaim> c5;
  std::vector<TokensClaim> c6;
  FleetClaim c7;
  std::vector<std::string> sensitivity_subjects;
  std::vector<SensitivityInput> sensitivity;
};

// Paths are made relative to the working directory; every subject a claim
// names must exist. Throws InputError.
ClaimsSpec load_claims_spec(const std::string& file);

}  // namespace tokenfab
