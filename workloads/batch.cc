#include "workloads/batch.h"

#include <algorithm>
#include <functional>
#include <string>
#include <tuple>

#include "core/diagnostics.h"
#include "workloads/trace_gen.h"

namespace tokenfab {

std::int64_t RankLoad::sequences() const {
  std::int64_t n = 0;
  for (const auto& g : groups) n += g.count;
  return n;
}

std::int64_t RankLoad::tokens() const {
  std::int64_t n = 0;
  for (const auto& g : groups) n += g.count * g.tokens;
  return n;
}

namespace {

void add_sequence(RankLoad& load, const Sequence& s) {
  for (auto& g : load.groups) {
    if (g.phase == s.phase && g.tokens == s.new_tokens && g.context == s.context) {
      ++g.count;
      return;
    }
  }
  load.groups.push_back({s.phase, 1, s.new_tokens, s.context});
}

void check_sequence(const Sequence& s, std::size_t index, int attn_dp) {
  if (s.new_tokens >= 1 && s.context >= 0 && s.rank < attn_dp && s.rank >= -1) return;
  // Named only when refused: a step checks hundreds of sequences.
  const Location where{"batch.sequences." + std::to_string(index)};
  if (s.new_tokens < 1) throw InputError(where, "a sequence in a step computes at least one new token");
  if (s.context < 0) throw InputError(where, "a context cannot be negative");
  throw InputError(where, "rank " + std::to_string(s.rank) + " is outside the " + std::to_string(attn_dp) +
                              " attention data-parallel ranks");
}

}  // namespace

StepLoad place(const Batch& batch, int attn_dp) {
  StepLoad out;
  out.ranks.resize(static_cast<std::size_t>(attn_dp));
  // Per rank: new tokens, cached tokens, sequences; compared in that order,
  // then the rank's index. In a min-heap the least loaded is on top: a step
  // of 900 sequences over 72 ranks places each in log time, not by a scan.
  // Weights only grow; an entry that no longer matches its rank's weight (a
  // sequence placed on a named rank) is dropped when it reaches the top.
  using Weight = std::tuple<std::int64_t, std::int64_t, std::int64_t, int>;
  const std::greater<Weight> later;
  std::vector<Weight> weight(static_cast<std::size_t>(attn_dp)), heap;
  heap.reserve(weight.size() + batch.sequences.size());
  for (int r = 0; r < attn_dp; ++r) heap.push_back(weight[static_cast<std::size_t>(r)] = {0, 0, 0, r});
  std::make_heap(heap.begin(), heap.end(), later);
  out.rank_of.reserve(batch.sequences.size());
  for (std::size_t i = 0; i < batch.sequences.size(); ++i) {
    const Sequence& s = batch.sequences[i];
    check_sequence(s, i, attn_dp);
    int rank = s.rank;
    if (rank < 0) {
      while (heap.front() != weight[static_cast<std::size_t>(std::get<3>(heap.front()))]) {
        std::pop_heap(heap.begin(), heap.end(), later);
        heap.pop_back();
      }
      rank = std::get<3>(heap.front());
      std::pop_heap(heap.begin(), heap.end(), later);
      heap.pop_back();
    }
    Weight& w = weight[static_cast<std::size_t>(rank)];
    std::get<0>(w) += s.new_tokens;
    std::get<1>(w) += s.context;
    ++std::get<2>(w);
    heap.push_back(w);
    std::push_heap(heap.begin(), heap.end(), later);
    add_sequence(out.ranks[static_cast<std::size_t>(rank)], s);
    out.stage_tokens += s.new_tokens;
    out.rank_of.push_back(rank);
  }
  return out;
}

RankLoad uniform_rank_load(const Workload& w, int attn_dp, int rank) {
  RankLoad load;
  const std::int64_t n = sequences_of_rank(w.batch, attn_dp, rank);
  if (n > 0) load.groups.push_back({w.phase, n, w.tokens, w.context});
  return load;
}

StepLoad uniform_step_load(const Workload& w, int attn_dp) {
  StepLoad out;
  for (int r = 0; r < attn_dp; ++r) out.ranks.push_back(uniform_rank_load(w, attn_dp, r));
  out.stage_tokens = w.batch * w.tokens;
  for (std::int64_t i = 0; i < w.batch; ++i) out.rank_of.push_back(static_cast<int>(i % attn_dp));
  return out;
}

Batch uniform_batch(const Workload& w) {
  Batch b;
  b.sequences.assign(static_cast<std::size_t>(w.batch), Sequence{w.phase, w.tokens, w.context, -1});
  return b;
}

}  // namespace tokenfab
