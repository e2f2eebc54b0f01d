#include "app/emulate_kernels.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <iostream>

#include "app/emulator_timeline.h"
#include "core/diagnostics.h"
#include "emulator/kernel_check.h"
#include "emulator/kernel_vector.h"
#include "emulator/program_bound.h"

namespace tokenfab {

std::string cycles_at_clock(std::int64_t cycles, const lpu::LpuParams& params) {
  return fmt::format("{} cycles = {} at {}", cycles,
                     to_string(Seconds(static_cast<double>(cycles) / params.clock.value())), to_string(params.clock));
}

double over_bound(std::int64_t cycles, std::int64_t bound) {
  return static_cast<double>(cycles) / static_cast<double>(std::max<std::int64_t>(1, bound));
}

bool print_schedule_errors(const lpu::RunResult& r) {
  for (const auto& e : r.errors) std::cerr << e.str() << "\n";
  return !r.errors.empty();
}

namespace {

// Writes the timeline of a kernel's run(s) when one was asked for.
void write_timeline(const std::string& file, const std::vector<lpu::RunResult>& chips, const lpu::LpuParams& p) {
  if (file.empty()) return;
  write_emulator_timeline(file, chips, p);
  std::cout << "wrote " << file << "\n";
}

// The dimensions of "KxN" or "MxKxN": whole positive decimal numbers.
std::vector<long> shape_dims(const std::string& shape, std::size_t count, const char* example) {
  std::vector<long> dims;
  const char* from = shape.data();
  const char* end = shape.data() + shape.size();
  while (true) {
    const char* x = std::find(from, end, 'x');
    long v = 0;
    auto [ptr, ec] = std::from_chars(from, x, v);
    if (from == x || ec != std::errc() || ptr != x || v < 1) break;
    dims.push_back(v);
    if (x == end) break;
    from = x + 1;
  }
  if (dims.size() != count ||
      (count > 0 && std::count(shape.begin(), shape.end(), 'x') != static_cast<long>(count - 1)))
    throw InputError({"--shape"},
                     fmt::format("expected {} such as '{}', got '{}'", count == 2 ? "KxN" : "MxKxN", example, shape));
  return dims;
}

// A scheduled product of any shape, checked against Eigen exactly.
int cmd_emulate_matmul(const lpu::LpuParams& params, long m, long k, long n, lpu::ElemType type,
                       const std::string& timeline, bool timing_only) {
  constexpr long kMaxRows = 64, kMaxSide = 16384;
  if (m > kMaxRows || k > kMaxSide || n > kMaxSide)
    throw InputError({"--shape"},
                     fmt::format("at most {} rows and {} for K and N, got {}x{}x{}", kMaxRows, kMaxSide, m, k, n));
  lpu::MatmulData data;
  lpu::MatmulKernel kernel;
  try {
    data = lpu::matmul_data(static_cast<int>(m), static_cast<int>(k), static_cast<int>(n), 11, type);
    kernel = lpu::matmul(params, data);
  } catch (const std::invalid_argument& e) {
    throw InputError({"--shape"}, e.what());
  }
  const lpu::KernelCheck c = lpu::check_matmul(
      params, data, kernel, timing_only ? lpu::Mode::timing_only : lpu::Mode::functional, !timeline.empty());
  if (print_schedule_errors(c.run)) return 2;
  std::cout << fmt::format("{} {}x{}x{} {} on {}: {}\n", m == 1 ? "gemv" : "matmul", m, k, n,
                           type == lpu::ElemType::f16 ? "fp16" : "int8", params.name,
                           cycles_at_clock(c.run.cycles, params));
  std::cout << fmt::format(
      "  weight-install bound {} cycles ({:.3f}); dependency-chain bound {} ({:.3f}); dataflow bound {} ({:.3f})\n",
      kernel.install_bound, over_bound(c.run.cycles, kernel.install_bound), kernel.chain_bound,
      over_bound(c.run.cycles, kernel.chain_bound), c.run.dataflow_bound,
      over_bound(c.run.cycles, c.run.dataflow_bound));
  print_unit_use(c.run, params);
  if (timing_only) {
    std::cout << "  timing only: no values moved or checked\n";
  } else {
    std::cout << fmt::format("  {} of {} outputs match Eigen\n", c.outputs - c.mismatches, c.outputs);
  }
  write_timeline(timeline, c.chips, params);
  return c.mismatches == 0 ? 0 : 1;
}

// An all-reduce of one INT8 vector over a fully connected node, checked on every chip.
int cmd_emulate_all_reduce(const lpu::LpuParams& params, int chips, const std::string& timeline) {
  lpu::AllReduceKernel k;
  try {
    k = lpu::all_reduce(params, chips);
  } catch (const std::invalid_argument& e) {
    throw InputError({"--chips"}, e.what());
  }
  const lpu::KernelCheck c = lpu::check_all_reduce(params, {}, k, chips, !timeline.empty());
  if (print_schedule_errors(c.run)) return 2;
  std::cout << fmt::format(
      "all-reduce of one int8 vector over {} {} chips: {}; one vector's serialisation plus one hop {} cycles (ratio "
      "{:.3f}); {} of {} lanes match the sum\n",
      chips, params.name, cycles_at_clock(c.run.cycles, params), k.hop_bound, over_bound(c.run.cycles, k.hop_bound),
      c.outputs - c.mismatches, c.outputs);
  write_timeline(timeline, c.chips, params);
  return c.mismatches == 0 ? 0 : 1;
}

// A GEMV: one MXM tile of K and N in whole tiles that fit one slice runs the
// hand-placed single-plane generator (kernel_gemv.h), checked against
// Eigen; any other shape, and any timing-only run, the scheduled matmul.
int cmd_emulate_gemv(const lpu::LpuParams& params, const std::string& shape, lpu::ElemType type,
                     const std::string& timeline, bool timing_only) {
  const std::vector<long> kn =
      shape.empty() ? std::vector<long>{params.mxm_dim, params.mxm_dim} : shape_dims(shape, 2, "320x1280");
  const long dim = params.mxm_dim;
  // The hand-placed kernel keeps all of W in one slice.
  const long max_tiles = static_cast<long>(params.banks) * params.words_per_bank / dim;
  if (kn[0] != dim || kn[1] % dim != 0 || kn[1] / dim > max_tiles || type != lpu::ElemType::i8 || timing_only)
    return cmd_emulate_matmul(params, 1, kn[0], kn[1], type, timeline, timing_only);
  const int tiles = static_cast<int>(kn[1] / dim);
  lpu::GemvLayout layout;
  if (tiles > 1) layout.output_slices = {4, 5, 6, 7};  // clear of the weight slice's long stream of reads
  lpu::GemvKernel k;
  try {
    k = lpu::gemv(params, layout, tiles);
  } catch (const std::invalid_argument& e) {
    throw InputError({"--kernel"}, e.what());
  }
  const lpu::KernelCheck c = lpu::check_gemv(params, layout, k, tiles, !timeline.empty());
  if (print_schedule_errors(c.run)) return 2;
  std::cout << fmt::format(
      "gemv {}x{} int8 on {}: {}; weight-streaming bound {} cycles (ratio {:.3f}); {} of {} outputs match Eigen\n",
      params.mxm_dim, tiles * params.mxm_dim, params.name, cycles_at_clock(c.run.cycles, params), k.install_bound,
      over_bound(c.run.cycles, k.install_bound), c.outputs - c.mismatches, c.outputs);
  write_timeline(timeline, c.chips, params);
  return c.mismatches == 0 ? 0 : 1;
}

}  // namespace

void print_unit_use(const lpu::RunResult& r, const lpu::LpuParams& p) {
  for (const auto& [unit, count] : r.issued) {
    const int queues = unit == lpu::Unit::mem   ? 2 * p.mem_slices
                       : unit == lpu::Unit::vxm ? p.vxm_alus
                       : unit == lpu::Unit::mxm ? 2 * p.mxm_queues
                       : unit == lpu::Unit::sxm ? 2 * p.sxm_queues
                       : unit == lpu::Unit::c2c ? p.c2c_links
                                                : 0;
    if (queues == 0) {
      std::cout << fmt::format("  {}: {}\n", lpu::unit_name(unit), count);
      continue;
    }
    const double use = static_cast<double>(count) / (static_cast<double>(queues) * static_cast<double>(r.cycles));
    std::cout << fmt::format("  {}: {} issued, {:.1f}% of {} queues x {} cycles\n", lpu::unit_name(unit), count,
                             100.0 * use, queues, r.cycles);
  }
}

namespace {

// One decode step of a transformer layer, checked against the Eigen reference.
int cmd_emulate_layer(const lpu::LpuParams& p, const KernelOptions& o) {
  const int d = o.d > 0 ? o.d : p.mxm_dim;
  const lpu::LayerShape shape = lpu::default_layer_shape(d, p.vector_bytes());
  const int heads = o.heads > 0 ? o.heads : shape.heads;
  const int ffn = o.ffn > 0 ? o.ffn : shape.ffn;
  const int context = o.context >= 0 ? o.context : shape.context;
  const int chips = o.chips > 0 ? o.chips : 1;
  // The shape is checked before any data is made: a huge one is an error, not an allocation.
  if (std::string why = lpu::layer_shape_problem(p, d, heads, ffn, context, chips); !why.empty())
    throw InputError({"--kernel"}, why);
  lpu::LayerData data;
  std::vector<lpu::LayerKernel> kernels;
  try {
    data = lpu::make_layer_data(d, heads, ffn, context, 7);
    for (int i = 0; i < chips; ++i) kernels.push_back(lpu::decode_layer(p, data, chips, i));
  } catch (const std::invalid_argument& e) {
    throw InputError({"--kernel"}, e.what());
  }
  const lpu::LayerKernel& k = kernels.front();
  const lpu::LayerCheck c = lpu::check_layer(p, data, kernels, !o.timeline.empty());
  if (print_schedule_errors(c.run)) return 2;
  const lpu::IssueBound issue = lpu::issue_bound(k.program);
  // The tolerance layer_test states: the output within 1% of its largest lane.
  const double tolerance = 1e-2 * c.max_output;
  std::cout << fmt::format(
      "decode layer d {}, {} heads of {}, FFN {}, {} cached positions (W8A8, FP32 elementwise) on {}{}: {}\n", d, heads,
      data.head_dim(), ffn, context, chips > 1 ? fmt::format("{} x ", chips) : "", p.name,
      cycles_at_clock(c.run.cycles, p));
  std::cout << fmt::format(
      "  dependency-chain bound {} cycles as scheduled (emulated / bound = {:.3f}); dataflow bound of the run {} "
      "({:.3f})\n",
      k.chain_bound, over_bound(c.run.cycles, k.chain_bound), c.run.dataflow_bound,
      over_bound(c.run.cycles, c.run.dataflow_bound));
  std::cout << fmt::format(
      "  weight-install bound {} cycles for {} MXM tiles ({:.3f}); issue bound {} on {} ({:.3f})\n", k.install_bound,
      k.mxm_tiles, over_bound(c.run.cycles, k.install_bound), issue.cycles, issue.queue,
      over_bound(c.run.cycles, issue.cycles));
  std::cout << "  where the time goes (cycle each stage's result is stored, and its share):\n";
  std::int64_t before = 0;
  for (const auto& [stage, ready] : k.milestones) {
    std::cout << fmt::format("    {:>6}  {:5.1f}%  {}\n", ready,
                             100.0 * static_cast<double>(ready - before) / static_cast<double>(c.run.cycles), stage);
    before = ready;
  }
  print_unit_use(c.run, p);
  std::cout << fmt::format(
      "  output: {} lanes{}, max |error| {:.3g} against the Eigen reference (tolerance {:.3g}); appended K and V: {} "
      "of "
      "{} elements exact\n",
      c.outputs, chips > 1 ? " (every chip's)" : "", c.max_error, tolerance, c.cache_elements - c.cache_mismatches,
      c.cache_elements);
  write_timeline(o.timeline, c.chips, p);
  return c.max_error <= tolerance && c.cache_mismatches == 0 ? 0 : 1;
}

// One of the standalone vector kernels (kernel_vector.h).
int cmd_emulate_vector(const lpu::LpuParams& p, const std::string& name, const std::string& timeline) {
  lpu::VectorKernelCheck c;
  try {
    c = lpu::run_vector_kernel(p, name, !timeline.empty());
  } catch (const std::invalid_argument& e) {
    throw InputError({"--kernel"}, e.what());
  }
  if (print_schedule_errors(c.run)) return 2;
  std::cout << fmt::format("{} ({}) on {}: {}\n", name, c.shape, p.name, cycles_at_clock(c.run.cycles, p));
  std::cout << fmt::format(
      "  dependency-chain bound {} cycles as scheduled ({:.3f}); dataflow bound of the run {} ({:.3f})\n",
      c.chain_bound, over_bound(c.run.cycles, c.chain_bound), c.run.dataflow_bound,
      over_bound(c.run.cycles, c.run.dataflow_bound));
  print_unit_use(c.run, p);
  std::cout << fmt::format("  output: {} lanes, max |error| {:.3g} against Eigen (tolerance {:.3g})\n", c.outputs,
                           c.max_error, c.tolerance);
  write_timeline(timeline, {c.run}, p);
  return c.within() ? 0 : 1;
}

}  // namespace

int cmd_emulate_kernel(const KernelOptions& o) {
  const auto& vector_kernels = lpu::vector_kernel_names();
  const bool vector_kernel = std::find(vector_kernels.begin(), vector_kernels.end(), o.kernel) != vector_kernels.end();
  if (o.kernel != "gemv" && o.kernel != "matmul" && o.kernel != "allreduce" && o.kernel != "layer" && !vector_kernel) {
    std::string names = "gemv, matmul, allreduce, layer";
    for (const std::string& n : vector_kernels) names += ", " + n;
    throw InputError({"--kernel"}, "unknown kernel '" + o.kernel + "' (" + names + ")");
  }
  if ((o.d > 0 || o.heads > 0 || o.ffn > 0 || o.context >= 0) && o.kernel != "layer")
    throw InputError({"--kernel"}, "--d, --heads, --ffn and --context apply to the layer kernel");
  if (o.timing_only && o.kernel != "gemv" && o.kernel != "matmul")
    throw InputError({"--timing-only"}, "applies to files and the gemv and matmul kernels; the " + o.kernel +
                                            " kernel is checked against its reference");
  if (o.type != "i8" && o.kernel != "gemv" && o.kernel != "matmul")
    throw InputError({"--type"}, "applies to gemv and matmul; the " + o.kernel + " kernel's types are fixed");
  const lpu::LpuParams params = lpu::load_lpu_params(o.chip_file);
  if (vector_kernel) return cmd_emulate_vector(params, o.kernel, o.timeline);
  if (o.kernel == "allreduce") return cmd_emulate_all_reduce(params, o.chips > 0 ? o.chips : 8, o.timeline);
  if (o.kernel == "layer") return cmd_emulate_layer(params, o);
  if (o.type != "i8" && o.type != "f16") throw InputError({"--type"}, "expected i8 or f16, got '" + o.type + "'");
  const lpu::ElemType type = o.type == "f16" ? lpu::ElemType::f16 : lpu::ElemType::i8;
  if (o.kernel == "matmul") {
    const std::vector<long> mkn = shape_dims(o.shape.empty() ? "1x320x320" : o.shape, 3, "4x640x960");
    return cmd_emulate_matmul(params, mkn[0], mkn[1], mkn[2], type, o.timeline, o.timing_only);
  }
  return cmd_emulate_gemv(params, o.shape, type, o.timeline, o.timing_only);
}

}  // namespace tokenfab
