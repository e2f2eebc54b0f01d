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

// The pod simulated in SystemC: one process per GPU and per simulated LPU,
// named by their kind, and one for the interconnect whose slices are the
// step's flows (two a layer for each of the 72 GPUs, on its port and on the
// FFN NIC at the other end), each lasting at least the link's latency.
TEST_CASE("cli: the pod's SystemC timeline has GPU, LPU and interconnect tracks") {
  const std::string out = std::string(TOKENFAB_TEST_OUT) + "/pod_systemc";
  const std::string cmd = std::string(TOKENFAB_BIN) + " pod --engine systemc --out " + out + " --timeline " + out +
                          "/timeline.json > " + out + "/stdout.txt";
  REQUIRE(std::system(("mkdir -p " + out).c_str()) == 0);
  REQUIRE(std::system(cmd.c_str()) == 0);
  const auto timeline = read_json(out + "/timeline.json");
  std::map<int, std::string> process;
  for (const auto& e : timeline["traceEvents"]) {
    if (e["ph"] == "M" && e["name"] == "process_name") process[e["pid"]] = e["args"]["name"];
  }
  int gpus = 0, lpus = 0, interconnect = -1;
  for (const auto& [pid, name] : process) {
    gpus += name.starts_with("GPU ");
    lpus += name.starts_with("LPU ");
    if (name == "interconnect") interconnect = pid;
  }
  CHECK(gpus == 72);
  CHECK(lpus > 0);
  REQUIRE(interconnect >= 0);
  int flows = 0;
  for (const auto& e : timeline["traceEvents"]) {
    if (e["ph"] != "X" || e["pid"] != interconnect) continue;
    ++flows;
    CHECK(e["dur"].get<double>() >= 1.25);  // microseconds: the low-latency mode's NIC to NIC
  }
  CHECK(flows == 61 * 2 * 72 * 2);
}

}  // namespace
