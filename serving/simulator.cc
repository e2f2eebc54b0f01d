#include "serving/simulator.h"

#include <algorithm>
#include <cmath>
#include <deque>
#include <string>

#include "core/diagnostics.h"

namespace tokenfab {
namespace {

// One request inside the engine: what it has prefilled, cached and generated.
struct Active {
  std::size_t record = 0;   // index into ServingRun::requests
  std::int64_t target = 0;  // tokens to prefill: the prompt, and after a preemption what it had generated
  std::int64_t prefilled = 0;
  std::int64_t cached = 0;  // tokens whose keys and values are in the cache
  std::int64_t generated = 0;
  std::int64_t blocks = 0;
  std::int64_t order = 0;  // admission order: the latest is preempted first
  double progress = 0;     // tokens generated, with the fraction speculative decoding carries
  bool decoding() const { return prefilled == target; }
};

// Where requests come from: a fixed list, or a client that sends the next
// request when one finishes.
class Arrivals {
 public:
  explicit Arrivals(const RequestLoad& load) {
    if (const auto* open = std::get_if<OpenLoop>(&load)) {
      pending_.assign(open->requests.begin(), open->requests.end());
      for (std::size_t i = 1; i < pending_.size(); ++i) {
        if (pending_[i].arrival < pending_[i - 1].arrival)
          throw InputError({"requests"},
                           "request " + std::to_string(pending_[i].id) + " arrives before the one before it");
      }
    } else {
      closed_ = std::get<ClosedLoop>(load);
      if (closed_->concurrency < 1 || closed_->requests < 1)
        throw InputError({"concurrency"}, "expected at least one request and a concurrency of at least one");
      check_lengths(closed_->input, "input tokens");
      check_lengths(closed_->output, "output tokens");
      random_.emplace(closed_->seed);
      for (std::int64_t i = 0; i < std::min(closed_->concurrency, closed_->requests); ++i) send(Seconds(0));
    }
  }
  bool empty() const { return pending_.empty(); }
  const Request& front() const { return pending_.front(); }
  Request pop() {
    Request r = pending_.front();
    pending_.pop_front();
    return r;
  }
  // A request finished at `t`: a closed-loop client sends its next one.
  void finished(Seconds t) {
    if (closed_ && sent_ < closed_->requests) send(t);
  }

 private:
  void send(Seconds t) {
    const std::int64_t input = random_->between(closed_->input);
    pending_.push_back({sent_++, t, input, random_->between(closed_->output)});
  }
  std::deque<Request> pending_;
  std::optional<ClosedLoop> closed_;
  std::optional<RequestRandom> random_;
  std::int64_t sent_ = 0;
};

std::int64_t blocks_for(std::int64_t tokens, std::int64_t block) { return (tokens + block - 1) / block; }

// One engine loop: its queue, its running batch, its KV cache and its clock.
class Replica {
 public:
  Replica(StepModel& steps, const Scheduler& s, ServingRun& run, int index)
      : steps_(steps), s_(s), run_(run), index_(index), free_blocks_(s.kv_blocks) {}
  bool busy() const { return !running_.empty() || !waiting_.empty(); }
  Seconds clock() const { return t_; }
  std::int64_t outstanding() const { return std::ssize(running_) + std::ssize(waiting_); }
  void accept(std::size_t record, Seconds arrival) {
    if (!busy()) t_ = std::max(t_, arrival);
    waiting_.push_back({.record = record, .target = run_.requests[record].request.input_tokens});
  }
  // One iteration at the replica's clock: admission, one step; the number of
  // requests that finished with it.
  int step();

 private:
  void preempt_latest();
  StepModel& steps_;
  const Scheduler& s_;
  ServingRun& run_;
  int index_;
  std::deque<Active> waiting_;
  std::vector<Active> running_;  // in admission order
  std::int64_t free_blocks_, order_ = 0, held_steps_ = 0;
  Seconds t_{0};
};

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

int Replica::step() {
  const std::int64_t verified = 1 + s_.draft_tokens;  // new tokens of a decode step
  // Delayed batching holds new prompts back while decodes keep the engine busy.
  bool hold = false;
  if (s_.batch_wait_steps > 0 && !running_.empty() && !waiting_.empty()) {
    double tokens = static_cast<double>(std::ssize(running_) * verified);
    for (const Active& w : waiting_) tokens += static_cast<double>(w.target);
    hold = held_steps_ < s_.batch_wait_steps &&
           tokens < s_.batch_wait_tokens_ratio * static_cast<double>(s_.token_budget * s_.ranks);
  }
  held_steps_ = hold ? held_steps_ + 1 : 0;
  // Admission, first come first served, while the batch and the cache have room.
  while (!hold && !waiting_.empty() && std::ssize(running_) < s_.max_batch) {
    Active& w = waiting_.front();
    const std::int64_t need = blocks_for(w.target, s_.block_tokens);  // at most kv_blocks, checked at arrival
    if (need > free_blocks_) break;
    free_blocks_ -= need;
    w.blocks = need;
    w.order = order_++;
    if (run_.requests[w.record].preemptions == 0) run_.requests[w.record].admitted = t_;
    running_.push_back(w);
    waiting_.pop_front();
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
  std::int64_t budget = s_.token_budget * s_.ranks, prefill_tokens = 0;
  for (std::size_t i = 0; i < running_.size(); ++i) {
    if (!running_[i].decoding()) continue;
    batch.sequences.push_back({Phase::decode, verified, running_[i].cached});
    member.push_back(i);
    budget -= verified;
  }
  const std::int64_t decodes = std::ssize(batch.sequences);
  for (std::size_t i = 0; i < running_.size() && budget > 0; ++i) {
    Active& a = running_[i];
    if (a.decoding()) continue;
    const std::int64_t chunk = std::min({a.target - a.prefilled, budget, s_.token_budget});
    batch.sequences.push_back({Phase::prefill, chunk, a.prefilled});
    member.push_back(i);
    budget -= chunk;
    prefill_tokens += chunk;
  }
  if (batch.sequences.empty()) {
    // Every running request waits for a block that only a later one could free.
    throw InputError({"kv_cache"}, "the running requests hold every KV block and none can proceed");
  }
  const StepResult step = steps_.time_step(batch);
  run_.steps.push_back(
      {t_, step.time, decodes, prefill_tokens, std::ssize(waiting_), s_.kv_blocks - free_blocks_, step.bound, index_});
  t_ += step.time;
  std::vector<bool> done(running_.size(), false);
  for (std::size_t k = 0; k < member.size(); ++k) {
    Active& a = running_[member[k]];
    RequestRecord& rec = run_.requests[a.record];
    if (batch.sequences[k].phase == Phase::decode) {
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
      ++a.generated;  // the step that ends the prompt samples the next token
      a.progress = static_cast<double>(a.generated);
      if (a.generated == 1) rec.first_token = t_;
    }
    if (a.generated >= rec.request.output_tokens) {
      rec.finished = t_;
      done[member[k]] = true;
    }
  }
  int finished = 0;
  std::vector<Active> still;
  still.reserve(running_.size());
  for (std::size_t i = 0; i < running_.size(); ++i) {
    if (done[i]) {
      free_blocks_ += running_[i].blocks;
      ++finished;
    } else {
      still.push_back(running_[i]);
    }
  }
  running_ = std::move(still);
  return finished;
}

}  // namespace

ServingRun simulate(const std::vector<StepModel*>& steps, const Scheduler& s, const RequestLoad& load,
                    Routing routing) {
  if (steps.empty()) throw InputError({"replicas"}, "expected at least one replica");
  if (s.max_batch < 1 || s.token_budget < 1 || s.block_tokens < 1 || s.kv_blocks < 1 || s.ranks < 1)
    throw InputError({"scheduler"}, "max_batch, token_budget, block_tokens, kv_blocks and ranks must be at least 1");
  if (s.draft_tokens < 0 || !(s.tokens_per_step >= 1.0) || s.tokens_per_step > 1.0 + s.draft_tokens)
    throw InputError({"scheduler"}, "tokens_per_step must lie between 1 and 1 + draft_tokens");
  ServingRun run;
  Arrivals arrivals(load);
  std::vector<Replica> replicas;
  replicas.reserve(steps.size());
  for (std::size_t i = 0; i < steps.size(); ++i) replicas.emplace_back(*steps[i], s, run, static_cast<int>(i));
  std::size_t turn = 0;  // round robin's next replica
  while (true) {
    // The busy replica whose clock is earliest steps next, after every
    // request that arrived by then is routed.
    Replica* next = nullptr;
    for (auto& r : replicas) {
      if (r.busy() && (!next || r.clock() < next->clock())) next = &r;
    }
    if (!arrivals.empty() && (!next || arrivals.front().arrival <= next->clock())) {
      const Request r = arrivals.pop();
      // Its prompt and every token it generates stay cached to its end, and
      // a verify step writes its drafts too before they are kept or dropped.
      if (const std::int64_t need = blocks_for(r.input_tokens + r.output_tokens + s.draft_tokens, s.block_tokens);
          need > s.kv_blocks) {
        throw InputError({"kv_cache"}, "request " + std::to_string(r.id) + " (" + std::to_string(r.input_tokens) +
                                           " + " + std::to_string(r.output_tokens) + " tokens) needs " +
                                           std::to_string(need) + " KV blocks of " + std::to_string(s.block_tokens) +
                                           " tokens; the cache holds " + std::to_string(s.kv_blocks));
      }
      RequestRecord record;
      record.request = r;
      run.requests.push_back(record);
      std::size_t to = turn;
      if (routing == Routing::least_loaded) {
        to = 0;
        for (std::size_t i = 1; i < replicas.size(); ++i) {
          if (replicas[i].outstanding() < replicas[to].outstanding()) to = i;
        }
      } else {
        turn = (turn + 1) % replicas.size();
      }
      run.requests.back().replica = static_cast<int>(to);
      replicas[to].accept(run.requests.size() - 1, r.arrival);
      continue;
    }
    if (!next) break;
    for (int done = next->step(); done > 0; --done) arrivals.finished(next->clock());
  }
  return run;
}

ServingRun simulate(StepModel& steps, const Scheduler& s, const RequestLoad& load) {
  return simulate(std::vector<StepModel*>{&steps}, s, load, Routing::round_robin);
}

}  // namespace tokenfab
