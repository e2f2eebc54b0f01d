#include "app/commands.h"

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <charconv>
#include <fstream>
#include <functional>
#include <iostream>
#include <sstream>

#include "app/ceiling.h"
#include "app/emulate_kernels.h"
#include "app/pareto.h"
#include "app/run_config.h"
#include "app/run_results.h"
#include "app/validate.h"
#include "core/atomic_file.h"
#include "emulator/assembler.h"
#include "emulator/chip_params.h"
#include "emulator/program_binary.h"
#include "hw/analytical/estimate.h"
#include "hw/rack/rack.h"
#include "hw/system/pod_config.h"
#include "workloads/trace_check.h"
#include "workloads/trace_gen.h"
#include "workloads/trace_io.h"

namespace tokenfab {
namespace {

struct RunOptions {
  std::string run_file = "configs/runs/default.yaml";
  std::string system, model;
  std::vector<std::string> sets;
  std::string out = "out/run";
  std::string trace_in;
  std::string engine = "analytical";
  std::string timeline;
  bool all_devices = false;
  bool quiet = false;
};

// The options every command that reads a run document shares.
void add_run_options(CLI::App* cmd, RunOptions& o, const char* out_help) {
  cmd->add_option("run_file", o.run_file, "run description (YAML)")->capture_default_str();
  cmd->add_option("--system", o.system, "system YAML replacing the run file's system");
  cmd->add_option("--model", o.model, "Hugging Face config.json replacing the run file's model");
  cmd->add_option("--set", o.sets, "override key.path=value (repeatable), e.g. workload.batch=128");
  cmd->add_option("--out", o.out, out_help)->capture_default_str();
  cmd->add_flag("--quiet", o.quiet, "print nothing on success");
}

void add_max_batch(CLI::App* cmd, std::int64_t& max_batch) {
  cmd->add_option("--max-batch", max_batch, "largest batch per replica tried")
      ->capture_default_str()
      ->check(CLI::Range(std::int64_t{1}, std::int64_t{1} << 20));
}

LoadedRun load(const RunOptions& o) {
  RunOverrides overrides;
  if (!o.system.empty()) overrides.system = o.system;
  if (!o.model.empty()) overrides.model = o.model;
  overrides.sets = o.sets;
  overrides.check_mapping = o.trace_in.empty();
  return load_run(o.run_file, overrides);
}

int cmd_run(const RunOptions& o, const std::vector<std::string>& args) {
  if (!o.timeline.empty() && o.engine != "systemc") {
    throw InputError({"--timeline"}, "a timeline comes from the SystemC engine: add --engine systemc");
  }
  for (const auto& set : o.sets) {
    for (const char* taken : {"mapping.", "workload.", "precision."}) {
      if (!o.trace_in.empty() && set.rfind(taken, 0) == 0) {
        throw InputError({"--set '" + set + "'"},
                         "with --trace the mapping, workload and precision come from the trace");
      }
    }
  }
  LoadedRun run = load(o);
  Trace imported;
  if (!o.trace_in.empty()) {
    imported = read_trace_file(o.trace_in);
    Diagnostics diags;
    check_trace(imported, run.model, o.trace_in, diags);
    diags.throw_if_any();
    // A trace carries its own mapping, sizes and formats.
    run.config.mapping = imported.mapping;
    run.config.workload = imported.workload;
    run.config.precision = imported.precision;
  }
  const RunConfig& c = run.config;
  EstimateInput input{c.system, run.model, c.precision, c.mapping, c.workload, o.trace_in.empty() ? nullptr : &imported,
                      true,     c.engine};
  SimulationOptions sim;
  if (!o.timeline.empty()) sim.timeline = o.timeline;
  sim.share_identical_groups = !o.all_devices;
  Estimate e = o.engine == "systemc" ? simulate_step(input, sim) : estimate(input);
  if (!e.fits) {
    throw InputError(
        {o.run_file},
        fmt::format("{} does not fit {} per chip: {} weights + {} KV cache + {} activations = {}, over by {}",
                    run.model.name, to_string(e.capacity), to_string(e.footprint.weights),
                    to_string(e.footprint.kv_cache), to_string(e.footprint.activations), to_string(e.footprint.total()),
                    to_string(e.footprint.total() - e.capacity)));
  }
  auto results = results_json(run, e, "run", args, o.engine);
  write_results(o.out, results);
  if (!o.quiet) std::cout << terminal_summary(run, e) << "  wrote " << o.out << "/results.json, summary.csv, ops.csv\n";
  return 0;
}

int cmd_trace(const RunOptions& o, const std::string& format) {
  LoadedRun run = load(o);
  const RunConfig& c = run.config;
  Trace t = generate_trace(run.model, c.precision, c.mapping, c.workload);
  TraceFormat f = format.empty() ? trace_format_for(o.out) : format == "csv" ? TraceFormat::csv : TraceFormat::jsonl;
  write_file_atomically(o.out, write_trace(t, f));
  if (o.quiet) return 0;
  OpTotals sum;
  std::int64_t ops = 0;
  for (const auto& d : t.devices) {
    for (const auto& op : d.ops) sum.add(op);
    ops += static_cast<std::int64_t>(d.ops.size());
  }
  const double tokens = static_cast<double>(c.workload.batch * c.workload.tokens);
  std::cout << fmt::format("{} ops of one {} step on {} devices ({}) -> {}\n", ops, enum_name(c.workload.phase),
                           t.devices.size(), c.mapping.str(), o.out);
  std::cout << fmt::format(
      "  per token: {}, {} of weights and {} of KV cache read, {} sent in collectives\n",
      to_string(Flops(sum.flops.value() / tokens)), to_string(Bytes(sum.weight_bytes.value() / tokens)),
      to_string(Bytes(sum.kv_read.value() / tokens)), to_string(Bytes(sum.collective_bytes.value() / tokens)));
  std::cout << fmt::format("  {} collectives over all devices, {} per device\n", sum.collectives,
                           sum.collectives / static_cast<std::int64_t>(t.devices.size()));
  return 0;
}

int cmd_ceiling(const RunOptions& o, std::int64_t max_batch) {
  LoadedRun run = load(o);
  CeilingResult c = find_ceiling(decode_search(run, max_batch), run.config.system, run.config.engine);
  write_file_atomically(std::filesystem::path(o.out) / "ceiling.json", ceiling_json(run, c).dump(1) + "\n");
  if (!o.quiet) std::cout << ceiling_report(run, c) << "  wrote " << o.out << "/ceiling.json\n";
  return 0;
}

int cmd_pareto(const RunOptions& o, std::int64_t max_batch) {
  LoadedRun run = load(o);
  const RunConfig& c = run.config;
  ParetoResult p = find_pareto(decode_points(decode_search(run, max_batch), c.system, c.engine));
  write_file_atomically(std::filesystem::path(o.out) / "pareto.csv", pareto_csv(run, p));
  if (!o.quiet) std::cout << pareto_report(run, p) << "  wrote " << o.out << "/pareto.csv\n";
  return 0;
}

int cmd_validate(const std::string& file, const std::vector<std::string>& sets, const std::string& out, bool strict) {
  ValidationSet set = load_validation(file, sets);
  auto results = validate(set);
  write_file_atomically(std::filesystem::path(out) / "validation.csv", validation_csv(results));
  std::cout << validation_report(results) << "  wrote " << out << "/validation.csv\n";
  bool all = std::all_of(results.begin(), results.end(), [](const auto& r) { return r.within; });
  return strict && !all ? 1 : 0;
}

std::string read_all(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw InputError({file}, "cannot open file");
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// LPU programs: text -> binary, or binary -> text, checked against a chip preset.
int cmd_lpu_program(const std::string& input, const std::string& chip, const std::string& out, bool to_binary) {
  const lpu::LpuParams params = lpu::load_lpu_params(chip);
  const std::string data = read_all(input);
  if (to_binary) {
    std::vector<std::uint8_t> bytes = lpu::encode(lpu::assemble(data, input, params));
    write_file_atomically(out, std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
  } else {
    write_file_atomically(out, lpu::disassemble(lpu::decode({data.begin(), data.end()}, input, params)));
  }
  std::cout << "wrote " << out << "\n";
  return 0;
}

int cmd_params(const std::string& what) {
  // Every config document, by the name `tokenfab params` takes.
  const std::vector<std::pair<std::string, std::function<std::vector<ParamDoc>()>>> documents = {
      {"run", [] { return run_schema().document(); }},
      {"system", [] { return system_schema().document(); }},
      {"chip", [] { return chip_schema().document(); }},
      {"link", [] { return link_schema().document(); }},
      {"fabric", [] { return fabric_schema().document(); }},
      {"pod", [] { return pod_schema().document(); }},
      {"lpu", [] { return lpu::lpu_params_schema().document(); }},
  };
  for (const auto& [name, document] : documents) {
    if (name != what) continue;
    std::cout << "| key | type | default | range | description |\n|---|---|---|---|---|\n";
    for (const auto& row : document()) {
      std::cout << "| `" << row.key << "` | " << row.type << " | " << row.default_text << " | " << row.range << " | "
                << row.description << " |\n";
    }
    return 0;
  }
  throw InputError({"params"}, "unknown document '" + what + "' (run, system, chip, link, fabric, pod, lpu)");
}

}  // namespace

int run_cli(int argc, char** argv) {
  CLI::App app{"tokenfab: performance model of AI inference token factories"};
  app.require_subcommand(1);
  std::vector<std::string> args(argv + 1, argv + argc);

  RunOptions run_opts;
  auto* run = app.add_subcommand("run", "estimate one prefill or decode step and write results.json");
  add_run_options(run, run_opts, "output directory");
  run->add_option("--trace", run_opts.trace_in, "time this trace file (CSV or JSON lines) instead of generating one");
  run->add_option("--engine", run_opts.engine, "analytical (roofline + latency terms) or systemc (transaction level)")
      ->capture_default_str()
      ->check(CLI::IsMember({"analytical", "systemc"}));
  run->add_option("--timeline", run_opts.timeline, "Chrome/Perfetto trace of the step (systemc engine)");
  run->add_flag("--all-devices", run_opts.all_devices,
                "systemc engine: simulate every device, not one attention group per identical set");

  RunOptions trace_opts;
  trace_opts.out = "out/trace.csv";
  std::string trace_format;
  auto* trace = app.add_subcommand("trace", "write the per-device operator trace of one step");
  add_run_options(trace, trace_opts, "trace file (.csv or .jsonl)");
  trace->add_option("--format", trace_format, "csv or jsonl (default: from the file name)")
      ->check(CLI::IsMember({"csv", "jsonl"}));

  RunOptions ceiling_opts;
  ceiling_opts.out = "out/ceiling";
  std::int64_t max_batch = 256;
  auto* ceiling = app.add_subcommand("ceiling", "search mappings and batches for the fastest decode per user");
  add_run_options(ceiling, ceiling_opts, "output directory");
  add_max_batch(ceiling, max_batch);

  RunOptions pareto_opts;
  pareto_opts.out = "out/pareto";
  std::int64_t pareto_max_batch = 4096;
  auto* pareto = app.add_subcommand("pareto", "throughput-interactivity frontier over mappings and batches");
  add_run_options(pareto, pareto_opts, "output directory");
  add_max_batch(pareto, pareto_max_batch);

  std::string validation_file = "configs/validation/published.yaml", validation_out = "out/validation";
  std::vector<std::string> validation_sets;
  bool strict = false;
  auto* val = app.add_subcommand("validate", "compare the model with published measurements");
  val->add_option("file", validation_file, "published points (YAML)")->capture_default_str();
  val->add_option("--set", validation_sets, "override key.path=value, e.g. points.0.tolerance=0.2");
  val->add_option("--out", validation_out, "output directory")->capture_default_str();
  val->add_flag("--strict", strict, "exit with 1 when a point is outside its tolerance");

  std::string lpu_in, lpu_chip = "configs/lpu/tsp_v1.yaml", lpu_out;
  auto* assemble_cmd = app.add_subcommand("assemble", "assemble an LPU program (text) into its binary form");
  auto* disassemble_cmd = app.add_subcommand("disassemble", "turn an LPU binary back into text");
  for (auto* cmd : {assemble_cmd, disassemble_cmd}) {
    cmd->add_option("file", lpu_in, "input program")->required();
    cmd->add_option("--chip", lpu_chip, "LPU preset (configs/lpu/*.yaml)")->capture_default_str();
    cmd->add_option("--out", lpu_out, "output file")->required();
  }

  std::string emulate_in;
  bool timing_only = false;
  auto* emulate_cmd = app.add_subcommand("emulate", "run an LPU assembly program on one emulated chip");
  KernelOptions kernel;
  emulate_cmd->add_option("file", emulate_in, "program (assembly text)");
  emulate_cmd->add_option("--kernel", kernel.kernel,
                          "run a generated kernel instead of a file: gemv, matmul, allreduce, layer, rmsnorm, "
                          "softmax, rope, swiglu, attention");
  emulate_cmd
      ->add_option("--chips", kernel.chips,
                   "chips of a fully connected node: allreduce (default 8), layer split tensor-parallel (default 1)")
      ->check(CLI::Range(1, 64));
  emulate_cmd->add_option("--shape", kernel.shape,
                          "gemv KxN or matmul MxKxN (M activation rows); default one MXM tile");
  emulate_cmd->add_option("--type", kernel.type, "gemv, matmul: i8 (INT32 out) or f16 (FP32 out)")
      ->capture_default_str();
  // Bounded here so that no shape arithmetic can overflow; the layer checks the rest.
  emulate_cmd->add_option("--d", kernel.d, "layer: model width, whole vectors (default: one vector)")
      ->check(CLI::Range(1, 1 << 16));
  emulate_cmd
      ->add_option("--heads", kernel.heads, "layer: attention heads (default: in each vector, heads of 64, else 2)")
      ->check(CLI::Range(1, 1 << 16));
  emulate_cmd->add_option("--ffn", kernel.ffn, "layer: FFN width, whole MXM tiles (default: twice the model width)")
      ->check(CLI::Range(1, 1 << 20));
  emulate_cmd
      ->add_option("--context", kernel.context, "layer: cached positions (default: 4/5 of a vector's lanes, less one)")
      ->check(CLI::Range(0, 1 << 16));
  emulate_cmd->add_option("--chip", lpu_chip, "LPU preset (configs/lpu/*.yaml)")->capture_default_str();
  emulate_cmd->add_flag("--timing-only", timing_only,
                        "move no payloads: cycle counts only (files; gemv and matmul kernels)");
  std::string emulate_timeline;
  emulate_cmd->add_option("--timeline", emulate_timeline, "Chrome/Perfetto trace of the run, a track per queue");
  emulate_cmd->add_option("--out", kernel.out, "directory for results.json (cycles, bounds, unit use, check)");

  std::string params_what = "run";
  auto* params = app.add_subcommand("params", "print the parameters of a config document as a Markdown table");
  params->add_option("document", params_what, "run, system, chip, link, fabric, pod or lpu")->capture_default_str();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }
  try {
    if (*run) return cmd_run(run_opts, args);
    if (*trace) return cmd_trace(trace_opts, trace_format);
    if (*params) return cmd_params(params_what);
    if (*ceiling) return cmd_ceiling(ceiling_opts, max_batch);
    if (*pareto) return cmd_pareto(pareto_opts, pareto_max_batch);
    if (*val) return cmd_validate(validation_file, validation_sets, validation_out, strict);
    if (*assemble_cmd) return cmd_lpu_program(lpu_in, lpu_chip, lpu_out, true);
    if (*emulate_cmd) {
      kernel.chip_file = lpu_chip;
      kernel.timeline = emulate_timeline;
      kernel.timing_only = timing_only;
      if (!kernel.kernel.empty()) return cmd_emulate_kernel(kernel);
      if (emulate_in.empty()) throw InputError({"emulate"}, "give a program file or --kernel");
      return cmd_emulate_program(emulate_in, read_all(emulate_in), kernel);
    }
    if (*disassemble_cmd) return cmd_lpu_program(lpu_in, lpu_chip, lpu_out, false);
  } catch (const InputError& e) {
    std::cerr << e.what();
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
  return 1;
}

}  // namespace tokenfab
