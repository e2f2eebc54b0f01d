// The sequences of one step under continuous batching: each with its own
// phase, new tokens and cached context, placed on an attention data-parallel
// rank. A `Workload` (every sequence alike) is the special case the steady
// commands use; serving builds a new `Batch` for every step.
//
//   Batch b{{{Phase::prefill, 512, 1024}, {Phase::decode, 1, 8000}, {Phase::decode, 1, 300, 2}}};
//   StepLoad load = place(b, /*attn_dp=*/4);   // the first two go to the least-loaded ranks
//   load.ranks[2].tokens()                       // 1 + whatever else rank 2 holds
//
// Placement rule, for sequences that do not name their rank: in batch order,
// each goes to the rank with the fewest new tokens so far, then the fewest
// cached tokens, then the fewest sequences, then the lowest index. A batch of
// identical sequences is so dealt round robin, as `sequences_of_rank` counts.
#pragma once

#include <cstdint>
#include <vector>

#include "workloads/op.h"

namespace tokenfab {

struct Sequence {
  Phase phase = Phase::decode;
  std::int64_t new_tokens = 1;  // tokens this step computes: a prefill chunk, or 1 in decode
  std::int64_t context = 0;     // tokens already in the KV cache
  int rank = -1;                // attention data-parallel rank; -1: placed by the rule above
};

struct Batch {
  std::vector<Sequence> sequences;
};

// Sequences of one rank that share phase, new tokens and context.
struct SequenceGroup {
  Phase phase = Phase::decode;
  std::int64_t count = 0;
  std::int64_t tokens = 0;   // new tokens of each
  std::int64_t context = 0;  // cached tokens of each
  bool operator==(const SequenceGroup&) const = default;
};

// What one attention data-parallel rank computes in a step.
struct RankLoad {
  std::vector<SequenceGroup> groups;  // in order of first appearance
  std::int64_t sequences() const;
  std::int64_t tokens() const;  // new tokens over all groups
  bool operator==(const RankLoad&) const = default;
};

// A placed batch: every rank's load and the tokens through a whole stage
// (which routed experts see, whatever rank the tokens came from).
struct StepLoad {
  std::vector<RankLoad> ranks;
  std::int64_t stage_tokens = 0;
  std::vector<int> rank_of;  // per sequence of the batch
};

// Places `batch` over `attn_dp` ranks. Throws InputError for a named rank out
// of range, a sequence with no new tokens or a negative context.
StepLoad place(const Batch& batch, int attn_dp);

// The load of `rank` when `w.batch` identical sequences are dealt round robin.
RankLoad uniform_rank_load(const Workload& w, int attn_dp, int rank);

// Every rank's load for `w`, as `place(uniform_batch(w), attn_dp)` gives it.
StepLoad uniform_step_load(const Workload& w, int attn_dp);

// `w` as a batch of identical sequences, none placed.
Batch uniform_batch(const Workload& w);

}  // namespace tokenfab
