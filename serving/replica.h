// The pieces the serving loops share (serving/simulator.cc for one pool,
// serving/disaggregated.cc for prefill and decode pools): where requests
// come from, and one engine loop with its queue, running batch, KV cache and
// clock. Internal to the serving library.
#pragma once

#include <deque>
#include <map>
#include <optional>
#include <unordered_map>
#include <vector>

#include "serving/simulator.h"

namespace tokenfab::serving_detail {

// One request inside an engine: what it has prefilled, cached and generated.
struct Active {
  std::size_t record = 0;   // index into ServingRun::requests
  std::int64_t target = 0;  // tokens to prefill: the prompt, and after a preemption what it had generated
  std::int64_t prefilled = 0;
  std::int64_t cached = 0;  // tokens whose keys and values are in the cache
  std::int64_t generated = 0;
  std::int64_t blocks = 0;
  std::int64_t order = 0;  // admission order: the latest is preempted first
  double progress = 0;     // tokens generated, with the fraction speculative decoding carries
  int rank = 0;            // the attention-DP rank it runs on (Scheduler::ranks)
  Seconds reached{0};      // when it reached this engine (its inbox)
  bool decoding() const { return prefilled == target; }
};

// Where requests come from: a fixed list, or a client that sends the next
// request when one finishes.
class Arrivals {
 public:
  explicit Arrivals(const RequestLoad& load);
  bool empty() const { return pending_.empty(); }
  const Request& front() const { return pending_.front(); }
  Request pop();
  // A request finished at `t`: a closed-loop client sends its next one.
  void finished(Seconds t);

 private:
  void send(Seconds t);
  std::deque<Request> pending_;
  std::optional<ClosedLoop> closed_;
  std::optional<RequestRandom> random_;
  std::int64_t sent_ = 0;
};

std::int64_t blocks_for(std::int64_t tokens, std::int64_t block);

// Throws InputError when a scheduler's limits are out of range.
void check_scheduler(const Scheduler& s);
// Throws InputError when `tokens` of one request need more blocks than the cache holds.
void check_fits(const Request& r, std::int64_t tokens, const Scheduler& s, const char* pool);

// The replica a router picks among ones carrying `loads` requests: in turn
// (advancing `turn`), the least loaded (the lowest index on a tie), or
// (kv_aware) the one holding the most of the prompt's leading blocks,
// `matched`, the least loaded of those.
std::size_t route(Routing routing, const std::vector<std::int64_t>& loads, std::size_t& turn,
                  const std::vector<std::int64_t>& matched = {});

// A replica's prefix cache: block hashes, the least recently used evicted
// first once it holds `capacity` of them.
class PrefixCache {
 public:
  explicit PrefixCache(std::int64_t capacity) : capacity_(capacity) {}
  // How many of `blocks`, from the first, it holds.
  std::int64_t matched(const std::vector<std::int64_t>& blocks) const;
  // The first `count` of `blocks` used now: kept, or added.
  void touch(const std::vector<std::int64_t>& blocks, std::int64_t count);

 private:
  std::int64_t capacity_, tick_ = 0;
  std::unordered_map<std::int64_t, std::int64_t> last_;  // hash -> its last use
  std::map<std::int64_t, std::int64_t> by_use_;          // last use -> hash
};

// What an engine loop does with a request: all of it (colocated), only its
// prompt and first token (a prefill pool: the request then leaves for a
// decode pool), or the rest of it from a prompt whose cache arrived.
enum class Role { both, prefill, decode };

// One engine loop: its queue, its running batch, its KV cache and its clock.
class Replica {
 public:
  Replica(StepModel& steps, const Scheduler& s, ServingRun& run, int index, Role role, int pool);
  // Requests it runs, holds or has yet to see: it takes another step.
  bool busy() const { return !idle() || !inbox_.empty(); }
  Seconds clock() const { return t_; }
  std::int64_t outstanding() const { return std::ssize(running_) + std::ssize(waiting_) + std::ssize(inbox_); }
  // Leading blocks of `r`'s prompt in this replica's prefix cache (0 when off).
  std::int64_t cached_blocks(const Request& r) const { return prefix_.matched(r.prefix_blocks); }
  // A new request (both, prefill) or one whose prompt's cache has arrived (decode).
  void accept(std::size_t record, Seconds arrival);
  // One iteration at the replica's clock: admission, one step; the number of
  // requests that finished with it. A prefill pool's requests whose prompts
  // ended in the step are in handed_off() until the next step.
  int step();
  const std::vector<std::size_t>& handed_off() const { return handed_off_; }

 private:
  void preempt_latest();
  // Nothing running or waiting: such an engine looks for requests at once.
  bool idle() const { return running_.empty() && waiting_.empty(); }
  StepModel& steps_;
  const Scheduler& s_;
  ServingRun& run_;
  int index_, pool_;
  Role role_;
  std::deque<Active> inbox_;  // reached the engine, not yet seen by it (Scheduler::receive_interval)
  std::deque<Active> waiting_;
  std::vector<Active> running_;  // in admission order
  std::vector<std::size_t> handed_off_;
  PrefixCache prefix_;
  std::int64_t free_blocks_, order_ = 0, held_steps_ = 0;
  std::int64_t since_poll_;                                // decode steps since the engine last looked for new requests
  std::int64_t balance_waited_ = 0, balance_batched_ = 0;  // Scheduler::balance_timeout_steps' counters
  // Whether TensorRT-LLM's attention-DP balance runs here, and whether it
  // holds new prompts back this step.
  bool balances() const;
  bool balance_holds();
  // Where requests have ranks (the balance places them) each rank schedules
  // its own token_budget; elsewhere the replica's ranks share theirs. The
  // budget a request draws on, and what each budget has left this step
  // beside the running requests (a decode's tokens, a prompt's rest).
  std::size_t budget_index(const Active& a) const;
  // The rank a sequence runs on in the step's timing: its own where the
  // balance placed it, else -1 (the step model places it on the least loaded).
  int placed(const Active& a) const;
  std::vector<std::int64_t> step_budgets(std::int64_t verified) const;
  // Each budget untouched: token_budget a rank, or all ranks' in one.
  std::vector<std::int64_t> fresh_budgets() const;
  // Without chunked prefill, whether a prompt of `left` tokens waits for a
  // step with more than `room` (one longer than a whole budget is chunked).
  bool waits_whole(std::int64_t left, std::int64_t room) const;
  // Prefix caching: whether a fresh prompt looks its blocks up, and the
  // tokens `hit` cached blocks save it (never its last one).
  bool reuses_prefix(const Active& w, const Request& r) const;
  std::int64_t reused_tokens(const Request& r, std::int64_t hit) const;
  // Requests the engine sees at a poll, those of `from` that reached it by
  // `by`, each given the attention rank that carries the fewest (the lowest
  // on a tie), as an attention-DP router spreads them.
  void fetch(std::deque<Active>& from, Seconds by);
  Seconds t_{0};
  Seconds last_start_{0};  // of the step that ended at t_ (Scheduler::overlap polls there)
};

}  // namespace tokenfab::serving_detail
