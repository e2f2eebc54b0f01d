// The serving simulation: requests arrive, wait, are admitted into a running
// batch, prefilled in chunks and decoded one token a step, and leave; every
// step's time comes from a StepModel (hw/analytical/step_model.h) for that
// step's exact mix of prefill chunks and decodes, each at its own context.
//
//   AnalyticalStepModel steps({system, model, precision, mapping, engine});
//   Scheduler s{.max_batch = 256, .token_budget = 8192, .block_tokens = 16, .kv_blocks = 120000};
//   ServingRun run = simulate(steps, s, ClosedLoop{.concurrency = 64, .requests = 640, ...});
//   run.requests[i].first_token - run.requests[i].request.arrival   // TTFT
//
// One replica, one engine loop (continuous batching, as vLLM, SGLang and
// TensorRT-LLM schedule):
// - Admission, first come first served: a waiting request joins the running
//   batch while it holds fewer than max_batch sequences and the KV cache has
//   free blocks for the prompt (blocks of block_tokens tokens, a paged cache);
//   without chunked prefill, first come first served on each budget.
// - Each step carries every running decode (one new token each) and then
//   prefill chunks of the admitted prompts, oldest first, up to token_budget
//   new tokens in all per attention rank (chunked prefill, Sarathi-style).
// - A decode whose next token needs a block when none is free preempts the
//   most recently admitted running request: its blocks are freed and it goes
//   back to the head of the queue, to prefill its prompt and the tokens it had
//   generated again (recompute, vLLM's default).
// - The step that finishes a prompt gives its first token; a request leaves
//   with its last. Times are the step's end.
#pragma once

#include <cstdint>
#include <variant>
#include <vector>

#include "core/value_codec.h"
#include "hw/analytical/step_model.h"
#include "serving/requests.h"

namespace tokenfab {

struct Scheduler {
  std::int64_t max_batch = 256;      // running sequences (the engine's limit)
  std::int64_t token_budget = 8192;  // new tokens per step and attention rank (chunked prefill)
  std::int64_t block_tokens = 16;    // tokens per KV-cache block
  std::int64_t kv_blocks = 1;        // blocks the replica's KV cache holds
  // Attention data-parallel ranks, each scheduling its own token_budget (as
  // SGLang's and TensorRT-LLM's DP attention do). Where the replica places
  // requests on ranks (the balance below) each rank's decodes and prompts
  // share that rank's budget; elsewhere a step takes up to ranks x
  // token_budget new tokens, each prompt's chunk at most token_budget.
  std::int64_t ranks = 1;
  // Speculative decoding: each decode verifies draft_tokens drafted tokens
  // beside its own (a step of 1 + draft_tokens new tokens through a model
  // with the draft layers, drafting_model in serving/engine_config.h) and
  // gains tokens_per_step on average, counted exactly: a sequence's tokens
  // after n decode steps are floor(n x tokens_per_step) more.
  int draft_tokens = 0;
  double tokens_per_step = 1.0;
  // Delayed batching (TensorRT-LLM's batch_wait_timeout_iters and
  // batch_wait_max_tokens_ratio): while decodes run, waiting requests are
  // held back until they have waited batch_wait_steps steps or the step's
  // new tokens with their prompts would reach batch_wait_tokens_ratio x
  // token_budget; 0 steps: admitted at once.
  std::int64_t batch_wait_steps = 0;
  double batch_wait_tokens_ratio = 0;
  // Admission reserves the blocks of the whole request (prompt, output and
  // drafts) so that no running request is ever preempted (TensorRT-LLM's
  // GUARANTEED_NO_EVICT capacity policy); false: only the prompt's, and a
  // full cache preempts (vLLM's and TensorRT-LLM's MAX_UTILIZATION).
  bool reserve_output = false;
  // Each request reaches the queue this long after it arrives (the server's
  // front end, EngineConfig::request_overhead); its TTFT and E2E hold it.
  Seconds request_overhead{0};
  // Prefix caching (vLLM's automatic prefix caching, SGLang's radix cache):
  // a replica keeps the blocks of the prompts it prefilled, by hash
  // (Request::prefix_blocks), least recently used first out, as many as its
  // KV cache holds; a new prompt whose leading blocks are there prefills
  // only the rest (at least its last token). 0: off.
  std::int64_t prefix_block_tokens = 0;
  // Prompts apart from decodes, as vLLM scheduled before chunked prefill
  // (DistServe's and Splitwise's baseline): a step with prompts to prefill
  // carries only them, and every running decode waits for it.
  bool prefill_apart = false;
  // Chunked prefill: a prompt may take what is left of a step's budget and
  // finish in later steps. false: a prompt of at most token_budget tokens
  // goes into a step whole or, first come first served, it and the requests
  // behind it on its budget wait (TensorRT-LLM without
  // enable_chunked_prefill); a longer one (a recompute after preemption, or a
  // prompt TensorRT-LLM would refuse) is chunked as with true, and where the
  // ranks share one budget the whole-prompt rule still reads token_budget.
  bool chunked_prefill = true;
  // The engine looks for new requests once per receive_interval decode
  // steps (SGLang's --scheduler-recv-interval): one that reaches it between
  // polls waits in its inbox. A step with a prompt in it counts as the whole
  // interval (SGLang weighs a prefill forward 1,000 decodes), and an idle
  // engine polls at once. 1: every step.
  std::int64_t receive_interval = 1;
  // TensorRT-LLM's attention-DP balance (attention_dp_config enable_balance,
  // timeout_iters, batching_wait_iters; PyExecutor._balance_adp_requests):
  // with ranks > 1, each request goes to the rank carrying fewest (the
  // lowest on a tie) when the engine fetches it, and new prompts wait until
  // every rank has one and room for one more decode (max_batch split evenly
  // over the ranks, as TensorRT-LLM's max_batch_size is per rank), counting
  // every step that not all do; after balance_timeout_steps such steps, or
  // when some rank has no decode to keep busy, they go as they are. Once
  // every rank has one they may wait balance_batching_steps more for
  // company. 0: off.
  std::int64_t balance_timeout_steps = 0;
  std::int64_t balance_batching_steps = 0;
  // An overlap scheduler (SGLang's default event_loop_overlap, TensorRT-LLM
  // PyExecutor's without disable_overlap_scheduler) forms and launches step
  // k+1 while step k runs on the GPU, so it polls at step k's start: a
  // request that reaches it during step k joins step k+2 at the earliest,
  // one step later than a scheduler that polls between steps. An idle
  // engine still polls at once. false: it polls when a step ends.
  bool overlap = false;
};

struct OpenLoop {
  std::vector<Request> requests;  // in order of arrival
};

using RequestLoad = std::variant<OpenLoop, ClosedLoop>;

struct RequestRecord {
  Request request;
  Seconds queued;       // reached the engine's queue: arrival and the front end's time
  Seconds admitted;     // first joined the running batch
  Seconds first_token;  // end of the step that finished its prompt
  Seconds finished;     // end of the step that gave its last token
  int preemptions = 0;
  std::int64_t reused_tokens = 0;  // of its prompt, from the replica's prefix cache
  int replica = 0;                 // the one the router sent it to (of the prefill pool when disaggregated)
  // Disaggregated (serving/disaggregated.h) only, else negative: its prompt's
  // end on the prefill pool, its cache's arrival at the decode pool, its
  // admission there, and the decode replica.
  Seconds prefilled{-1}, kv_arrived{-1}, decode_admitted{-1};
  Seconds decode_streamed{-1};  // end of its first step on the decode pool
  int decode_replica = -1;
};

struct StepRecord {
  Seconds start, time;
  std::int64_t decodes = 0, prefill_tokens = 0, waiting = 0;
  std::int64_t kv_blocks_used = 0;
  Resource bound = Resource::memory;
  int replica = 0;
  int pool = 0;  // 0: colocated or prefill, 1: decode
};

struct ServingRun {
  std::vector<RequestRecord> requests;  // in order of id
  std::vector<StepRecord> steps;
  std::int64_t preemptions = 0;
};

// How arriving requests are spread over replicas: in turn, or to the one
// with the fewest requests running and waiting (the lowest index on a tie),
// kv_aware: to the replica whose prefix cache holds the most of the
// prompt's leading blocks, the least loaded of those (Dynamo's KV router,
// SGLang's cache-aware router).
enum class Routing { round_robin, least_loaded, kv_aware };
template <>
struct EnumNames<Routing> {
  static constexpr std::array<std::pair<Routing, std::string_view>, 3> table{{{Routing::round_robin, "round_robin"},
                                                                              {Routing::least_loaded, "least_loaded"},
                                                                              {Routing::kv_aware, "kv_aware"}}};
};

// Throws InputError when a request's prompt needs more blocks than the whole
// cache holds, or the scheduler's limits are not positive.
ServingRun simulate(StepModel& steps, const Scheduler& scheduler, const RequestLoad& load);

// Several replicas of one scheduler, each with its own step model, queue,
// running batch, KV cache and clock; a router sends each request to one as
// it arrives. The replica whose clock is earliest takes the next step, after
// every request that has arrived by then is routed.
ServingRun simulate(const std::vector<StepModel*>& steps, const Scheduler& scheduler, const RequestLoad& load,
                    Routing routing);

}  // namespace tokenfab
