#include "explore/serving_rows.h"

#include <doctest/doctest.h>

#include <algorithm>

namespace tokenfab {
namespace {

TEST_CASE("serving rows: an MLPerf row's p99 TTFT is no shorter than one prompt prefilled alone") {
  // Every query's first token needs its whole prompt prefilled, at best on an
  // idle replica, so the prefill alone is a floor under every TTFT and so
  // under the p99; a rate near the limit queues prompts on top of it.
  const ServingValidationSpec spec = load_serving_validation("configs/validation/serving.yaml", {});
  const std::vector<ServerRow> rows = server_rows(spec);
  const auto row = std::find_if(rows.begin(), rows.end(), [](const ServerRow& r) {
    return r.key == "mlperf/H200-SXM/v5.1/llama3.1-405b/Server" && r.gpus == 8;
  });
  REQUIRE(row != rows.end());
  const ServedServerRow s = serve_server_row(spec, *row);
  REQUIRE(s.served);
  CHECK(s.prompt_alone > 0);
  CHECK(s.ttft_p99 >= s.prompt_alone);
  // Twice the rate queues more prompts ahead of a query; its floor stays.
  ServerRow busier = *row;
  busier.samples_per_s *= 2;
  const ServedServerRow b = serve_server_row(spec, busier);
  REQUIRE(b.served);
  CHECK(b.prompt_alone == s.prompt_alone);
  CHECK(b.ttft_p99 > s.ttft_p99);
}

}  // namespace
}  // namespace tokenfab
