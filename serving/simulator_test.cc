#include "serving/simulator.h"

#include <doctest/doctest.h>

#include <algorithm>

#include "core/config_loader.h"
#include "hw/system/system_config.h"
#include "serving/fake_steps.h"
#include "serving/goodput.h"
#include "serving/kv_capacity.h"
#include "serving/metrics.h"
#include "serving/serving_timeline.h"
#include "serving/test_requests.h"
#include "workloads/hf_config.h"

namespace tokenfab {
namespace {

TEST_CASE("serving: one request is prefilled in one step and decoded a token a step") {
  FakeSteps steps;
  const ServingRun run = simulate(steps, {.max_batch = 8, .token_budget = 8192, .block_tokens = 16, .kv_blocks = 100},
                                  OpenLoop{{request(0, 1.0, 100, 5)}});
  REQUIRE(run.requests.size() == 1);
  const RequestRecord& r = run.requests[0];
  // Prefill of 100 tokens: 10 + 10 ms, ending at 1.020 s with the first token;
  // then 4 decodes of 11 ms each: 1.064 s.
  CHECK(r.admitted.value() == doctest::Approx(1.0));
  CHECK(r.first_token.value() == doctest::Approx(1.020));
  CHECK(r.finished.value() == doctest::Approx(1.064));
  CHECK(steps.steps == 5);
  const ServingMetrics m = serving_metrics(run, {}, 1, 100);
  CHECK(m.ttft.p50.value() == doctest::Approx(0.020));
  CHECK(m.tpot.p50.value() == doctest::Approx(0.011));
  CHECK(m.e2e.p99.value() == doctest::Approx(0.064));
}

TEST_CASE("serving: the front end's time per request delays its queueing, first token and end alike") {
  FakeSteps steps;
  // The request of the test above with 50 ms before it reaches the queue:
  // admitted at 1.050 s, first token at 1.070 s, done at 1.114 s.
  const ServingRun run = simulate(
      steps,
      {.max_batch = 8, .token_budget = 8192, .block_tokens = 16, .kv_blocks = 100, .request_overhead = Seconds(0.050)},
      OpenLoop{{request(0, 1.0, 100, 5)}});
  CHECK(run.requests[0].admitted.value() == doctest::Approx(1.050));
  CHECK(run.requests[0].first_token.value() == doctest::Approx(1.070));
  CHECK(run.requests[0].finished.value() == doctest::Approx(1.114));
  CHECK(serving_metrics(run, {}, 1, 100).ttft.p50.value() == doctest::Approx(0.070));
}

TEST_CASE("serving: speculative decoding verifies drafts each step and gains tokens_per_step on average") {
  FakeSteps steps;
  // One draft kept with p = 0.5: 1.5 tokens a step. After the prefill's first
  // token, 1 + 1.5 n reaches 7 after n = 4 steps (2.5, 4, 5.5, 7: 1, 2, 1, 2
  // tokens), where one token a step would take 6.
  const ServingRun run = simulate(steps,
                                  {.max_batch = 8,
                                   .token_budget = 8192,
                                   .block_tokens = 16,
                                   .kv_blocks = 100,
                                   .draft_tokens = 1,
                                   .tokens_per_step = 1.5},
                                  OpenLoop{{request(0, 1.0, 100, 7)}});
  CHECK(steps.steps == 5);
  CHECK(run.requests[0].finished.value() == doctest::Approx(1.020 + 4 * 0.011));
  // More tokens a step than the drafts allow is refused.
  CHECK_THROWS_AS(simulate(steps, {.draft_tokens = 1, .tokens_per_step = 2.5}, OpenLoop{{request(0, 0, 1, 1)}}),
                  InputError);
}

TEST_CASE("serving: replicas each run their own loop, and the router spreads the requests") {
  FakeSteps steps;
  const Scheduler s{.max_batch = 8, .token_budget = 8192, .block_tokens = 16, .kv_blocks = 100};
  // Two requests at once on two replicas: each runs alone, as in the first
  // case (TTFT 20 ms, then 4 decodes of 11 ms: 64 ms).
  const OpenLoop two{{request(0, 0.0, 100, 5), request(1, 0.0, 100, 5)}};
  const ServingRun apart = simulate({&steps, &steps}, s, two, Routing::round_robin);
  CHECK(apart.requests[0].replica == 0);
  CHECK(apart.requests[1].replica == 1);
  for (const auto& r : apart.requests) CHECK(r.finished.value() == doctest::Approx(0.064));
  // On one replica they share steps: a prefill of 200 tokens (30 ms), then 4
  // steps of two decodes (12 ms): 78 ms.
  const ServingRun together = simulate(steps, s, two);
  CHECK(together.requests[1].finished.value() == doctest::Approx(0.078));
  // Least loaded: the third request goes to the replica with fewer in it
  // (both hold one: the lowest index), the fourth after the first finished.
  const OpenLoop four{
      {request(0, 0.0, 100, 5), request(1, 0.0, 100, 50), request(2, 0.001, 100, 5), request(3, 0.5, 100, 5)}};
  const ServingRun least = simulate({&steps, &steps}, s, four, Routing::least_loaded);
  CHECK(least.requests[2].replica == 0);
  CHECK(least.requests[3].replica == 0);  // replica 0 is empty again by 0.5 s, replica 1 still decodes
  int steps_of_1 = 0;
  for (const auto& st : least.steps) steps_of_1 += st.replica == 1 ? 1 : 0;
  CHECK(steps_of_1 == 50);  // request 1 alone: its prefill and 49 decodes
}

TEST_CASE("serving: a prompt longer than the token budget is prefilled in chunks beside the decodes") {
  FakeSteps steps;
  // B arrives while A decodes: B's 250 tokens go in chunks of what A's decode
  // leaves of a 101-token budget: 100, 100, 50.
  const ServingRun run = simulate(steps, {.max_batch = 8, .token_budget = 101, .block_tokens = 16, .kv_blocks = 100},
                                  OpenLoop{{request(0, 0.0, 10, 20), request(1, 0.0105, 250, 2)}});
  const RequestRecord& b = run.requests[1];
  // A's prefill step ends at 11 ms; then three steps of A's decode and B's
  // chunks: 10 + 1 + 10 = 21 ms twice, and 10 + 1 + 5 = 16 ms: 69 ms.
  CHECK(run.requests[0].first_token.value() == doctest::Approx(0.011));
  CHECK(b.admitted.value() == doctest::Approx(0.011));
  CHECK(b.first_token.value() == doctest::Approx(0.069));
  CHECK(run.steps[1].prefill_tokens == 100);
  CHECK(run.steps[3].prefill_tokens == 50);
  CHECK(run.steps[3].decodes == 1);
}

TEST_CASE("serving: when the KV cache fills, the latest admitted request is preempted and recomputed") {
  FakeSteps steps;
  // Two requests of 16 + 40 tokens need 4 blocks of 16 each by their end (the
  // last token's keys and values are never written: 55 cached, blocks 4); the
  // cache holds 6, so the second is preempted when the first needs its third.
  const ServingRun run = simulate(steps, {.max_batch = 8, .token_budget = 8192, .block_tokens = 16, .kv_blocks = 6},
                                  OpenLoop{{request(0, 0.0, 16, 40), request(1, 0.0, 16, 40)}});
  CHECK(run.preemptions >= 1);
  CHECK(run.requests[0].preemptions == 0);
  CHECK(run.requests[1].preemptions >= 1);
  // Both finish, the first without a pause, the second after it.
  CHECK(run.requests[0].finished.value() > 0);
  CHECK(run.requests[1].finished > run.requests[0].finished);
  for (const auto& s : run.steps) CHECK(s.kv_blocks_used <= 6);
  // A request that cannot fit the cache at all is refused.
  CHECK_THROWS_AS(simulate(steps, {.max_batch = 8, .token_budget = 8192, .block_tokens = 16, .kv_blocks = 6},
                           OpenLoop{{request(0, 0.0, 90, 10)}}),
                  InputError);
}

TEST_CASE("serving: reserving each request's whole cache at admission never preempts") {
  FakeSteps steps;
  // The two requests of the test above, under GUARANTEED_NO_EVICT: each
  // reserves blocks for 16 + 40 tokens, 4 blocks; the cache of 6 holds one
  // reservation, so the second waits for the first to finish. The first runs
  // alone: prefill 10 + 1.6 = 11.6 ms, then 39 decodes of 11 ms, 440.6 ms;
  // the second is admitted then and takes as long again: 881.2 ms.
  const ServingRun run = simulate(
      steps, {.max_batch = 8, .token_budget = 8192, .block_tokens = 16, .kv_blocks = 6, .reserve_output = true},
      OpenLoop{{request(0, 0.0, 16, 40), request(1, 0.0, 16, 40)}});
  CHECK(run.preemptions == 0);
  CHECK(run.requests[0].finished.value() == doctest::Approx(0.4406));
  CHECK(run.requests[1].admitted.value() == doctest::Approx(0.4406));
  CHECK(run.requests[1].finished.value() == doctest::Approx(0.8812));
  for (const auto& s : run.steps) CHECK(s.kv_blocks_used <= 6);
}

TEST_CASE("serving: a closed loop keeps its concurrency and obeys Little's law") {
  FakeSteps steps;
  const ClosedLoop client{.concurrency = 16, .requests = 640, .input = {80, 100}, .output = {40, 50}, .seed = 3};
  const ServingRun run =
      simulate(steps, {.max_batch = 64, .token_budget = 8192, .block_tokens = 16, .kv_blocks = 10000}, client);
  REQUIRE(run.requests.size() == 640);
  // While the client still has requests to send, 16 are always in the system:
  // over that window, completions per second x mean time in the system = 16.
  double window = 0;
  for (const auto& r : run.requests) window = std::max(window, r.request.arrival.value());
  double done = 0, time_in_system = 0;
  for (const auto& r : run.requests) {
    if (r.finished.value() <= window) {
      done += 1;
      time_in_system += (r.finished - r.request.arrival).value();
    }
  }
  const double throughput = done / window, mean_e2e = time_in_system / done;
  CHECK(throughput * mean_e2e == doctest::Approx(16.0).epsilon(0.05));
  // The same seed, the same run, bit for bit.
  FakeSteps again;
  const ServingRun twice =
      simulate(again, {.max_batch = 64, .token_budget = 8192, .block_tokens = 16, .kv_blocks = 10000}, client);
  REQUIRE(twice.requests.size() == run.requests.size());
  for (std::size_t i = 0; i < run.requests.size(); ++i) {
    CHECK(twice.requests[i].finished.value() == run.requests[i].finished.value());
    CHECK(twice.requests[i].request.input_tokens == run.requests[i].request.input_tokens);
  }
}

TEST_CASE("serving: under any load every request finishes in order of its own events, within the cache") {
  // Random Poisson loads over small caches and budgets: whatever preempts,
  // chunks or waits (delayed batching, the attention-DP balance holding a
  // preempted request on its rank, a whole prompt waiting for room in its
  // rank's budget), each request is admitted after it
  // arrives, gets its first token after admission and finishes after that,
  // and no step holds more blocks than the cache.
  RequestRandom pick(11);
  int balanced_preemptions = 0;  // rounds that preempted with the balance on over several ranks
  for (int round = 0; round < 40; ++round) {
    CAPTURE(round);
    const Scheduler s{.max_batch = pick.between({1, 16}),
                      .token_budget = pick.between({8, 512}),
                      .block_tokens = pick.between({1, 32}),
                      .kv_blocks = 0,
                      .ranks = pick.between({1, 4}),
                      .draft_tokens = static_cast<int>(pick.between({0, 2})),
                      .batch_wait_steps = pick.between({0, 5}),
                      .batch_wait_tokens_ratio = 0.5};
    Scheduler sized = s;
    sized.tokens_per_step = 1.0 + 0.5 * s.draft_tokens;
    sized.balance_timeout_steps = pick.between({0, 8});
    if (sized.balance_timeout_steps > 0) sized.balance_batching_steps = pick.between({0, 3});
    const PoissonLoad load{.rate = 50.0, .count = 60, .input = {1, 300}, .output = {1, 60}, .seed = pick.next()};
    // Room for the largest request and a little more: preemption is common.
    sized.kv_blocks = (300 + 60 + 2 + sized.block_tokens - 1) / sized.block_tokens + pick.between({0, 40});
    // Whole prompts or chunks: a prompt longer than the budget is chunked
    // anyway. Prompts beside the decodes or apart from them.
    sized.chunked_prefill = pick.between({0, 1}) == 1;
    sized.prefill_apart = pick.between({0, 1}) == 1;
    FakeSteps steps;
    const ServingRun run = simulate(steps, sized, OpenLoop{poisson_requests(load)});
    REQUIRE(run.requests.size() == 60);
    for (const auto& r : run.requests) {
      CHECK(r.admitted >= r.request.arrival);
      CHECK(r.first_token > r.admitted);
      CHECK(r.finished >= r.first_token);
      // A whole prompt within one budget, never preempted, is prefilled in
      // the step that admits it: that step ends with its first token.
      if (!sized.chunked_prefill && r.preemptions == 0 && r.request.input_tokens <= sized.token_budget) {
        const auto at = std::find_if(run.steps.begin(), run.steps.end(),
                                     [&](const StepRecord& st) { return st.start == r.admitted; });
        REQUIRE(at != run.steps.end());
        CHECK((at->start + at->time).value() == doctest::Approx(r.first_token.value()));
      }
    }
    for (const auto& st : run.steps) CHECK(st.kv_blocks_used <= sized.kv_blocks);
    if (sized.balance_timeout_steps > 0 && sized.ranks > 1 && run.preemptions > 0) ++balanced_preemptions;
  }
  CHECK(balanced_preemptions > 0);
}

TEST_CASE("serving metrics: nearest-rank percentiles, SLO attainment and goodput") {
  // Ten values 1..10: p50 is the 5th, p90 the 9th, p99 the 10th.
  const Percentiles p = percentiles({3, 1, 2, 10, 9, 8, 7, 6, 5, 4});
  CHECK(p.p50.value() == 5);
  CHECK(p.p90.value() == 9);
  CHECK(p.p99.value() == 10);
  CHECK(p.mean.value() == doctest::Approx(5.5));
  FakeSteps steps;
  // Two requests one after the other: TTFT 20 ms and TPOT 11 ms each (first
  // case); a TTFT limit of 15 ms admits neither, 25 ms both.
  const ServingRun run = simulate(steps, {.max_batch = 8, .token_budget = 8192, .block_tokens = 16, .kv_blocks = 100},
                                  OpenLoop{{request(0, 0.0, 100, 5), request(1, 1.0, 100, 5)}});
  CHECK(serving_metrics(run, {.ttft = Seconds(0.015)}, 1, 100).slo_attainment == 0.0);
  const ServingMetrics m = serving_metrics(run, {.ttft = Seconds(0.025), .tpot = Seconds(0.012)}, 1, 100);
  CHECK(m.slo_attainment == 1.0);
  // Both within, over the span 0 .. 1.064 s.
  CHECK(m.goodput == doctest::Approx(2 / 1.064));
  CHECK(m.output_tokens_per_second == doctest::Approx(10 / 1.064));
}

TEST_CASE("serving: the timeline holds the steps and three slices a request, within its window") {
  FakeSteps steps;
  // The first case's request at 1 s (5 steps) and one at 3 s, outside a window of [0, 2) s.
  const ServingRun run = simulate(steps, {.max_batch = 8, .token_budget = 8192, .block_tokens = 16, .kv_blocks = 100},
                                  OpenLoop{{request(0, 1.0, 100, 5), request(1, 3.0, 100, 5)}});
  const SystemConfig sys = load_config<SystemConfig>("hw/testdata/node16.yaml", system_schema(), {});
  const TraceEvents t = serving_timeline(run, sys, Seconds(0), Seconds(2));
  CHECK(t.slices() == 5 + 3);
  const nlohmann::json doc = t.document();
  bool queued = false;
  for (const auto& e : doc["traceEvents"]) {
    if (e.value("name", "") == "prefill") {
      CHECK(e["ts"].get<double>() == doctest::Approx(1e6));    // admitted at once, 1 s
      CHECK(e["dur"].get<double>() == doctest::Approx(20e3));  // its 20 ms TTFT
    }
    queued = queued || e.value("name", "") == "queued";
  }
  CHECK(queued);
}

TEST_CASE("serving: the KV cache's size comes from the memory the weights leave") {
  // Llama-3.1-8B in BF16 on one chip of the round-number fixture: 8 KV heads x
  // 128 x 2 (K, V) x 32 layers x 2 bytes = 128 KiB a token.
  const SystemConfig sys = load_config<SystemConfig>("hw/testdata/node16.yaml", system_schema(), {});
  const ModelSpec m = load_hf_config("workloads/models/llama-3.1-8b.json");
  const KvCapacity k = kv_cache_capacity({sys, m, Precision{}, Mapping{}, EngineConfig{}}, 16, 2048);
  CHECK(k.per_token.value() == doctest::Approx(131072));
  CHECK(k.blocks == k.tokens / 16);
  CHECK(k.tokens == static_cast<std::int64_t>(k.usable.value() / 131072));
  // An engine that keeps 10% of memory for itself has 10% of the chip less.
  EngineConfig e;
  e.memory_fraction = 0.9;
  const KvCapacity less = kv_cache_capacity({sys, m, Precision{}, Mapping{}, e}, 16, 2048);
  CHECK((k.usable - less.usable).value() ==
        doctest::Approx(0.1 * sys.chip.weight_memory().capacity.value()).epsilon(1e-9));
}

}  // namespace
}  // namespace tokenfab

namespace tokenfab {
namespace {

Request prompt(std::int64_t id, double arrival, std::vector<std::int64_t> blocks) {
  return {id, Seconds(arrival), 300, 2, std::move(blocks)};
}

TEST_CASE("serving: a prefix cache skips the leading blocks an earlier prompt left, and always the last token") {
  FakeSteps steps;
  // Blocks of 100 tokens; 100 KV blocks of 16 tokens hold 16 of them.
  // A prefills 300 tokens: 10 + 30 = 40 ms, its first token at 0.040 s.
  // B shares A's first two blocks: it prefills 100 tokens, 10 + 10 = 20 ms.
  // C repeats A's prompt: all of it is cached but its last token, 10.1 ms.
  const Scheduler s{
      .max_batch = 8, .token_budget = 8192, .block_tokens = 16, .kv_blocks = 100, .prefix_block_tokens = 100};
  const ServingRun run =
      simulate(steps, s, OpenLoop{{prompt(0, 0.0, {1, 2, 3}), prompt(1, 1.0, {1, 2, 9}), prompt(2, 2.0, {1, 2, 3})}});
  CHECK(run.requests[0].first_token.value() == doctest::Approx(0.040));
  CHECK(run.requests[0].reused_tokens == 0);
  CHECK(run.requests[1].first_token.value() == doctest::Approx(1.020));
  CHECK(run.requests[1].reused_tokens == 200);
  CHECK(run.requests[2].first_token.value() == doctest::Approx(2.0101));
  CHECK(run.requests[2].reused_tokens == 299);
  // Off, every prompt is prefilled whole.
  Scheduler off = s;
  off.prefix_block_tokens = 0;
  CHECK(simulate(steps, off, OpenLoop{{prompt(0, 0.0, {1, 2, 3}), prompt(1, 1.0, {1, 2, 3})}})
            .requests[1]
            .reused_tokens == 0);
}

TEST_CASE("serving: a KV-aware router sends a prompt where its prefix is, the least loaded among equals") {
  FakeSteps steps;
  const Scheduler s{
      .max_batch = 8, .token_budget = 8192, .block_tokens = 16, .kv_blocks = 100, .prefix_block_tokens = 100};
  // A and B go to idle replicas 0 and 1; at 1 s E (new) goes to 0, F (B's
  // blocks) to 1, G (A's) to 0; H (A's again) finds replica 0 busier (E, G)
  // than 1 (F) and still goes to 0, where its prefix is; by load it goes to 1.
  const std::vector<Request> load{prompt(0, 0.0, {1, 2, 3}),    prompt(1, 0.001, {7, 8}),
                                  prompt(2, 1.0, {9}),          prompt(3, 1.0001, {7, 8}),
                                  prompt(4, 1.0002, {1, 2, 3}), prompt(5, 1.0003, {1, 2, 3})};
  const ServingRun kv = simulate({&steps, &steps}, s, OpenLoop{load}, Routing::kv_aware);
  const std::vector<int> expected{0, 1, 0, 1, 0, 0};
  for (std::size_t i = 0; i < load.size(); ++i) CHECK(kv.requests[i].replica == expected[i]);
  CHECK(kv.requests[5].reused_tokens == 299);
  const ServingRun by_load = simulate({&steps, &steps}, s, OpenLoop{load}, Routing::least_loaded);
  CHECK(by_load.requests[5].replica == 1);
  CHECK(by_load.requests[5].reused_tokens == 0);
}

}  // namespace
}  // namespace tokenfab

namespace tokenfab {
namespace {

TEST_CASE("goodput: the highest rate that holds the attainment, found by doubling and bisecting") {
  // Attainment falls linearly from 1 at rate 0 to 0 at rate 10: 90% holds up
  // to rate 1. From 0.3: doubling holds at 0.6, fails at 1.2; bisection
  // narrows [0.6, 1.2] to 2% of the rate held.
  int calls = 0;
  const auto linear = [&](double r) {
    ++calls;
    return 1.0 - r / 10.0;
  };
  const double g = goodput_rate(linear, 0.9, 0.3);
  CHECK(g <= 1.0);
  CHECK(g >= 0.98);
  // From above the answer it halves first.
  CHECK(goodput_rate(linear, 0.9, 40.0) == doctest::Approx(1.0).epsilon(0.02));
  CHECK(calls < 40);
  CHECK_THROWS_AS(goodput_rate([](double) { return 0.0; }, 0.9, 1.0), InputError);
}

}  // namespace
}  // namespace tokenfab

namespace tokenfab {
namespace {

TEST_CASE("serving: prompts apart from decodes pause every decode while a prompt is prefilled") {
  FakeSteps steps;
  // A: 10-token prompt, 11 ms, first token at 0.011 s; a decode to 0.022 s.
  // B arrives at 0.012 s and is admitted at 0.022 s: apart, the step holds
  // only B's 100 tokens, 10 + 10 = 20 ms, and A's decode waits.
  Scheduler s{.max_batch = 8, .token_budget = 8192, .block_tokens = 16, .kv_blocks = 100};
  s.prefill_apart = true;
  const ServingRun run = simulate(steps, s, OpenLoop{{request(0, 0.0, 10, 5), request(1, 0.012, 100, 5)}});
  CHECK(run.requests[1].first_token.value() == doctest::Approx(0.042));
  REQUIRE(run.steps.size() > 2);
  CHECK(run.steps[2].decodes == 0);
  CHECK(run.steps[2].prefill_tokens == 100);
  // Chunked beside the decode instead: 10 + 1 + 10 = 21 ms.
  s.prefill_apart = false;
  const ServingRun mixed = simulate(steps, s, OpenLoop{{request(0, 0.0, 10, 5), request(1, 0.012, 100, 5)}});
  CHECK(mixed.requests[1].first_token.value() == doctest::Approx(0.043));
  CHECK(mixed.steps[2].decodes == 1);
}

}  // namespace
}  // namespace tokenfab
