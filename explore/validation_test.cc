#include "explore/validation.h"

#include <doctest/doctest.h>

namespace tokenfab {
namespace {

PublishedPoint request(ValidationMetric metric) {
  PublishedPoint p;
  p.input_tokens = 1000;
  p.output_tokens = 1000;
  p.metric = metric;
  p.published = TokensPerSecond(200);
  p.tolerance = 0.1;
  return p;
}

TEST_CASE("validation: a request's tokens per chip-second, by hand") {
  // 1000 output tokens at 100 tok/s per chip take 10 chip-seconds; 1000
  // prompt tokens at 10,000 tok/s per chip take 0.1: 10.1 chip-seconds.
  // Counting both: 2000 / 10.1 = 198.0198...; output only: 1000 / 10.1.
  const TokensPerSecond decode(100), prefill(10000);
  CHECK(request_tokens_per_chip(request(ValidationMetric::total_tokens_per_chip), decode, prefill).value() ==
        doctest::Approx(2000 / 10.1).epsilon(1e-15));
  CHECK(request_tokens_per_chip(request(ValidationMetric::output_tokens_per_chip), decode, prefill).value() ==
        doctest::Approx(1000 / 10.1).epsilon(1e-15));
}

TEST_CASE("validation: an estimate may err either way; an upper bound only above, both to the tolerance") {
  PublishedPoint p = request(ValidationMetric::total_tokens_per_chip);
  CHECK(within_tolerance(p, 0.1));
  CHECK(within_tolerance(p, -0.1));
  CHECK_FALSE(within_tolerance(p, 0.1001));
  CHECK_FALSE(within_tolerance(p, -0.1001));
  p.kind = ValidationKind::upper_bound;
  CHECK(within_tolerance(p, 0.0));
  CHECK(within_tolerance(p, 0.1));
  CHECK_FALSE(within_tolerance(p, 0.1001));
  CHECK_FALSE(within_tolerance(p, -0.001));  // a bound below the measurement is wrong
}

TEST_CASE("validation: the decode point used is the most throughput at or above the user speed") {
  auto point = [](double user, double device) {
    Point p;
    p.summary.per_user = TokensPerSecond(user);
    p.summary.per_device = TokensPerSecond(device);
    return p;
  };
  const std::vector<Point> decode = {point(200, 10), point(100, 40), point(99.9, 90), point(50, 80)};
  // At 100 tok/s/user the 99.9 point is too slow, however much it serves.
  CHECK(most_per_device(decode, TokensPerSecond(100))->summary.per_device.value() == 40);
  CHECK(most_per_device(decode, TokensPerSecond(0))->summary.per_device.value() == 90);
  CHECK(most_per_device(decode, TokensPerSecond(201)) == nullptr);
}

}  // namespace
}  // namespace tokenfab
