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

}  // namespace

ServingRun simulate(StepModel& steps, const Scheduler& s, const RequestLoad& load) {
  if (s.max_batch < 1 || s.token_budget < 1 || s.block_tokens < 1 || s.kv_blocks < 1 || s.ranks < 1)
    throw InputError({"scheduler"}, "max_batch, token_budget, block_tokens, kv_blocks and ranks must be at least 1");
  if (s.draft_tokens < 0 || !(s.tokens_per_step >= 1.0) || s.tokens_per_step > 1.0 + s.draft_tokens)
    throw InputError({"scheduler"}, "tokens_per_step must lie between 1 and 1 + draft_tokens");
  const std::int64_t verified = 1 + s.draft_tokens;  // new tokens of a decode step
  ServingRun run;
  Arrivals arrivals(load);
  std::deque<Active> waiting;
  std::vector<Active> running;  // in admission order
  std::int64_t free_blocks = s.kv_blocks, order = 0, held_steps = 0;
  Seconds t(0);

  auto preempt_latest = [&]() {
    auto latest = std::max_element(running.begin(), running.end(),
                                   [](const Active& a, const Active& b) { return a.order < b.order; });
    Active a = *latest;
    running.erase(latest);
    free_blocks += a.blocks;
    // Recompute: prefill the prompt and every token generated so far again.
    a.target = run.requests[a.record].request.input_tokens + a.generated;
    a.prefilled = a.cached = a.blocks = 0;
    ++run.requests[a.record].preemptions;
    ++run.preemptions;
    waiting.push_front(a);
  };

  while (true) {
    while (!arrivals.empty() && arrivals.front().arrival <= t) {
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
      waiting.push_back({.record = run.requests.size(), .target = r.input_tokens});
      RequestRecord record;
      record.request = r;
      run.requests.push_back(record);
    }
    if (running.empty() && waiting.empty()) {
      if (arrivals.empty()) break;
      t = arrivals.front().arrival;
      continue;
    }
    // Delayed batching holds new prompts back while decodes keep the engine busy.
    bool hold = false;
    if (s.batch_wait_steps > 0 && !running.empty() && !waiting.empty()) {
      double tokens = static_cast<double>(std::ssize(running) * verified);
      for (const Active& w : waiting) tokens += static_cast<double>(w.target);
      hold = held_steps < s.batch_wait_steps &&
             tokens < s.batch_wait_tokens_ratio * static_cast<double>(s.token_budget * s.ranks);
    }
    held_steps = hold ? held_steps + 1 : 0;
    // Admission, first come first served, while the batch and the cache have room.
    while (!hold && !waiting.empty() && std::ssize(running) < s.max_batch) {
      Active& w = waiting.front();
      const std::int64_t need = blocks_for(w.target, s.block_tokens);  // at most kv_blocks, checked at arrival
      if (need > free_blocks) break;
      free_blocks -= need;
      w.blocks = need;
      w.order = order++;
      if (run.requests[w.record].preemptions == 0) run.requests[w.record].admitted = t;
      running.push_back(w);
      waiting.pop_front();
    }
    // Every decode writes one more token's keys and values: a block when it
    // crosses into a new one, taken from the latest admitted when none is free.
    for (std::size_t i = 0; i < running.size();) {
      Active& a = running[i];
      if (!a.decoding() || blocks_for(a.cached + verified, s.block_tokens) <= a.blocks) {
        ++i;
        continue;
      }
      if (free_blocks == 0) {
        // The latest admitted is this one (then running[i] is past the end)
        // or one after it (then this one retries with the freed blocks).
        preempt_latest();
        continue;
      }
      --free_blocks;
      ++a.blocks;  // and look again: a verify of several tokens may need more
    }
    Batch batch;
    std::vector<std::size_t> member;  // running index of each sequence
    std::int64_t budget = s.token_budget * s.ranks, prefill_tokens = 0;
    for (std::size_t i = 0; i < running.size(); ++i) {
      if (!running[i].decoding()) continue;
      batch.sequences.push_back({Phase::decode, verified, running[i].cached});
      member.push_back(i);
      budget -= verified;
    }
    const std::int64_t decodes = std::ssize(batch.sequences);
    for (std::size_t i = 0; i < running.size() && budget > 0; ++i) {
      Active& a = running[i];
      if (a.decoding()) continue;
      const std::int64_t chunk = std::min({a.target - a.prefilled, budget, s.token_budget});
      batch.sequences.push_back({Phase::prefill, chunk, a.prefilled});
      member.push_back(i);
      budget -= chunk;
      prefill_tokens += chunk;
    }
    if (batch.sequences.empty()) {
      // Every running request waits for a block that only a later one could free.
      throw InputError({"kv_cache"}, "the running requests hold every KV block and none can proceed");
    }
    const StepResult step = steps.time_step(batch);
    run.steps.push_back(
        {t, step.time, decodes, prefill_tokens, std::ssize(waiting), s.kv_blocks - free_blocks, step.bound});
    t += step.time;
    std::vector<bool> done(running.size(), false);
    for (std::size_t k = 0; k < member.size(); ++k) {
      Active& a = running[member[k]];
      RequestRecord& rec = run.requests[a.record];
      if (batch.sequences[k].phase == Phase::decode) {
        const double before = a.progress;
        a.progress += s.tokens_per_step;
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
        if (a.generated == 1) rec.first_token = t;
      }
      if (a.generated >= rec.request.output_tokens) {
        rec.finished = t;
        done[member[k]] = true;
      }
    }
    std::vector<Active> still;
    still.reserve(running.size());
    for (std::size_t i = 0; i < running.size(); ++i) {
      if (done[i]) {
        free_blocks += running[i].blocks;
        arrivals.finished(t);
      } else {
        still.push_back(running[i]);
      }
    }
    running = std::move(still);
  }
  return run;
}

}  // namespace tokenfab
