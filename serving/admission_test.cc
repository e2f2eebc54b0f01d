// The engines' admission policies: delayed batching (TensorRT-LLM), the
// receive interval (SGLang) and the attention-DP balance (TensorRT-LLM),
// each timed by hand with FakeSteps.
#include <doctest/doctest.h>

#include "serving/fake_steps.h"
#include "serving/simulator.h"
#include "serving/test_requests.h"

namespace tokenfab {
namespace {

// The small engine over two attention ranks under TensorRT-LLM's balance.
Scheduler two_ranks(std::int64_t timeout, std::int64_t batching = 0) {
  Scheduler s = small_engine();
  s.ranks = 2;
  s.balance_timeout_steps = timeout;
  s.balance_batching_steps = batching;
  return s;
}

TEST_CASE("serving: delayed batching holds a new prompt back while decodes run") {
  FakeSteps steps;
  // A decodes from 11 ms (its prefill of 10 tokens, 10 + 1 ms); B arrives at
  // 12 ms, is first seen at the step boundary of 22 ms and held for 3 decode
  // steps of 11 ms (the token threshold, 0.8 x 8192, is far off): admitted at
  // 22 + 3 x 11 = 55 ms; its prefill step with A's decode, 10 + 1 + 10 = 21
  // ms: first token at 76 ms. At once it would be admitted at 22 ms.
  Scheduler delayed = small_engine();
  delayed.batch_wait_steps = 3;
  delayed.batch_wait_tokens_ratio = 0.8;
  const ServingRun run = simulate(steps, delayed, OpenLoop{{request(0, 0.0, 10, 20), request(1, 0.012, 100, 2)}});
  CHECK(run.requests[1].admitted.value() == doctest::Approx(0.055));
  CHECK(run.requests[1].first_token.value() == doctest::Approx(0.076));
  FakeSteps again;
  Scheduler at_once = delayed;
  at_once.batch_wait_steps = 0;
  const ServingRun now = simulate(again, at_once, OpenLoop{{request(0, 0.0, 10, 20), request(1, 0.012, 100, 2)}});
  CHECK(now.requests[1].admitted.value() == doctest::Approx(0.022));
}

TEST_CASE("serving: an engine that polls every few decode steps leaves a new request in its inbox until then") {
  // SGLang's --scheduler-recv-interval 4. A (10-token prompt) arrives at an
  // idle engine, which sees it at once: prefill 10 + 1 = 11 ms. That step had
  // a prompt, so the next one polls (nothing yet) and decodes to 22 ms. B
  // arrives at 12 ms; decodes end at 22 (1 since the poll), 33 (2), 44 (3) and
  // 55 ms (4): the step at 55 ms polls and admits B, 33 ms later than a poll
  // every step would (22 ms). B's prefill with A's decode: 10 + 1 + 10 = 21
  // ms, first token at 76 ms; C, arriving during that prompt's step at 60
  // ms, is seen right after it, at 76 ms.
  FakeSteps steps;
  Scheduler polling = small_engine();
  polling.receive_interval = 4;
  const OpenLoop load{{request(0, 0.0, 10, 40), request(1, 0.012, 100, 2), request(2, 0.060, 10, 2)}};
  const ServingRun run = simulate(steps, polling, load);
  CHECK(run.requests[0].admitted.value() == doctest::Approx(0.0));
  CHECK(run.requests[1].admitted.value() == doctest::Approx(0.055));
  CHECK(run.requests[1].first_token.value() == doctest::Approx(0.076));
  CHECK(run.requests[2].admitted.value() == doctest::Approx(0.076));
  FakeSteps again;
  Scheduler every = polling;
  every.receive_interval = 1;
  CHECK(simulate(again, every, load).requests[1].admitted.value() == doctest::Approx(0.022));
  every.receive_interval = 0;
  CHECK_THROWS_AS(simulate(again, every, load), InputError);
}

TEST_CASE("serving: a request in the inbox of an engine whose last request just finished is seen at once") {
  // Receive interval 4. A (10-token prompt, 2 tokens out): prefill 11 ms,
  // then one decode step of 11 ms ends it at 22 ms. B reaches the busy
  // engine at 15 ms, into its inbox; at 22 ms nothing runs or waits, so the
  // idle engine polls and admits B at once (not 3 decode steps later):
  // prefill of 100 tokens, 10 + 10 ms, first token at 42 ms.
  FakeSteps steps;
  Scheduler polling = small_engine();
  polling.receive_interval = 4;
  const ServingRun run = simulate(steps, polling, OpenLoop{{request(0, 0.0, 10, 2), request(1, 0.015, 100, 2)}});
  CHECK(run.requests[0].finished.value() == doctest::Approx(0.022));
  CHECK(run.requests[1].admitted.value() == doctest::Approx(0.022));
  CHECK(run.requests[1].first_token.value() == doctest::Approx(0.042));
}

TEST_CASE("serving: an overlap scheduler sees a request that arrives during a step only after the next one starts") {
  // A (10-token prompt, 40 out) reaches an idle engine at 0 and is seen at
  // once: prefill 10 + 1 = 11 ms, then decodes of 11 ms, [11, 22], [22, 33].
  // B (10-token prompt) arrives at 12 ms, during [11, 22]. Polling between
  // steps, the engine sees it at 22 ms: A's decode and B's prefill, 10 + 1 +
  // 1 = 12 ms, first token at 34 ms. An overlap scheduler formed the step at
  // 22 ms while [11, 22] ran, from what had reached it by 11 ms; it sees B
  // at 33 ms, first token at 45 ms: one step (11 ms) later.
  const OpenLoop load{{request(0, 0.0, 10, 40), request(1, 0.012, 10, 2)}};
  FakeSteps steps;
  Scheduler between = small_engine();
  const ServingRun polled = simulate(steps, between, load);
  CHECK(polled.requests[1].admitted.value() == doctest::Approx(0.022));
  CHECK(polled.requests[1].first_token.value() == doctest::Approx(0.034));
  Scheduler overlap = between;
  overlap.overlap = true;
  const ServingRun ahead = simulate(steps, overlap, load);
  CHECK(ahead.requests[0].admitted.value() == doctest::Approx(0.0));
  CHECK(ahead.requests[1].admitted.value() == doctest::Approx(0.033));
  CHECK(ahead.requests[1].first_token.value() == doctest::Approx(0.045));
  // An engine left with nothing to run spins without the GPU and sees its
  // inbox at once: A (2 out) ends at 22 ms, and C, arriving at 15 ms, is
  // admitted at 22 ms, not a step later.
  const ServingRun idle = simulate(steps, overlap, OpenLoop{{request(0, 0.0, 10, 2), request(1, 0.015, 10, 2)}});
  CHECK(idle.requests[0].finished.value() == doctest::Approx(0.022));
  CHECK(idle.requests[1].admitted.value() == doctest::Approx(0.022));
}

TEST_CASE("serving: the attention-DP balance holds a lone prompt until every rank has one or the timeout") {
  // Two ranks, timeout 3 steps. A and B (10-token prompts) arrive at 0 with
  // nothing decoding, so they go at once: 10 + 2 x 1 = 12 ms. Steps from 12
  // ms decode both, 10 + 2 = 12 ms each, and count towards the timeout with
  // no prompt waiting (1 at 12 ms). C arrives at 13 ms, alone: held at 24 ms
  // (2) and let go at 36 ms (3). With D beside it at 13 ms every rank has
  // one, and both go at 24 ms.
  FakeSteps steps;
  const Scheduler balance = two_ranks(3);
  const ServingRun lone =
      simulate(steps, balance, OpenLoop{{request(0, 0.0, 10, 20), request(1, 0.0, 10, 20), request(2, 0.013, 10, 2)}});
  CHECK(lone.requests[1].first_token.value() == doctest::Approx(0.012));
  CHECK(lone.requests[2].admitted.value() == doctest::Approx(0.036));
  const ServingRun pair = simulate(
      steps, balance,
      OpenLoop{{request(0, 0.0, 10, 20), request(1, 0.0, 10, 20), request(2, 0.013, 10, 2), request(3, 0.013, 10, 2)}});
  CHECK(pair.requests[2].admitted.value() == doctest::Approx(0.024));
  CHECK(pair.requests[3].admitted.value() == doctest::Approx(0.024));
  Scheduler off = balance;
  off.balance_timeout_steps = 0;
  CHECK(simulate(steps, off, OpenLoop{{request(0, 0.0, 10, 20), request(1, 0.0, 10, 20), request(2, 0.013, 10, 2)}})
            .requests[2]
            .admitted.value() == doctest::Approx(0.024));
}

TEST_CASE("serving: the balance asks every rank for a prompt: two on one rank still wait for the timeout") {
  // Two ranks, timeout 5 steps. Six 10-token prompts at 0 go to ranks 0, 1,
  // 0, 1, 0, 1 (each to the rank carrying fewest) and at once, every rank
  // having one: 10 + 6 x 1 = 16 ms. The two short ones on rank 1 finish with
  // their second token at 32 ms, leaving rank 0 with three and rank 1 with
  // one. C and D arrive at 33 ms and are seen at the next step, 46 ms (the
  // step from 32 decodes four: 14 ms); both go to rank 1, the less loaded,
  // so rank 0 has no prompt waiting. The count, run since the step at 16
  // ms, reaches 5 at 74 ms (steps at 46 and 60 hold them), when they go.
  // Counted over the replica instead, two prompts for two ranks would go at
  // 46 ms.
  FakeSteps steps;
  const Scheduler balance = two_ranks(5);
  std::vector<Request> load;
  for (int i = 0; i < 6; ++i) load.push_back(request(i, 0.0, 10, i == 1 || i == 3 ? 2 : 40));
  load.push_back(request(6, 0.033, 10, 2));
  load.push_back(request(7, 0.033, 10, 2));
  const ServingRun run = simulate(steps, balance, OpenLoop{load});
  CHECK(run.requests[1].finished.value() == doctest::Approx(0.032));
  CHECK(run.requests[6].admitted.value() == doctest::Approx(0.074));
  CHECK(run.requests[7].admitted.value() == doctest::Approx(0.074));
}

TEST_CASE("serving: once every rank has a prompt the balance may wait a few steps more for company") {
  // Two ranks, timeout 10, batching 2. A and B (10-token prompts) go at 0
  // with nothing decoding: 10 + 2 x 1 = 12 ms, then a decode of both to 24
  // ms. C and D arrive at 13 ms and are seen at 24 ms, one on each rank
  // (each rank carries one); every rank decodes, so they wait two steps
  // more (24 and 36 ms) and go at 48 ms. Without batching they go at 24 ms.
  FakeSteps steps;
  const Scheduler balance = two_ranks(10, 2);
  const OpenLoop load{
      {request(0, 0.0, 10, 40), request(1, 0.0, 10, 40), request(2, 0.013, 10, 2), request(3, 0.013, 10, 2)}};
  const ServingRun batched = simulate(steps, balance, load);
  CHECK(batched.requests[2].admitted.value() == doctest::Approx(0.048));
  CHECK(batched.requests[3].admitted.value() == doctest::Approx(0.048));
  CHECK(simulate(steps, two_ranks(10), load).requests[2].admitted.value() == doctest::Approx(0.024));
}

TEST_CASE("serving: the balance waits while a rank has no room for one more decode") {
  // Two ranks, timeout 3, max_batch 4: two decodes a rank (TensorRT-LLM's
  // max_batch_size is per rank). A, B and C (10-token prompts) go at once
  // with nothing decoding, to ranks 0, 1, 0: 10 + 3 x 1 = 13 ms. The step
  // from 13 ms decodes them (13 ms) and counts 1, no prompt waiting. D and
  // E arrive at 14 ms and are seen at 26 ms, D on rank 1 and E on rank 0
  // (each to the rank carrying fewest, the lower on a tie): every rank has a
  // prompt, but rank 0 holds two decodes, so they wait (2) and go at 39 ms
  // (3), D first, the replica's fourth slot. With three decodes a rank
  // (max_batch 6) rank 0 has room and D goes at 26 ms.
  FakeSteps steps;
  Scheduler full = two_ranks(3);
  full.max_batch = 4;
  const OpenLoop load{{request(0, 0.0, 10, 40), request(1, 0.0, 10, 40), request(2, 0.0, 10, 40),
                       request(3, 0.014, 10, 2), request(4, 0.014, 10, 2)}};
  CHECK(simulate(steps, full, load).requests[3].admitted.value() == doctest::Approx(0.039));
  Scheduler room = full;
  room.max_batch = 6;
  CHECK(simulate(steps, room, load).requests[3].admitted.value() == doctest::Approx(0.026));
}

TEST_CASE("serving: without chunked prefill a prompt waits whole for a step it fits") {
  // Budget 100 tokens a step. A and B (60-token prompts) arrive at 0. Whole
  // prompts: A goes alone, 10 + 6 = 16 ms; B, 60 > the 40 left, waits and
  // goes beside A's decode, 10 + 1 + 6 = 17 ms: admitted at 16, first token
  // at 33 ms. Chunked: A's 60 and 40 of B's, 10 + 10 = 20 ms (A's first token
  // at 20), then B's last 20 beside A's decode, 10 + 1 + 2 = 13 ms: 33 ms.
  FakeSteps steps;
  Scheduler whole = small_engine();
  whole.token_budget = 100;
  whole.chunked_prefill = false;
  const OpenLoop load{{request(0, 0.0, 60, 20), request(1, 0.0, 60, 20)}};
  const ServingRun run = simulate(steps, whole, load);
  CHECK(run.requests[0].first_token.value() == doctest::Approx(0.016));
  CHECK(run.requests[1].admitted.value() == doctest::Approx(0.016));
  CHECK(run.requests[1].first_token.value() == doctest::Approx(0.033));
  Scheduler chunked = whole;
  chunked.chunked_prefill = true;
  const ServingRun split = simulate(steps, chunked, load);
  CHECK(split.requests[0].first_token.value() == doctest::Approx(0.020));
  CHECK(split.requests[1].admitted.value() == doctest::Approx(0.0));
  CHECK(split.requests[1].first_token.value() == doctest::Approx(0.033));
}

TEST_CASE("serving: under the balance each attention rank's prompts share that rank's budget") {
  // Two ranks of 100 tokens a step, timeout 10. Four 60-token prompts at 0
  // go to ranks 0, 1, 0, 1 and at once (nothing decodes yet). Rank 0 takes A
  // and 40 of C, rank 1 B and 40 of D: 10 + 20 = 30 ms, A and B done. Then
  // A's and B's decodes and C's and D's last 20 each: 10 + 2 + 4 = 16 ms, C
  // and D's first tokens at 46 ms. Over one budget of 200 for both ranks
  // A, B and C would be done at 30 ms.
  FakeSteps steps;
  Scheduler balance = two_ranks(10);
  balance.token_budget = 100;
  std::vector<Request> load;
  for (int i = 0; i < 4; ++i) load.push_back(request(i, 0.0, 60, 20));
  const ServingRun run = simulate(steps, balance, OpenLoop{load});
  // The step is timed with each sequence on its own rank.
  CHECK(steps.ranks.front() == std::vector<int>{0, 1, 0, 1});
  CHECK(run.requests[1].first_token.value() == doctest::Approx(0.030));
  CHECK(run.requests[2].first_token.value() == doctest::Approx(0.046));
  CHECK(run.requests[3].first_token.value() == doctest::Approx(0.046));
}

TEST_CASE("serving: with prompts apart, a whole prompt is not held back by the decodes it pauses") {
  // Budget 10 tokens, whole prompts, prompts apart. A, B and C (1-token
  // prompts) go at 0: 10 + 0.3 = 10.3 ms, then decode steps of 10 + 3 = 13
  // ms, ending at 23.3, 36.3, 49.3 and 62.3 ms. D (9 tokens) arrives at 50
  // ms and is seen at 62.3 ms; its step pauses the three decodes, so it has
  // the whole budget: admitted at 62.3 ms, first token 10 + 0.9 ms later.
  // Counting the paused decodes (10 - 3 = 7 < 9) would hold D until they end.
  FakeSteps steps;
  Scheduler apart = small_engine();
  apart.token_budget = 10;
  apart.chunked_prefill = false;
  apart.prefill_apart = true;
  const OpenLoop load{
      {request(0, 0.0, 1, 50), request(1, 0.0, 1, 50), request(2, 0.0, 1, 50), request(3, 0.050, 9, 2)}};
  const ServingRun run = simulate(steps, apart, load);
  CHECK(run.requests[3].admitted.value() == doctest::Approx(0.0623));
  CHECK(run.requests[3].first_token.value() == doctest::Approx(0.0732));
}

}  // namespace
}  // namespace tokenfab
