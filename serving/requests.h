// Requests a serving simulation is fed: when each arrives and how many tokens
// it brings and asks for. Two synthetic sources, both deterministic for a
// seed (the generator is written out here, not left to the standard
// library's distributions, so that a seed gives the same requests on every
// platform):
//
//   LengthRange in{819, 1024};   // InferenceX: uniform in [0.8, 1.0] x the nominal 1,024
//   auto open = poisson_requests({.rate = 4.0, .count = 1000, .input = in, .output = out, .seed = 7});
//   ClosedLoop closed{.concurrency = 64, .requests = 640, .input = in, .output = out, .seed = 7};
//
// Poisson: arrivals at exponential gaps of mean 1/rate. Closed loop (as
// InferenceX's and MLPerf's clients run): `concurrency` requests at time 0,
// and each completion sends the next at once, until `requests` were sent.
#pragma once

#include <cstdint>
#include <vector>

#include "core/units.h"

namespace tokenfab {

struct Request {
  std::int64_t id = 0;
  Seconds arrival;
  std::int64_t input_tokens = 1;
  std::int64_t output_tokens = 1;
  // Hashes of the prompt's consecutive blocks of Scheduler::
  // prefix_block_tokens tokens, each standing for its whole prefix (two
  // prompts with the same i-th hash share their first i + 1 blocks): what a
  // prefix cache matches (Mooncake's hash_ids). Empty: nothing to share.
  std::vector<std::int64_t> prefix_blocks;
};

// Uniform integers in [low, high].
struct LengthRange {
  std::int64_t low = 1;
  std::int64_t high = 1;
};

struct PoissonLoad {
  double rate = 1.0;  // requests per second
  std::int64_t count = 1;
  LengthRange input, output;
  std::uint64_t seed = 1;
  // Coefficient of variation of the gaps between arrivals: 1 is Poisson
  // (exponential gaps); above 1 the gaps are gamma distributed with shape
  // 1/cv^2 and the same mean, so requests come in bursts (cv 2: shape 0.25),
  // as the bursty sources of serving benchmarks (vLLM's --burstiness is
  // 1/cv^2) and BurstGPT's fitted arrivals.
  double cv = 1.0;
};

struct ClosedLoop {
  std::int64_t concurrency = 1;
  std::int64_t requests = 1;
  LengthRange input, output;
  std::uint64_t seed = 1;
};

// A small, fully specified generator (SplitMix64): the same seed gives the
// same stream everywhere.
class RequestRandom {
 public:
  explicit RequestRandom(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next();
  double uniform();  // [0, 1), 53 bits
  std::int64_t between(const LengthRange& r);
  double exponential(double mean);
  double normal();  // standard, Box-Muller over two uniforms
  // Gamma of `shape` and mean shape x scale (Marsaglia-Tsang; shape < 1 by
  // boosting: gamma(shape + 1) x u^(1/shape)).
  double gamma(double shape, double scale);

 private:
  std::uint64_t state_;
};

// Lengths uniform in [ratio, 1] x `nominal` (at least 1): InferenceX's
// random_range_ratio.
LengthRange nominal_lengths(std::int64_t nominal, double ratio);

// Throws InputError for a non-positive rate, count or cv, or an empty range.
std::vector<Request> poisson_requests(const PoissonLoad& load);
void check_lengths(const LengthRange& r, const char* what);

}  // namespace tokenfab
