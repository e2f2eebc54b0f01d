// The SystemC timeline through the command line: every resource the
// breakdown charges is drawn, launch and sync included.
#include <doctest/doctest.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

namespace {

nlohmann::json read_json(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return nlohmann::json::parse(ss.str());
}

// At the VR NVL72 ceiling mapping (tp 32, ep 32, one sequence) kernel
// launches and collective synchronisation are about 60% of the step; the
// timeline must show them as slices whose durations add up to the breakdown.
TEST_CASE("cli: the SystemC timeline draws launch and sync wherever the breakdown charges them") {
  const std::string out = std::string(TOKENFAB_TEST_OUT) + "/timeline_tp32";
  const std::string cmd = std::string(TOKENFAB_BIN) +
                          " run --engine systemc --system configs/systems/vr_nvl72.yaml --set mapping.tp=32"
                          " --set mapping.ep=32 --set mapping.attn_dp=1 --set workload.batch=1 --quiet --out " +
                          out + " --timeline " + out + "/tp32.json";
  REQUIRE(std::system(cmd.c_str()) == 0);
  const auto results = read_json(out + "/results.json");
  const auto timeline = read_json(out + "/tp32.json");

  // Track names of the critical device (the first process: device 0).
  std::map<int, std::string> track;
  for (const auto& e : timeline["traceEvents"]) {
    if (e["ph"] == "M" && e["name"] == "thread_name" && e["pid"] == 0) track[e["tid"]] = e["args"]["name"];
  }
  std::map<std::string, double> drawn_us;
  for (const auto& e : timeline["traceEvents"]) {
    if (e["ph"] == "X" && e["pid"] == 0) drawn_us[track.at(e["tid"])] += e["dur"].get<double>();
  }
  const auto& breakdown = results["summary"]["breakdown_s"];
  for (const char* lane : {"launch", "sync", "hbm", "nvlink"}) {
    INFO(lane);
    REQUIRE(breakdown.contains(lane));
    CHECK(breakdown[lane].get<double>() > 0);
    CHECK(drawn_us[lane] * 1e-6 == doctest::Approx(breakdown[lane].get<double>()).epsilon(1e-6));
  }
}

}  // namespace
