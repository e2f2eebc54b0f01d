#include "explore/summary.h"

#include <doctest/doctest.h>

#include "core/config_loader.h"

namespace tokenfab {
namespace {

SystemConfig node8() { return load_config<SystemConfig>("explore/testdata/node8.yaml", system_schema(), {}); }

TEST_CASE("summary: a hand-made estimate written through the one description") {
  const SystemConfig sys = node8();
  Estimate e;
  e.step_time = Seconds(0.01);
  e.tokens_per_second_per_user = TokensPerSecond(100);     // 1 token / 10 ms
  e.tokens_per_second_per_replica = TokensPerSecond(800);  // 8 sequences
  e.tokens_per_second_per_device = TokensPerSecond(200);   // over 4 devices
  e.tokens_per_second_per_system = TokensPerSecond(400);   // 2 replicas in 8 chips
  e.breakdown[Resource::memory] = Seconds(0.006);
  e.breakdown[Resource::launch] = Seconds(0.004);
  e.bound = Resource::memory;
  e.capacity = Bytes(100e9);
  e.footprint = {Bytes(10e9), Bytes(1e9), Bytes(1e6)};
  const Summary s = summarize(e, sys, Mapping{.tp = 2, .attn_dp = 2});
  // 200 tok/s per chip at 2 kW all-in: 0.1 tok/J, 100,000 tok/s per MW.
  CHECK(s.per_watt.value() == doctest::Approx(0.1));
  CHECK(s.devices_per_replica == 4);
  const auto j = summary_json(s, sys);
  CHECK(j["tokens_per_s_per_mw"].get<double>() == doctest::Approx(1e5));
  CHECK(j["bound"] == "hbm");
  CHECK(j["breakdown_s"]["launch"].get<double>() == 0.004);
  CHECK(j["breakdown_s"].contains("ethernet"));  // the fixture's chip has a NIC
  CHECK(j["memory"]["weight_bytes"].get<double>() == 10e9);
  // Every field of the description, in its order, and nothing else.
  std::vector<std::string> keys;
  for (const auto& [k, v] : j.items()) keys.push_back(k);
  REQUIRE(keys.size() == summary_fields().size());
  for (std::size_t i = 0; i < keys.size(); ++i) CHECK(keys[i] == summary_fields()[i].key);
}

TEST_CASE("summary: a CSV is the JSON flattened, a row per object") {
  const auto rows = nlohmann::ordered_json::parse(
      R"([{"mapping": "tp=1,ep=2", "t": {"a": 1.5, "b": true}}, {"mapping": "say \"x\"", "extra": 3}])");
  // Nested keys join with dots; commas and quotes are quoted; a missing cell is empty.
  CHECK(rows_csv(rows, {{"system", "S"}}) ==
        "system,mapping,t.a,t.b,extra\n"
        "S,\"tp=1,ep=2\",1.5,true,\n"
        "S,\"say \"\"x\"\"\",,,3\n");
  const auto flat = flatten_json(rows[0]);
  REQUIRE(flat.size() == 3);
  CHECK(flat[1] == std::pair<std::string, std::string>{"t.a", "1.5"});
}

}  // namespace
}  // namespace tokenfab
