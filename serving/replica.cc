#include "serving/replica.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "core/diagnostics.h"

namespace tokenfab::serving_detail {
namespace {

// How many of `requests` each attention rank carries that `counts` accepts.
template <class Requests, class Counts>
std::vector<std::int64_t> per_rank(std::int64_t ranks, const Requests& requests, Counts counts) {
  std::vector<std::int64_t> n(static_cast<std::size_t>(ranks), 0);
  for (const Active& a : requests) {
    if (counts(a)) ++n[static_cast<std::size_t>(a.rank)];
  }
  return n;
}

bool any(const Active&) { return true; }

}  // namespace

std::int64_t blocks_for(std::int64_t tokens, std::int64_t block) { return (tokens + block - 1) / block; }

void check_scheduler(const Scheduler& s) {
  if (s.max_batch < 1 || s.token_budget < 1 || s.block_tokens < 1 || s.kv_blocks < 1 || s.ranks < 1 ||
      s.receive_interval < 1)
    throw InputError({"scheduler"},
                     "max_batch, token_budget, block_tokens, kv_blocks, ranks and receive_interval must be at least 1");
  if (s.balance_timeout_steps < 0 || s.balance_batching_steps < 0 || s.batch_wait_steps < 0)
    throw InputError({"scheduler"}, "batch_wait_steps and the balance's steps must not be negative");
  if (s.balance_batching_steps > 0 && s.balance_timeout_steps == 0)
    throw InputError({"scheduler"},
                     "balance_batching_steps waits within the attention-DP balance: it needs "
                     "balance_timeout_steps above 0");
  if (s.draft_tokens < 0 || !(s.tokens_per_step >= 1.0) || s.tokens_per_step > 1.0 + s.draft_tokens)
    throw InputError({"scheduler"}, "tokens_per_step must lie between 1 and 1 + draft_tokens");
}

void check_fits(const Request& r, std::int64_t tokens, const Scheduler& s, const char* pool) {
  if (const std::int64_t need = blocks_for(tokens, s.block_tokens); need > s.kv_blocks) {
    throw InputError({"kv_cache"}, "request " + std::to_string(r.id) + " (" + std::to_string(r.input_tokens) + " + " +
                                       std::to_string(r.output_tokens) + " tokens) needs " + std::to_string(need) +
                                       " KV blocks of " + std::to_string(s.block_tokens) + " tokens on the " + pool +
                                       "; the cache holds " + std::to_string(s.kv_blocks));
  }
}

std::size_t route(Routing routing, const std::vector<std::int64_t>& loads, std::size_t& turn,
                  const std::vector<std::int64_t>& matched) {
  if (routing == Routing::kv_aware) {
    std::size_t best = 0;
    for (std::size_t i = 1; i < loads.size(); ++i) {
      if (matched[i] > matched[best] || (matched[i] == matched[best] && loads[i] < loads[best])) best = i;
    }
    return best;
  }
  if (routing == Routing::least_loaded)
    return static_cast<std::size_t>(std::min_element(loads.begin(), loads.end()) - loads.begin());
  const std::size_t to = turn;
  turn = (turn + 1) % loads.size();
  return to;
}

Replica::Replica(StepModel& steps, const Scheduler& s, ServingRun& run, int index, Role role, int pool)
    : steps_(steps),
      s_(s),
      run_(run),
      index_(index),
      pool_(pool),
      role_(role),
      prefix_(s.prefix_block_tokens > 0 && role != Role::decode ? s.kv_blocks * s.block_tokens / s.prefix_block_tokens
                                                                : 0),
      free_blocks_(s.kv_blocks),
      since_poll_(s.receive_interval) {}

void Replica::accept(std::size_t record, Seconds arrival) {
  if (!busy()) t_ = std::max(t_, arrival);
  const Request& r = run_.requests[record].request;
  Active a{.record = record, .target = r.input_tokens, .reached = arrival};
  if (role_ == Role::decode) {
    // The prompt's keys and values came with it, and its first token.
    a.prefilled = a.cached = r.input_tokens;
    a.generated = 1;
    a.progress = 1.0;
  }
  // A busy engine sees it at its next poll; an idle one polls at once.
  const bool polls_now = !busy();
  inbox_.push_back(a);
  if (polls_now) fetch(inbox_, arrival);
}

bool Replica::balances() const {
  // It gates prompts: a decode pool's arrivals come prefilled.
  return s_.balance_timeout_steps > 0 && s_.ranks > 1 && role_ != Role::decode;
}

void Replica::fetch(std::deque<Active>& from, Seconds by) {
  // Only the balance reads ranks: the others skip counting each rank's load.
  std::vector<std::int64_t> load;
  if (balances()) {
    load = per_rank(s_.ranks, running_, any);
    const std::vector<std::int64_t> waiting = per_rank(s_.ranks, waiting_, any);
    for (std::size_t r = 0; r < load.size(); ++r) load[r] += waiting[r];
  }
  std::deque<Active> later;
  for (Active& a : from) {
    if (a.reached > by) {
      later.push_back(a);
      continue;
    }
    if (!load.empty()) {
      a.rank = static_cast<int>(std::min_element(load.begin(), load.end()) - load.begin());
      ++load[static_cast<std::size_t>(a.rank)];
    }
    waiting_.push_back(a);
  }
  from = std::move(later);
}

void Replica::preempt_latest() {
  auto latest = std::max_element(running_.begin(), running_.end(),
                                 [](const Active& a, const Active& b) { return a.order < b.order; });
  Active a = *latest;
  running_.erase(latest);
  free_blocks_ += a.blocks;
  // Recompute: prefill the prompt and every token generated so far again.
  a.target = run_.requests[a.record].request.input_tokens + a.generated;
  a.prefilled = a.cached = a.blocks = 0;
  ++run_.requests[a.record].preemptions;
  ++run_.preemptions;
  waiting_.push_front(a);
}

std::size_t Replica::budget_index(const Active& a) const { return balances() ? static_cast<std::size_t>(a.rank) : 0; }

int Replica::placed(const Active& a) const { return balances() ? a.rank : -1; }

std::vector<std::int64_t> Replica::fresh_budgets() const {
  return std::vector<std::int64_t>(balances() ? static_cast<std::size_t>(s_.ranks) : 1,
                                   balances() ? s_.token_budget : s_.token_budget * s_.ranks);
}

bool Replica::waits_whole(std::int64_t left, std::int64_t room) const {
  return !s_.chunked_prefill && left > room && left <= s_.token_budget;
}

std::vector<std::int64_t> Replica::step_budgets(std::int64_t verified) const {
  std::vector<std::int64_t> b = fresh_budgets();
  for (const Active& a : running_) {
    // With prompts apart the decodes pause in a step that takes a prompt.
    if (a.decoding() && s_.prefill_apart) continue;
    b[budget_index(a)] -= a.decoding() ? verified : a.target - a.prefilled;
  }
  return b;
}

bool Replica::reuses_prefix(const Active& w, const Request& r) const {
  return s_.prefix_block_tokens > 0 && role_ != Role::decode && w.prefilled == 0 && w.target == r.input_tokens;
}

std::int64_t Replica::reused_tokens(const Request& r, std::int64_t hit) const {
  return std::min(hit * s_.prefix_block_tokens, r.input_tokens - 1);
}

bool Replica::balance_holds() {
  if (!balances()) return false;
  // TensorRT-LLM asks it of every rank: each has a decode running, each a
  // prompt waiting (the prompts wait on the ranks the router gave them), and
  // each fewer decodes than its max_batch_size, so that a prompt has a slot.
  auto all = [](const std::vector<std::int64_t>& n, auto&& holds) { return std::all_of(n.begin(), n.end(), holds); };
  const std::vector<std::int64_t> decodes = per_rank(s_.ranks, running_, [](const Active& a) { return a.decoding(); });
  const bool every_rank_decodes = all(decodes, [](std::int64_t d) { return d > 0; });
  const bool every_rank_has_room = all(decodes, [&](std::int64_t d) { return d < s_.max_batch / s_.ranks; });
  const bool every_rank_waits = all(per_rank(s_.ranks, waiting_, any), [](std::int64_t w) { return w > 0; });
  if (every_rank_waits && every_rank_has_room) {
    balance_waited_ = 0;
    if (every_rank_decodes && balance_batched_ < s_.balance_batching_steps) {
      ++balance_batched_;
      return true;
    }
    balance_batched_ = 0;
    return false;
  }
  // The count runs whether or not a prompt waits: a lone prompt goes at the
  // next timeout, whenever the last one was.
  if (++balance_waited_ >= s_.balance_timeout_steps || !every_rank_decodes) {
    balance_waited_ = 0;
    return false;
  }
  return true;
}

int Replica::step() {
  const std::int64_t verified = 1 + s_.draft_tokens;  // new tokens of a decode step
  if (since_poll_ >= s_.receive_interval) {           // it looks for new requests
    since_poll_ = 0;
    fetch(inbox_, s_.overlap ? last_start_ : t_);
    // An overlap scheduler with nothing to run spins without the GPU and
    // sees its inbox at once.
    if (s_.overlap && idle()) fetch(inbox_, t_);
  }
  // Delayed batching holds new prompts back while decodes keep the engine busy.
  bool hold = false;
  if (s_.batch_wait_steps > 0 && !running_.empty() && !waiting_.empty()) {
    double tokens = static_cast<double>(std::ssize(running_) * verified);
    for (const Active& w : waiting_) tokens += static_cast<double>(w.target);
    hold = held_steps_ < s_.batch_wait_steps &&
           tokens < s_.batch_wait_tokens_ratio * static_cast<double>(s_.token_budget * s_.ranks);
  }
  held_steps_ = hold ? held_steps_ + 1 : 0;
  if (balance_holds()) hold = true;
  handed_off_.clear();
  // Without chunked prefill a prompt is admitted only into a step it fits
  // whole, within its rank's budget less that rank's decodes and the prompts
  // before it; the others stay waiting (TensorRT-LLM picks a step's prompts
  // within max_num_tokens, and the balance sees the rest again next step).
  std::vector<std::int64_t> room = step_budgets(verified);
  std::vector<bool> closed(room.size(), false);
  // Admission, first come first served on each budget, while the batch and
  // the cache have room.
  for (auto it = waiting_.begin(); !hold && it != waiting_.end() && std::ssize(running_) < s_.max_batch;) {
    Active& w = *it;
    const Request& r = run_.requests[w.record].request;
    // Prefix blocks an earlier prompt left that this one reuses (-1: none looked up).
    const std::int64_t hit = reuses_prefix(w, r) ? prefix_.matched(r.prefix_blocks) : -1;
    if (!s_.chunked_prefill) {
      const std::size_t b = budget_index(w);
      // What the request computes this step: a decode's tokens (none where
      // prompts go apart) or the prompt's rest less a prefix hit.
      const std::int64_t left = w.decoding() ? (s_.prefill_apart ? 0 : verified)
                                             : w.target - w.prefilled - (hit >= 0 ? reused_tokens(r, hit) : 0);
      if (closed[b] || (!w.decoding() && waits_whole(left, room[b]))) {
        closed[b] = true;
        ++it;
        continue;
      }
      room[b] -= left;
    }
    const std::int64_t need =  // at most kv_blocks, checked at arrival
        blocks_for(
            s_.reserve_output && role_ != Role::prefill ? r.input_tokens + r.output_tokens + s_.draft_tokens : w.target,
            s_.block_tokens);
    if (need > free_blocks_) break;
    free_blocks_ -= need;
    w.blocks = need;
    w.order = order_++;
    RequestRecord& rec = run_.requests[w.record];
    if (hit >= 0) {
      // The prompt's leading blocks an earlier prompt left in the cache are
      // not computed again; its last token always is (it gives the first
      // output token).
      w.prefilled = w.cached = reused_tokens(r, hit);
      rec.reused_tokens = w.prefilled;
      prefix_.touch(r.prefix_blocks, hit);
    }
    if (role_ == Role::decode) {
      if (rec.decode_admitted < Seconds(0)) rec.decode_admitted = t_;
    } else if (rec.preemptions == 0) {
      rec.admitted = t_;
    }
    running_.push_back(w);
    it = waiting_.erase(it);
  }
  // Every decode writes its tokens' keys and values: a block when it crosses
  // into a new one, taken from the latest admitted when none is free.
  for (std::size_t i = 0; i < running_.size();) {
    Active& a = running_[i];
    if (!a.decoding() || blocks_for(a.cached + verified, s_.block_tokens) <= a.blocks) {
      ++i;
      continue;
    }
    if (free_blocks_ == 0) {
      // The latest admitted is this one (then running_[i] is past the end)
      // or one after it (then this one retries with the freed blocks).
      preempt_latest();
      continue;
    }
    --free_blocks_;
    ++a.blocks;  // and look again: a verify of several tokens may need more
  }
  Batch batch;
  std::vector<std::size_t> member;  // running index of each sequence
  std::vector<std::int64_t> budget = fresh_budgets();
  std::fill(closed.begin(), closed.end(), false);
  std::int64_t prefill_tokens = 0;
  // Prefill apart: while a prompt is waiting to be prefilled, decodes pause.
  const bool pause_decodes =
      s_.prefill_apart && std::any_of(running_.begin(), running_.end(), [](const Active& a) { return !a.decoding(); });
  for (std::size_t i = 0; i < running_.size() && !pause_decodes; ++i) {
    if (!running_[i].decoding()) continue;
    batch.sequences.push_back({Phase::decode, verified, running_[i].cached, placed(running_[i])});
    member.push_back(i);
    budget[budget_index(running_[i])] -= verified;
  }
  const std::int64_t decodes = std::ssize(batch.sequences);
  for (std::size_t i = 0; i < running_.size(); ++i) {
    Active& a = running_[i];
    if (a.decoding()) continue;
    const std::size_t b = budget_index(a);
    const std::int64_t left = a.target - a.prefilled;
    if (closed[b] || budget[b] <= 0) continue;
    if (waits_whole(left, budget[b])) {
      closed[b] = true;
      continue;
    }
    const std::int64_t chunk = std::min({left, budget[b], s_.token_budget});
    batch.sequences.push_back({Phase::prefill, chunk, a.prefilled, placed(a)});
    member.push_back(i);
    budget[b] -= chunk;
    prefill_tokens += chunk;
  }
  if (batch.sequences.empty()) {
    // Every running request waits for a block that only a later one could free.
    throw InputError({"kv_cache"}, "the running requests hold every KV block and none can proceed");
  }
  const StepResult step = steps_.time_step(batch);
  run_.steps.push_back({t_, step.time, decodes, prefill_tokens, std::ssize(waiting_) + std::ssize(inbox_),
                        s_.kv_blocks - free_blocks_, step.bound, index_, pool_});
  last_start_ = t_;
  t_ += step.time;
  std::vector<bool> done(running_.size(), false);
  int finished = 0;
  for (std::size_t k = 0; k < member.size(); ++k) {
    Active& a = running_[member[k]];
    RequestRecord& rec = run_.requests[a.record];
    if (batch.sequences[k].phase == Phase::decode) {
      if (role_ == Role::decode && rec.decode_streamed < Seconds(0)) rec.decode_streamed = t_;
      const double before = a.progress;
      a.progress += s_.tokens_per_step;
      const auto gained = std::min(static_cast<std::int64_t>(std::floor(a.progress) - std::floor(before)),
                                   rec.request.output_tokens - a.generated);
      a.cached += gained;
      a.generated += gained;
    } else {
      a.prefilled += batch.sequences[k].new_tokens;
      a.cached = a.prefilled;
      if (!a.decoding()) continue;
      prefix_.touch(rec.request.prefix_blocks, std::ssize(rec.request.prefix_blocks));
      ++a.generated;  // the step that ends the prompt samples the next token
      a.progress = static_cast<double>(a.generated);
      if (a.generated == 1) rec.first_token = t_;
      if (role_ == Role::prefill && a.generated < rec.request.output_tokens) {
        // The rest is a decode pool's: the prompt's cache leaves with it.
        rec.prefilled = t_;
        handed_off_.push_back(a.record);
        done[member[k]] = true;
        continue;
      }
    }
    if (a.generated >= rec.request.output_tokens) {
      rec.finished = t_;
      done[member[k]] = true;
      ++finished;
    }
  }
  std::vector<Active> still;
  still.reserve(running_.size());
  for (std::size_t i = 0; i < running_.size(); ++i) {
    if (done[i]) {
      free_blocks_ += running_[i].blocks;
    } else {
      still.push_back(running_[i]);
    }
  }
  running_ = std::move(still);
  // A step with a prompt in it is a whole interval, a decode step one; an
  // idle engine looks at once (its inbox, if any, at its next step).
  since_poll_ = idle() ? s_.receive_interval : since_poll_ + (prefill_tokens > 0 ? s_.receive_interval : 1);
  return finished;
}

}  // namespace tokenfab::serving_detail
