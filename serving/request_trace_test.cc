#include "serving/request_trace.h"

#include <doctest/doctest.h>

#include <cmath>

#include "core/diagnostics.h"

namespace tokenfab {
namespace {

TEST_CASE("request traces: datetimes of the Azure traces, with and without a zone") {
  // 2023-11-16 is day 19,677 since 1970-01-01 (53 years with 13 leap days is
  // 19,358 days to 2023-01-01, plus 319 days to 16 November).
  const double day = 19677.0 * 86400.0;
  CHECK(*parse_datetime("2023-11-16 00:00:00") == doctest::Approx(day));
  CHECK(*parse_datetime("2023-11-16 18:15:46.6805900") == doctest::Approx(day + 18 * 3600 + 15 * 60 + 46.68059));
  // One hour east of UTC is an hour earlier in UTC.
  CHECK(*parse_datetime("2023-11-16 01:00:00+01:00") == doctest::Approx(day));
  CHECK(*parse_datetime("2024-05-10 00:00:00.009930+00:00") - *parse_datetime("2024-05-10 00:00:00+00:00") ==
        doctest::Approx(0.00993));
  CHECK_FALSE(parse_datetime("16/11/2023 18:15"));
  CHECK_FALSE(parse_datetime("2023-13-01 00:00:00"));
  CHECK_FALSE(parse_datetime("2023-11-16 00:00:00 UTC"));
}

TEST_CASE("request traces: the shipped samples of each format") {
  const RequestTrace azure = read_request_trace("workloads/requests/azure_conv_sample.csv");
  CHECK(azure.format == RequestTraceFormat::azure);
  CHECK(azure.requests.size() == 240);
  CHECK(azure.requests.front().arrival.value() == 0.0);
  // Its first two rows, 18:15:46.7683640 and .7924100: 24.046 ms apart.
  CHECK(azure.requests[1].arrival.value() == doctest::Approx(0.024046));
  CHECK(azure.requests[0].input_tokens == 713);
  CHECK(azure.requests[0].output_tokens == 95);
  const RequestTrace burst = read_request_trace("workloads/requests/burstgpt_sample.csv");
  CHECK(burst.format == RequestTraceFormat::burstgpt);
  CHECK(burst.skipped > 0);  // failed requests, 0 response tokens
  CHECK(std::ssize(burst.requests) + burst.skipped == 240);
  const RequestTrace moon = read_request_trace("workloads/requests/mooncake_sample.jsonl");
  CHECK(moon.format == RequestTraceFormat::mooncake);
  CHECK(moon.requests.size() == 120);
  // 139 ms and 247 ms: 0.108 s after the first.
  CHECK(moon.requests[1].arrival.value() == doctest::Approx(0.108));
  std::vector<Request> faster = moon.requests;
  scale_arrivals(faster, 2.0);
  CHECK(faster[1].arrival.value() == doctest::Approx(0.054));
  // Its hash_ids, one per 512-token block: the second request continues the first's prefix.
  CHECK(moon.prefix_block_tokens == 512);
  CHECK(std::ssize(moon.requests[0].prefix_blocks) == (8939 + 511) / 512);
  CHECK(moon.requests[1].prefix_blocks.front() == moon.requests[0].prefix_blocks.front());
}

}  // namespace
}  // namespace tokenfab

namespace tokenfab {
namespace {

// Arrival gaps of a stream: their mean and coefficient of variation.
std::pair<double, double> gap_moments(const std::vector<Request>& r) {
  double sum = 0, sq = 0, last = 0;
  for (const auto& q : r) {
    const double gap = q.arrival.value() - last;
    last = q.arrival.value();
    sum += gap;
    sq += gap * gap;
  }
  const double n = static_cast<double>(r.size()), mean = sum / n;
  return {mean, std::sqrt(sq / n - mean * mean) / mean};
}

TEST_CASE("requests: gamma gaps keep the rate and take the asked variation; cv 1 is the Poisson stream") {
  // 40,000 gaps: the sample mean and CV are within a few per cent of the
  // distribution's (the CV's standard error at cv 2 is about 2.5%).
  for (const double cv : {0.5, 1.0, 2.0}) {
    CAPTURE(cv);
    const auto r =
        poisson_requests({.rate = 4.0, .count = 40000, .input = {1, 1}, .output = {1, 1}, .seed = 9, .cv = cv});
    const auto [mean, measured_cv] = gap_moments(r);
    CHECK(mean == doctest::Approx(0.25).epsilon(0.03));
    CHECK(measured_cv == doctest::Approx(cv).epsilon(0.08));
  }
  const auto poisson = poisson_requests({.rate = 4.0, .count = 100, .input = {1, 1}, .output = {1, 1}, .seed = 9});
  RequestRandom draw(9);
  double t = 0;
  for (const auto& q : poisson) {
    t += draw.exponential(0.25);
    draw.between({1, 1});
    draw.between({1, 1});
    CHECK(q.arrival.value() == t);
  }
  CHECK_THROWS_AS(poisson_requests({.rate = 4.0, .count = 1, .input = {1, 1}, .output = {1, 1}, .cv = 0}), InputError);
}

}  // namespace
}  // namespace tokenfab
