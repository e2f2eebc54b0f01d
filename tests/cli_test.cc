// End-to-end tests of the tokenfab command line, run from the source root as
// a user would. Each TEST_CASE is its own ctest process.
#include <doctest/doctest.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>

namespace {

struct Result {
  int code;
  std::string out;
};

Result tokenfab(const std::string& args, const std::string& tag) {
  std::string log = std::string(TOKENFAB_TEST_OUT) + "/" + tag + ".log";
  std::string cmd = std::string(TOKENFAB_BIN) + " " + args + " > " + log + " 2>&1";
  int status = std::system(cmd.c_str());
  std::ifstream in(log);
  std::stringstream ss;
  ss << in.rdbuf();
  return {WEXITSTATUS(status), ss.str()};
}

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string out_dir(const std::string& name) { return std::string(TOKENFAB_TEST_OUT) + "/" + name; }

TEST_CASE("cli: run writes results whose breakdown adds up to the step") {
  std::system(("mkdir -p " + std::string(TOKENFAB_TEST_OUT)).c_str());
  Result r = tokenfab("run configs/runs/default.yaml --out " + out_dir("run_default"), "run_default");
  REQUIRE_MESSAGE(r.code == 0, r.out);
  CHECK(r.out.find("tok/s per user") != std::string::npos);
  CHECK(r.out.find("limited by: ") != std::string::npos);
  CHECK(r.out.find("hardware bound: ") != std::string::npos);
  CHECK(r.out.find("deployed estimate: ") != std::string::npos);
  auto j = nlohmann::json::parse(slurp(out_dir("run_default") + "/results.json"));
  CHECK(j["format"] == "tokenfab-results");
  const auto& s = j["summary"];
  double sum = 0;
  for (const auto& [k, v] : s["breakdown_s"].items()) sum += v.get<double>();
  CHECK(sum == doctest::Approx(s["step_time_s"].get<double>()).epsilon(1e-12));
  // One user's speed is the tokens of a step over the step: the deployed
  // engine drafts one token with DeepSeek's MTP module, kept with p = a, so
  // 1 + a per step; the hardware bound has no drafts.
  const double a = j["config"]["engine"]["speculative"]["acceptance"]["value"].get<double>();
  CHECK(s["tokens_per_s_per_user"].get<double>() * s["step_time_s"].get<double>() == doctest::Approx(1.0 + a));
  const auto& b = j["bound_summary"];
  CHECK(b["tokens_per_s_per_user"].get<double>() * b["step_time_s"].get<double>() == doctest::Approx(1.0));
  CHECK(s["tokens_per_s_per_replica"].get<double>() == doctest::Approx(64 * s["tokens_per_s_per_user"].get<double>()));
  // Every op's record is in the CSV flattening too.
  std::string ops = slurp(out_dir("run_default") + "/ops.csv");
  CHECK(static_cast<std::size_t>(std::count(ops.begin(), ops.end(), '\n')) == j["ops"].size() + 1);
  CHECK(!j["provenance"].empty());
}

TEST_CASE("cli: same inputs give the same bytes") {
  std::system(("mkdir -p " + std::string(TOKENFAB_TEST_OUT)).c_str());
  REQUIRE(tokenfab("run --out " + out_dir("det"), "det").code == 0);
  std::string first = slurp(out_dir("det") + "/results.json");
  REQUIRE(tokenfab("run --out " + out_dir("det"), "det").code == 0);
  CHECK(first == slurp(out_dir("det") + "/results.json"));
}

TEST_CASE("cli: --set reaches the hardware and changes the answer") {
  std::system(("mkdir -p " + std::string(TOKENFAB_TEST_OUT)).c_str());
  REQUIRE(tokenfab("run --out " + out_dir("set_base"), "set_base").code == 0);
  Result r = tokenfab("run --out " + out_dir("set_hbm") + " --set 'system.chip.hbm.bandwidth=16 TB/s'", "set_hbm");
  REQUIRE_MESSAGE(r.code == 0, r.out);
  auto base = nlohmann::json::parse(slurp(out_dir("set_base") + "/results.json"))["summary"];
  auto fast = nlohmann::json::parse(slurp(out_dir("set_hbm") + "/results.json"))["summary"];
  // Twice the bandwidth halves the HBM transfer time; per-access latency stays.
  CHECK(fast["breakdown_s"]["hbm"].get<double>() < 0.6 * base["breakdown_s"]["hbm"].get<double>());
  CHECK(fast["breakdown_s"]["nvlink"].get<double>() == base["breakdown_s"]["nvlink"].get<double>());
}

TEST_CASE("cli: a trace written by tokenfab times the same when read back") {
  std::system(("mkdir -p " + std::string(TOKENFAB_TEST_OUT)).c_str());
  for (const char* ext : {"csv", "jsonl"}) {
    std::string file = out_dir(std::string("r1.") + ext);
    Result t = tokenfab("trace configs/runs/default.yaml --out " + file, std::string("trace_") + ext);
    REQUIRE_MESSAGE(t.code == 0, t.out);
    CHECK(t.out.find("per token") != std::string::npos);
    REQUIRE(tokenfab("run --out " + out_dir("gen"), "gen").code == 0);
    Result r = tokenfab("run --trace " + file + " --out " + out_dir(std::string("imported_") + ext), "imported");
    REQUIRE_MESSAGE(r.code == 0, r.out);
    auto a = nlohmann::json::parse(slurp(out_dir("gen") + "/results.json"))["summary"];
    auto b = nlohmann::json::parse(slurp(out_dir(std::string("imported_") + ext) + "/results.json"))["summary"];
    CHECK(a["step_time_s"].get<double>() == b["step_time_s"].get<double>());
  }
}

TEST_CASE("cli: params documents every key from the schemas") {
  std::system(("mkdir -p " + std::string(TOKENFAB_TEST_OUT)).c_str());
  Result r = tokenfab("params system", "params_system");
  REQUIRE(r.code == 0);
  CHECK(r.out.find("| `chip.hbm.bandwidth` | a bandwidth | required | > 0 | peak read bandwidth |") !=
        std::string::npos);
  CHECK(r.out.find("`scale_up.collective_overhead`") != std::string::npos);
}

}  // namespace

namespace {

TEST_CASE("cli: ceiling finds the fastest mapping and better hardware never lowers it") {
  std::system(("mkdir -p " + std::string(TOKENFAB_TEST_OUT)).c_str());
  Result r = tokenfab("ceiling --system configs/systems/vr_nvl72.yaml --out " + out_dir("ceiling"), "ceiling");
  REQUIRE_MESSAGE(r.code == 0, r.out);
  CHECK(r.out.find("limiting term:") != std::string::npos);
  auto j = nlohmann::json::parse(slurp(out_dir("ceiling") + "/ceiling.json"));
  const double best = j["best"]["tokens_per_s_per_user"].get<double>();
  CHECK(best > 0);
  for (const auto& p : j["runners_up"]) CHECK(p["tokens_per_s_per_user"].get<double>() <= best);
  for (const auto& s : j["sensitivity"]) {
    INFO(s["change"].get<std::string>());
    // Every hardware change is an improvement; only the software row may go down.
    if (s["change"] != "no elementwise fusion") CHECK(s["tokens_per_s_per_user"].get<double>() >= best * (1 - 1e-12));
  }
  // The breakdown of the best point adds up to its token time.
  double sum = 0;
  for (const auto& [k, v] : j["best"]["breakdown_s"].items()) sum += v.get<double>();
  CHECK(sum == doctest::Approx(j["best"]["step_time_s"].get<double>()).epsilon(1e-12));
}

}  // namespace

namespace {

TEST_CASE("cli: pareto writes every point and a frontier no point beats") {
  std::system(("mkdir -p " + std::string(TOKENFAB_TEST_OUT)).c_str());
  Result r = tokenfab("pareto --max-batch 512 --out " + out_dir("pareto"), "pareto");
  REQUIRE_MESSAGE(r.code == 0, r.out);
  auto j = nlohmann::json::parse(slurp(out_dir("pareto") + "/pareto.json"));
  CHECK(j["format"] == "tokenfab-pareto");
  const auto& points = j["points"];
  REQUIRE(points.size() > 100);
  std::size_t on_front = 0;
  for (const auto& f : points) {
    if (!f["frontier"].get<bool>()) continue;
    ++on_front;
    // No point is at least as fast per user and strictly better per chip.
    const double user = f["tokens_per_s_per_user"].get<double>(), chip = f["tokens_per_s_per_device"].get<double>();
    for (const auto& q : points) {
      CHECK_FALSE(
          (q["tokens_per_s_per_user"].get<double>() >= user && q["tokens_per_s_per_device"].get<double>() > chip));
    }
  }
  CHECK(on_front >= 3);
  // pareto.csv flattens the JSON: a row per point, opened by the system.
  const std::string csv = slurp(out_dir("pareto") + "/pareto.csv");
  CHECK(static_cast<std::size_t>(std::count(csv.begin(), csv.end(), '\n')) == points.size() + 1);
  CHECK(csv.rfind("system,model,context,mapping,tp,attn_dp,ep,pp,batch,step_time_s,tokens_per_s_per_user,", 0) == 0);
}

// The keys of a summary as written (nested ones as "breakdown_s.hbm").
std::set<std::string> summary_keys(const nlohmann::json& summary, const std::string& prefix = "") {
  std::set<std::string> keys;
  for (const auto& [k, v] : summary.items()) {
    if (v.is_object()) {
      for (const auto& nested : summary_keys(v, prefix + k + ".")) keys.insert(nested);
    } else {
      keys.insert(prefix + k);
    }
  }
  return keys;
}

// A search point less its mapping and batch is a summary.
nlohmann::json point_summary(nlohmann::json point) {
  for (const char* key : {"mapping", "tp", "attn_dp", "ep", "pp", "batch", "frontier", "change"}) point.erase(key);
  return point;
}

TEST_CASE("cli: run, ceiling, pareto and validate write one summary schema") {
  std::system(("mkdir -p " + std::string(TOKENFAB_TEST_OUT)).c_str());
  const std::pair<const char*, const char*> commands[] = {{"run", "run"},
                                                          {"ceiling", "ceiling --max-batch 8"},
                                                          {"pareto", "pareto --max-batch 8"},
                                                          {"validate", "validate"}};
  for (const auto& [name, args] : commands) {
    const std::string tag = std::string("schema_") + name;
    Result r = tokenfab(std::string(args) + " --out " + out_dir(tag), tag);
    REQUIRE_MESSAGE(r.code == 0, r.out);
  }
  const auto run = nlohmann::json::parse(slurp(out_dir("schema_run") + "/results.json"));
  const auto ceiling = nlohmann::json::parse(slurp(out_dir("schema_ceiling") + "/ceiling.json"));
  const auto pareto = nlohmann::json::parse(slurp(out_dir("schema_pareto") + "/pareto.json"));
  const auto validation = nlohmann::json::parse(slurp(out_dir("schema_validate") + "/validation.json"));
  const std::set<std::string> schema = summary_keys(run["summary"]);
  CHECK(schema.count("tokens_per_s_per_mw") == 1);
  CHECK(summary_keys(point_summary(ceiling["best"])) == schema);
  CHECK(summary_keys(point_summary(ceiling["sensitivity"][0])) == schema);
  CHECK(summary_keys(point_summary(pareto["points"][0])) == schema);
  CHECK(summary_keys(point_summary(validation["points"][0]["decode"])) == schema);
  CHECK(summary_keys(point_summary(validation["points"][0]["prefill"])) == schema);
  // Nothing in the summary costs anything.
  for (const auto& key : schema) CHECK(key.find("cost") == std::string::npos);
}

}  // namespace

namespace {

// Simulating one attention group per identical set must give exactly the
// result of simulating every device.
TEST_CASE("cli: systemc sharing of identical groups is exact") {
  std::system(("mkdir -p " + std::string(TOKENFAB_TEST_OUT)).c_str());
  const char* mappings[] = {
      "",  // attention-DP 72, EP 72: four kinds of device among 72
      "--set mapping.tp=8 --set mapping.attn_dp=9",
      "--set mapping.pp=2 --set mapping.attn_dp=36 --set mapping.ep=36",
  };
  int i = 0;
  for (const char* m : mappings) {
    CAPTURE(m);
    const std::string shared = out_dir("share_" + std::to_string(i)), all = out_dir("all_" + std::to_string(i));
    REQUIRE(tokenfab(std::string("run --engine systemc ") + m + " --out " + shared, "share").code == 0);
    REQUIRE(tokenfab(std::string("run --engine systemc --all-devices ") + m + " --out " + all, "all").code == 0);
    auto a = nlohmann::json::parse(slurp(shared + "/results.json"))["summary"];
    auto b = nlohmann::json::parse(slurp(all + "/results.json"))["summary"];
    CHECK(a["step_time_s"] == b["step_time_s"]);
    CHECK(a["breakdown_s"] == b["breakdown_s"]);
    ++i;
  }
}

}  // namespace

namespace {

TEST_CASE("cli: LPU programs assemble to binary and disassemble back") {
  std::system(("mkdir -p " + std::string(TOKENFAB_TEST_OUT)).c_str());
  const std::string bin = out_dir("copy_and_add.bin"), text = out_dir("copy_and_add.s");
  REQUIRE(tokenfab("assemble emulator/examples/copy_and_add.s --out " + bin, "asm").code == 0);
  REQUIRE(tokenfab("disassemble " + bin + " --out " + text, "disasm").code == 0);
  const std::string once = slurp(text);
  CHECK(once.find("add in=W0..W1 out=E0 type=i8") != std::string::npos);
  // The disassembly assembles to the same binary.
  REQUIRE(tokenfab("assemble " + text + " --out " + bin + "2", "asm2").code == 0);
  CHECK(slurp(bin) == slurp(bin + "2"));
}

// copy_and_add.s: 4 instructions on 4 queues; the VXM add issues at cycle 7
// (derived in the file), 7 cycles of 1/900 MHz = 7.78 ns = 0.00778 us.
TEST_CASE("cli: emulate --timeline writes a track per queue and a slice per issue") {
  std::system(("mkdir -p " + std::string(TOKENFAB_TEST_OUT)).c_str());
  const std::string file = out_dir("emulate_timeline.json");
  Result r = tokenfab("emulate emulator/examples/copy_and_add.s --timeline " + file, "emulate_timeline");
  REQUIRE_MESSAGE(r.code == 0, r.out);
  const auto doc = nlohmann::json::parse(slurp(file));
  int tracks = 0, slices = 0;
  for (const auto& e : doc["traceEvents"]) {
    if (e["ph"] == "M" && e["name"] == "thread_name") ++tracks;
    if (e["ph"] != "X") continue;
    ++slices;
    if (e["name"] == "add") {
      CHECK(e["args"]["cycle"] == 7);
      CHECK(e["ts"].get<double>() == doctest::Approx(7 / 900.0));
    }
  }
  CHECK(tracks == 4);
  CHECK(slices == 4);
}

// The 4-chip all-reduce: one process per chip, each with the same tracks
// (the program is the same on every chip): one MEM read of the own vector
// and one of it again for the add tree, 3 sends and 3 receives (one C2C
// queue per peer), 2 + 1 adds in the tree, 1 write = 12 issues on each.
TEST_CASE("cli: emulate --timeline of a multi-chip kernel has a process per chip") {
  std::system(("mkdir -p " + std::string(TOKENFAB_TEST_OUT)).c_str());
  const std::string file = out_dir("allreduce_timeline.json");
  Result r = tokenfab("emulate --kernel allreduce --chips 4 --timeline " + file, "allreduce_timeline");
  REQUIRE_MESSAGE(r.code == 0, r.out);
  const auto doc = nlohmann::json::parse(slurp(file));
  std::map<int, int> slices;
  std::set<std::string> processes;
  for (const auto& e : doc["traceEvents"]) {
    if (e["ph"] == "M" && e["name"] == "process_name") processes.insert(e["args"]["name"].get<std::string>());
    if (e["ph"] == "X") ++slices[e["pid"].get<int>()];
  }
  CHECK(processes == std::set<std::string>{"tsp-v1 chip 0", "tsp-v1 chip 1", "tsp-v1 chip 2", "tsp-v1 chip 3"});
  REQUIRE(slices.size() == 4);
  for (const auto& [pid, n] : slices) CHECK(n == 12);
}

}  // namespace
