#include "explore/measured.h"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "core/config_loader.h"
#include "core/csv.h"
#include "workloads/workload_config.h"

namespace tokenfab {
namespace {

const Schema<ValidationTolerance>& tolerance_schema() {
  static const Schema<ValidationTolerance> schema = [] {
    Schema<ValidationTolerance> s("what the evaluation half is held to");
    s.add("median", &ValidationTolerance::median, "largest median |error| of each metric").at_least(0.0);
    s.add("point", &ValidationTolerance::point, "|error| beyond which a point counts as outside").at_least(0.0);
    s.add("outside_share", &ValidationTolerance::outside_share, "largest share of points outside")
        .at_least(0.0)
        .at_most(1.0);
    return s;
  }();
  return schema;
}

const Schema<KnownMiss>& miss_schema() {
  static const Schema<KnownMiss> schema = [] {
    Schema<KnownMiss> s("a configuration the model is known to miss");
    s.add("key", &KnownMiss::key, "configuration key (split.yaml), optionally ' @C' for one concurrency");
    s.add("reason", &KnownMiss::reason, "the mechanism, printed with the point");
    return s;
  }();
  return schema;
}

const Schema<HardwareSystem>& hardware_schema() {
  static const Schema<HardwareSystem> schema = [] {
    Schema<HardwareSystem> s("the system a measurement's hardware name runs on");
    s.add("hardware", &HardwareSystem::hardware, "the name the measured data uses");
    s.add("generation", &HardwareSystem::generation, "GPU generation, for the per-generation report");
    s.add("format", &HardwareSystem::format, "number format of NVIDIA's MLPerf submissions on it");
    s.section("system", &HardwareSystem::system, system_schema());
    return s;
  }();
  return schema;
}

const Schema<NamedPrecision>& named_precision_schema() {
  static const Schema<NamedPrecision> schema = [] {
    Schema<NamedPrecision> s("a measured data set's number format");
    s.add("name", &NamedPrecision::name, "format name as the data gives it (fp8, fp4)");
    s.section("precision", &NamedPrecision::precision, precision_schema());
    return s;
  }();
  return schema;
}

const Schema<InferencexSpec>& inferencex_schema() {
  static const Schema<InferencexSpec> schema = [] {
    Schema<InferencexSpec> s("InferenceX aggregated rows");
    s.add("file", &InferencexSpec::file, "CSV, relative to this file");
    s.add("model", &InferencexSpec::model, "config.json, relative to this file");
    s.add("length_factor", &InferencexSpec::length_factor, "mean request length over nominal ISL/OSL")
        .positive()
        .at_most(1.0);
    s.add("prefill_chunk_tokens", &InferencexSpec::prefill_chunk_tokens, "prompt tokens per prefill step at most")
        .at_least(std::int64_t{1});
    s.add("steady_share", &InferencexSpec::steady_share,
          "rows whose throughput is below this share of what their own TPOT implies are known misses")
        .at_least(0.0)
        .at_most(1.0);
    return s;
  }();
  return schema;
}

const Schema<BenchmarkSpec>& benchmark_schema() {
  static const Schema<BenchmarkSpec> schema = [] {
    Schema<BenchmarkSpec> s("an MLPerf benchmark");
    s.add("name", &BenchmarkSpec::name, "benchmark as the data names it");
    s.add("model", &BenchmarkSpec::model, "config.json, relative to this file");
    s.add("input_tokens", &BenchmarkSpec::input_tokens, "mean prompt tokens").at_least(std::int64_t{1});
    s.add("output_tokens", &BenchmarkSpec::output_tokens, "mean output tokens where the row has none")
        .at_least(std::int64_t{1});
    return s;
  }();
  return schema;
}

const Schema<MlperfSpec>& mlperf_schema() {
  static const Schema<MlperfSpec> schema = [] {
    Schema<MlperfSpec> s("MLPerf Offline rows");
    s.add("file", &MlperfSpec::file, "CSV, relative to this file");
    s.list("benchmarks", &MlperfSpec::benchmarks, benchmark_schema(), 1);
    return s;
  }();
  return schema;
}

const Schema<FitParameter>& fit_schema() {
  static const Schema<FitParameter> schema = [] {
    Schema<FitParameter> s("a deployment term fitted on the calibration half");
    s.add("key", &FitParameter::key, "engine key, e.g. kernel_overhead");
    s.add("low", &FitParameter::low, "lowest value of its source range");
    s.add("high", &FitParameter::high, "highest value of its source range");
    s.add("unit", &FitParameter::unit, "unit of low and high: us, ms, or empty for a fraction").default_value("");
    s.add("framework", &FitParameter::framework, "a framework of frameworks: that framework's own term")
        .default_value("");
    return s;
  }();
  return schema;
}

const Schema<FrameworkEngine>& framework_schema() {
  static const Schema<FrameworkEngine> schema = [] {
    Schema<FrameworkEngine> s("a serving framework's own deployment terms");
    s.add("name", &FrameworkEngine::name, "as the measured rows name it: trt, sglang");
    s.section("engine", &FrameworkEngine::engine, engine_schema());
    return s;
  }();
  return schema;
}

const Schema<MeasuredSpec>& spec_schema() {
  static const Schema<MeasuredSpec> schema = [] {
    Schema<MeasuredSpec> s("how measured rows are modelled");
    s.add("split", &MeasuredSpec::split, "calibration/evaluation split, relative to this file");
    s.list("fit", &MeasuredSpec::fit, fit_schema());
    s.section("tolerance", &MeasuredSpec::tolerance, tolerance_schema());
    s.list("known_misses", &MeasuredSpec::known_misses, miss_schema());
    s.section("engine", &MeasuredSpec::engine, engine_schema());
    s.list("frameworks", &MeasuredSpec::frameworks, framework_schema());
    s.list("systems", &MeasuredSpec::systems, hardware_schema(), 1);
    s.list("precisions", &MeasuredSpec::precisions, named_precision_schema(), 1);
    s.section("inferencex", &MeasuredSpec::inferencex, inferencex_schema());
    s.section("mlperf", &MeasuredSpec::mlperf, mlperf_schema());
    return s;
  }();
  return schema;
}

std::vector<CsvRow> read_csv(const std::string& file, const std::vector<std::string>& required) {
  return read_csv_file(file, required, "measured");
}

double number(const std::string& file, const CsvRow& row, const std::string& column) {
  return csv_number(file, row, column, "measured");
}

// A number within [least, most]: counts and lengths become integers, and a
// value beyond them (a fuzzed 9e83 GPUs) would not fit one.
double within(const std::string& file, const CsvRow& row, const std::string& column, double least, double most) {
  const double v = number(file, row, column);
  if (!(v >= least && v <= most)) {
    throw InputError({"measured"}, fmt::format("{}:{}: column '{}' holds '{}', expected a number from {} to {}", file,
                                               row.line, column, row.cell.at(column), least, most));
  }
  return v;
}

// Limits of the measured rows' counts: GPUs and parallel degrees, tokens.
constexpr double kMostDevices = 1 << 20, kMostTokens = 1e9;

}  // namespace

std::string inferencex_key(const std::map<std::string, std::string>& c) {
  return fmt::format("inferencex/{}/{}/{}/{}x{}/{}", c.at("hardware"), c.at("framework"), c.at("precision"),
                     c.at("isl"), c.at("osl"), c.at("spec_decoding"));
}

namespace {

std::vector<MeasuredRow> inferencex_rows(const MeasuredSpec& spec) {
  const std::string& file = spec.inferencex.file;
  std::vector<MeasuredRow> out;
  for (const CsvRow& r :
       read_csv(file, {"hardware", "framework", "precision", "spec_decoding", "tp", "ep", "dp_attention", "num_gpus",
                       "isl", "osl", "concurrency", "tpot_median_ms", "tok_s_per_gpu", "run_url"})) {
    const auto& c = r.cell;
    MeasuredRow m;
    m.key = inferencex_key(c);
    m.source = c.at("run_url");
    m.hardware = c.at("hardware");
    m.framework = c.at("framework");
    m.model = spec.inferencex.model;
    m.format = c.at("precision");
    const int tp = static_cast<int>(within(file, r, "tp", 1, kMostDevices));
    const int ep = static_cast<int>(within(file, r, "ep", 1, kMostDevices));
    // SGLang/TensorRT-LLM "DP attention": attention data parallel over the
    // tp GPUs, each holding whole attention weights; experts over ep.
    m.mapping = c.at("dp_attention") == "yes" ? Mapping{.tp = 1, .attn_dp = tp, .ep = ep}
                                              : Mapping{.tp = tp, .attn_dp = 1, .ep = ep};
    m.speculative = c.at("spec_decoding") == "mtp";
    m.nominal_input = std::llround(within(file, r, "isl", 1, kMostTokens));
    m.nominal_output = std::llround(within(file, r, "osl", 1, kMostTokens));
    m.input_tokens = std::llround(static_cast<double>(m.nominal_input) * spec.inferencex.length_factor);
    m.output_tokens = std::llround(static_cast<double>(m.nominal_output) * spec.inferencex.length_factor);
    if (const auto t = c.find("ttft_median_ms"); t != c.end() && !t->second.empty())
      m.ttft = number(file, r, "ttft_median_ms") * 1e-3;
    m.concurrency = std::llround(within(file, r, "concurrency", 1, kMostTokens));
    m.gpus = static_cast<int>(within(file, r, "num_gpus", 1, kMostDevices));
    m.throughput_per_gpu = number(file, r, "tok_s_per_gpu");
    m.tpot = number(file, r, "tpot_median_ms") * 1e-3;
    const double implied = static_cast<double>(*m.concurrency * (m.input_tokens + m.output_tokens)) /
                           (static_cast<double>(m.output_tokens) * *m.tpot) / m.gpus;
    if (m.throughput_per_gpu < spec.inferencex.steady_share * implied)
      m.inconsistent = KnownMiss{
          fmt::format("{} @{}", m.key, *m.concurrency),
          fmt::format("the run reports {:.0f} tok/s per GPU, {:.2f} of the {:.0f} its own {:.1f} ms per token at {} "
                      "requests implies: time outside steady decode (waiting before the first token, ramps) that the "
                      "steady-state model leaves to the serving issue (14)",
                      m.throughput_per_gpu, m.throughput_per_gpu / implied, implied, 1e3 * *m.tpot, *m.concurrency)};
    out.push_back(std::move(m));
  }
  return out;
}

// MLPerf names the software stack ("TensorRT 10.14, CUDA 13.0", "vLLM
// 0.10", "LLM-D ..."); InferenceX names the framework (trt, sglang, vllm).
std::string framework_of(const std::string& stack) {
  if (stack.starts_with("TensorRT")) return "trt";
  std::string word = stack.substr(0, stack.find_first_of(" ,"));
  std::transform(word.begin(), word.end(), word.begin(), [](unsigned char ch) { return std::tolower(ch); });
  return word;
}

std::vector<MeasuredRow> mlperf_rows(const MeasuredSpec& spec) {
  const std::string& file = spec.mlperf.file;
  std::vector<MeasuredRow> out;
  for (const CsvRow& r :
       read_csv(file, {"round", "accelerator_short", "total_accelerators", "benchmark", "result_per_accelerator",
                       "tokens_per_sample_observed", "software_framework", "source_path"})) {
    const auto& c = r.cell;
    const BenchmarkSpec* bench = nullptr;
    for (const auto& b : spec.mlperf.benchmarks) {
      if (b.name == c.at("benchmark")) bench = &b;
    }
    if (!bench)
      throw InputError({"measured"}, fmt::format("{}:{}: benchmark '{}' is not described in mlperf.benchmarks", file,
                                                 r.line, c.at("benchmark")));
    MeasuredRow m;
    m.key = fmt::format("mlperf/{}/{}/{}", c.at("accelerator_short"), c.at("round"), c.at("benchmark"));
    m.source = c.at("source_path");
    m.hardware = c.at("accelerator_short");
    m.framework = framework_of(c.at("software_framework"));
    m.model = bench->model;
    m.format = system_for(spec, m.hardware).format;
    m.input_tokens = bench->input_tokens;
    m.output_tokens = c.at("tokens_per_sample_observed").empty()
                          ? bench->output_tokens
                          : std::llround(within(file, r, "tokens_per_sample_observed", 1, kMostTokens));
    m.gpus = static_cast<int>(within(file, r, "total_accelerators", 1, kMostDevices));
    m.throughput_per_gpu = number(file, r, "result_per_accelerator");
    out.push_back(std::move(m));
  }
  return out;
}

}  // namespace

MeasuredSpec load_measured_spec(const std::filesystem::path& file, const std::vector<std::string>& sets) {
  Diagnostics diags;
  ConfigNode resolved = load_resolved_tree(file, sets, diags);
  diags.throw_if_any();
  // A framework's entries go over the shared engine's (after --measured-set,
  // so a shared term set on the command line reaches every framework).
  const ConfigNode* shared = resolved.find("engine");
  if (ConfigNode* frameworks = resolved.find("frameworks"); shared && frameworks && frameworks->is_sequence()) {
    for (auto& f : frameworks->items) {
      ConfigNode* own = f.is_map() ? f.find("engine") : nullptr;
      if (!own || !own->is_map()) continue;  // the schema reports it
      ConfigNode merged = *shared;
      merge_into(merged, *own);
      merged.loc = own->loc;
      *own = std::move(merged);
    }
  }
  BindContext ctx{diags, nullptr, "", ""};
  MeasuredSpec spec = spec_schema().read(resolved, "", ctx);
  diags.throw_if_any();
  // Each path is relative to the file that names it (a base file's to the base).
  const ConfigNode* ix = resolved.find("inferencex");
  const ConfigNode* mlperf = resolved.find("mlperf");
  spec.split = path_beside(resolved.find("split"), spec.split);
  spec.inferencex.file = path_beside(ix->find("file"), spec.inferencex.file);
  spec.inferencex.model = path_beside(ix->find("model"), spec.inferencex.model);
  spec.mlperf.file = path_beside(mlperf->find("file"), spec.mlperf.file);
  const ConfigNode* benchmarks = mlperf->find("benchmarks");
  for (std::size_t i = 0; i < spec.mlperf.benchmarks.size(); ++i)
    spec.mlperf.benchmarks[i].model = path_beside(benchmarks->items[i].find("model"), spec.mlperf.benchmarks[i].model);
  // split.yaml: two lists of configuration keys.
  const ConfigNode split = load_config_file(spec.split, diags);
  diags.throw_if_any();
  for (const char* half : {"calibration", "evaluation"}) {
    const ConfigNode* keys = split.find(half);
    if (!keys || !keys->is_sequence()) throw InputError({"split"}, spec.split + ": expected a list '" + half + "'");
    for (const auto& k : keys->items) spec.calibration[k.scalar] = std::string_view(half) == "calibration";
  }
  return spec;
}

const EngineConfig& engine_for(const MeasuredSpec& spec, const MeasuredRow& row) {
  return engine_named(spec, row.framework);
}

const EngineConfig& engine_named(const MeasuredSpec& spec, std::string framework) {
  if (framework.starts_with("dynamo-")) framework = framework.substr(7);  // Dynamo runs the named engine
  for (const auto& f : spec.frameworks) {
    if (f.name == framework) return f.engine;
  }
  return spec.engine;
}

const HardwareSystem& system_for(const MeasuredSpec& spec, const std::string& hardware) {
  for (const auto& s : spec.systems) {
    if (s.hardware == hardware) return s;
  }
  throw InputError({"systems"}, "no system is given for the measured hardware '" + hardware + "'");
}

std::vector<MeasuredRow> load_measured_rows(const MeasuredSpec& spec) {
  std::vector<MeasuredRow> rows = inferencex_rows(spec);
  for (auto& r : mlperf_rows(spec)) rows.push_back(std::move(r));
  for (const auto& r : rows) {
    if (!spec.calibration.count(r.key))
      throw InputError({"split"}, spec.split + ": configuration '" + r.key + "' is in neither half");
  }
  return rows;
}

}  // namespace tokenfab
