#include "serving/disaggregated.h"

#include <doctest/doctest.h>

#include "core/diagnostics.h"
#include "serving/fake_steps.h"
#include "serving/metrics.h"

namespace tokenfab {
namespace {

const Scheduler kRoomy{.max_batch = 8, .token_budget = 8192, .block_tokens = 16, .kv_blocks = 100};

// 1 kB of cache per token over 1 MB/s ports: a 100-token prompt's 100 kB
// holds the ports 100 ms; 5 ms of latency on top.
const KvLink kSlowLink{Seconds(0), Seconds(0.005), BytesPerSecond(1e6), BytesPerSecond(2e6), Bytes(1000)};

TEST_CASE("disaggregated: prefill, the cache's transfer, then decode on the other pool") {
  FakeSteps prefill, decode;
  const ServingRun run = simulate_disaggregated({{&prefill}, kRoomy}, {{&decode}, kRoomy}, kSlowLink,
                                                OpenLoop{{{0, Seconds(1.0), 100, 5, {}}}}, Routing::round_robin);
  REQUIRE(run.requests.size() == 1);
  const RequestRecord& r = run.requests[0];
  // Prefill of 100 tokens: 10 + 10 ms, its first token at 1.020 s. The cache:
  // 100 kB at the slower port's 1 MB/s, 100 ms, and 5 ms: there at 1.125 s.
  // Four decodes of 11 ms on the decode pool: 1.169 s.
  CHECK(r.first_token.value() == doctest::Approx(1.020));
  CHECK(r.prefilled.value() == doctest::Approx(1.020));
  CHECK(r.kv_arrived.value() == doctest::Approx(1.125));
  CHECK(r.decode_admitted.value() == doctest::Approx(1.125));
  CHECK(r.finished.value() == doctest::Approx(1.169));
  CHECK(r.decode_replica == 0);
  // TPOT carries the transfer: (1.169 - 1.020) / 4.
  const ServingMetrics m = serving_metrics(run, {}, 2, 100);
  CHECK(m.tpot.p50.value() == doctest::Approx(0.149 / 4));
  int decode_steps = 0;
  for (const auto& s : run.steps) decode_steps += s.pool;
  CHECK(decode_steps == 4);
}

TEST_CASE("disaggregated: two caches leaving one prefill replica queue on its ports") {
  FakeSteps prefill, decode;
  // Both prompts end in one prefill step of 10 + 20 ms at 30 ms. The first
  // cache holds the ports from 30 to 130 ms and lands at 135 ms; the second
  // waits for them, 130 to 230 ms, and lands at 235 ms (two decode replicas:
  // the receivers are not what queues).
  const ServingRun run = simulate_disaggregated({{&prefill}, kRoomy}, {{&decode, &decode}, kRoomy}, kSlowLink,
                                                OpenLoop{{{0, Seconds(0), 100, 2, {}}, {1, Seconds(0), 100, 2, {}}}},
                                                Routing::round_robin);
  CHECK(run.requests[0].kv_arrived.value() == doctest::Approx(0.135));
  CHECK(run.requests[1].kv_arrived.value() == doctest::Approx(0.235));
  CHECK(run.requests[0].decode_replica == 0);
  CHECK(run.requests[1].decode_replica == 1);
  // One decode step of 11 ms each after landing.
  CHECK(run.requests[0].finished.value() == doctest::Approx(0.146));
  CHECK(run.requests[1].finished.value() == doctest::Approx(0.246));
}

TEST_CASE("disaggregated: a request of one output token ends on the prefill pool") {
  FakeSteps prefill, decode;
  const ServingRun run = simulate_disaggregated({{&prefill}, kRoomy}, {{&decode}, kRoomy}, kSlowLink,
                                                OpenLoop{{{0, Seconds(0), 100, 1, {}}}}, Routing::round_robin);
  CHECK(run.requests[0].finished.value() == doctest::Approx(0.020));
  CHECK(run.requests[0].kv_arrived.value() < 0);
  CHECK(run.steps.size() == 1);
}

TEST_CASE("disaggregated: a closed loop's clients wait for the decode pool's finish") {
  FakeSteps prefill, decode;
  const ClosedLoop loop{.concurrency = 4, .requests = 40, .input = {50, 100}, .output = {5, 20}, .seed = 3};
  const ServingRun a = simulate_disaggregated({{&prefill}, kRoomy}, {{&decode, &decode}, kRoomy}, kSlowLink, loop,
                                              Routing::least_loaded);
  const ServingRun b = simulate_disaggregated({{&prefill}, kRoomy}, {{&decode, &decode}, kRoomy}, kSlowLink, loop,
                                              Routing::least_loaded);
  REQUIRE(a.requests.size() == 40);
  for (std::size_t i = 0; i < a.requests.size(); ++i) {
    const RequestRecord& r = a.requests[i];
    CHECK(r.first_token <= r.prefilled);
    CHECK(r.prefilled < r.kv_arrived);
    CHECK(r.kv_arrived <= r.decode_admitted);
    CHECK(r.decode_admitted < r.finished);
    CHECK(r.finished.value() == b.requests[i].finished.value());  // the same seed, the same run
  }
  // Little's law holds for the closed loop: 4 in flight = requests/s x mean E2E.
  const ServingMetrics m = serving_metrics(a, {}, 3, 100);
  CHECK(m.requests_per_second * m.e2e.mean.value() == doctest::Approx(4.0).epsilon(0.05));
}

TEST_CASE("disaggregated: a prompt beyond the decode pool's cache is refused, naming the pool") {
  FakeSteps prefill, decode;
  Scheduler small = kRoomy;
  small.kv_blocks = 5;  // 80 tokens
  CHECK_THROWS_WITH_AS(simulate_disaggregated({{&prefill}, kRoomy}, {{&decode}, small}, kSlowLink,
                                              OpenLoop{{{0, Seconds(0), 100, 5, {}}}}, Routing::round_robin),
                       doctest::Contains("decode pool"), InputError);
  CHECK_THROWS_AS(simulate_disaggregated({{}, kRoomy}, {{&decode}, kRoomy}, kSlowLink,
                                         OpenLoop{{{0, Seconds(0), 100, 5, {}}}}, Routing::round_robin),
                  InputError);
}

}  // namespace
}  // namespace tokenfab
