// The matrix kernels of `tokenfab emulate --kernel` (gemv, matmul) and the
// all-reduce.
#include "app/emulate_runners.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <iostream>

#include "app/emulate_results.h"
#include "app/emulator_timeline.h"
#include "core/diagnostics.h"
#include "emulator/isa/program_bound.h"
#include "emulator/reference/kernel_check.h"
#include "emulator/reference/kernel_vector.h"

namespace tokenfab {

void write_kernel_timeline(const std::string& file, const std::vector<lpu::RunResult>& chips, const lpu::LpuParams& p) {
  if (file.empty()) return;
  write_emulator_timeline(file, chips, p);
  std::cout << "wrote " << file << "\n";
}

namespace {

// The check of a kernel whose outputs must equal the reference exactly.
EmulateCheck exact_check(const lpu::KernelCheck& c) { return {c.outputs, c.outputs - c.mismatches, c.max_error}; }

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
int run_matmul(const lpu::LpuParams& params, long m, long k, long n, const KernelOptions& o) {
  constexpr long kMaxRows = 64, kMaxSide = 16384;
  if (m > kMaxRows || k > kMaxSide || n > kMaxSide)
    throw InputError({"--shape"},
                     fmt::format("at most {} rows and {} for K and N, got {}x{}x{}", kMaxRows, kMaxSide, m, k, n));
  // o.type is i8 or f16: the registry checks it.
  const lpu::ElemType type = o.type == "f16" ? lpu::ElemType::f16 : lpu::ElemType::i8;
  lpu::MatmulData data;
  lpu::MatmulKernel kernel;
  try {
    data = lpu::matmul_data(static_cast<int>(m), static_cast<int>(k), static_cast<int>(n), 11, type);
    kernel = lpu::matmul(params, data);
  } catch (const std::invalid_argument& e) {
    throw InputError({"--shape"}, e.what());
  }
  const lpu::KernelCheck c = lpu::check_matmul(
      params, data, kernel, o.timing_only ? lpu::Mode::timing_only : lpu::Mode::functional, !o.timeline.empty());
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
  if (o.timing_only) {
    std::cout << "  timing only: no values moved or checked\n";
  } else {
    std::cout << fmt::format("  {} of {} outputs match Eigen\n", c.outputs - c.mismatches, c.outputs);
  }
  write_kernel_timeline(o.timeline, c.chips, params);
  EmulateResults results(o.chip_file,
                         {{"kernel", o.kernel},
                          {"shape", fmt::format("{}x{}x{}", m, k, n)},
                          {"type", o.type},
                          {"timing_only", o.timing_only}},
                         c.run);
  results.bounds = {{"issue", lpu::issue_bound(kernel.program).cycles},
                    {"install", kernel.install_bound},
                    {"chain", kernel.chain_bound}};
  if (!o.timing_only) results.check = exact_check(c);
  write_emulate_results(o.out, results, params);
  return c.mismatches == 0 ? 0 : 1;
}

}  // namespace

int run_matmul_kernel(const lpu::LpuParams& params, const KernelOptions& o) {
  const std::vector<long> mkn = shape_dims(o.shape.empty() ? "1x320x320" : o.shape, 3, "4x640x960");
  return run_matmul(params, mkn[0], mkn[1], mkn[2], o);
}

// An all-reduce of one INT8 vector over a fully connected node, checked on every chip.
int run_all_reduce(const lpu::LpuParams& params, const KernelOptions& o) {
  const int chips = o.chips > 0 ? o.chips : 8;
  lpu::AllReduceKernel k;
  try {
    k = lpu::all_reduce(params, chips);
  } catch (const std::invalid_argument& e) {
    throw InputError({"--chips"}, e.what());
  }
  const lpu::KernelCheck c = lpu::check_all_reduce(params, {}, k, chips, !o.timeline.empty());
  if (print_schedule_errors(c.run)) return 2;
  std::cout << fmt::format(
      "all-reduce of one int8 vector over {} {} chips: {}; one vector's serialisation plus one hop {} cycles (ratio "
      "{:.3f}); {} of {} lanes match the sum\n",
      chips, params.name, cycles_at_clock(c.run.cycles, params), k.hop_bound, over_bound(c.run.cycles, k.hop_bound),
      c.outputs - c.mismatches, c.outputs);
  write_kernel_timeline(o.timeline, c.chips, params);
  EmulateResults results(o.chip_file, {{"kernel", o.kernel}}, c.run);
  results.chips = chips;
  results.bounds = {{"issue", lpu::issue_bound(k.program).cycles}, {"hop", k.hop_bound}};
  results.check = exact_check(c);
  write_emulate_results(o.out, results, params);
  return c.mismatches == 0 ? 0 : 1;
}

// A GEMV: one MXM tile of K and N in whole tiles that fit one slice runs the
// hand-placed single-plane generator (kernel_gemv.h), checked against
// Eigen (or, timing only, run with no values); any other shape the scheduled
// matmul.
int run_gemv(const lpu::LpuParams& params, const KernelOptions& o) {
  const std::vector<long> kn =
      o.shape.empty() ? std::vector<long>{params.mxm_dim, params.mxm_dim} : shape_dims(o.shape, 2, "320x1280");
  const long dim = params.mxm_dim;
  // The hand-placed kernel keeps all of W in one slice.
  const long max_tiles = static_cast<long>(params.banks) * params.words_per_bank / dim;
  if (kn[0] != dim || kn[1] % dim != 0 || kn[1] / dim > max_tiles || o.type != "i8")
    return run_matmul(params, 1, kn[0], kn[1], o);
  const int tiles = static_cast<int>(kn[1] / dim);
  lpu::GemvLayout layout;
  if (tiles > 1) layout.output_slices = {4, 5, 6, 7};  // clear of the weight slice's long stream of reads
  lpu::GemvKernel k;
  try {
    k = lpu::gemv(params, layout, tiles);
  } catch (const std::invalid_argument& e) {
    throw InputError({"--kernel"}, e.what());
  }
  // Timing only runs this same program with no values moved.
  const lpu::KernelCheck c = lpu::check_gemv(params, layout, k, tiles, !o.timeline.empty(),
                                             o.timing_only ? lpu::Mode::timing_only : lpu::Mode::functional);
  if (print_schedule_errors(c.run)) return 2;
  std::cout << fmt::format("gemv {}x{} int8 on {}: {}; weight-streaming bound {} cycles (ratio {:.3f}); {}\n",
                           params.mxm_dim, tiles * params.mxm_dim, params.name, cycles_at_clock(c.run.cycles, params),
                           k.install_bound, over_bound(c.run.cycles, k.install_bound),
                           o.timing_only
                               ? "timing only: no values moved or checked"
                               : fmt::format("{} of {} outputs match Eigen", c.outputs - c.mismatches, c.outputs));
  write_kernel_timeline(o.timeline, c.chips, params);
  EmulateResults results(o.chip_file,
                         {{"kernel", o.kernel},
                          {"shape", fmt::format("{}x{}", kn[0], kn[1])},
                          {"type", o.type},
                          {"timing_only", o.timing_only}},
                         c.run);
  results.bounds = {{"issue", lpu::issue_bound(k.program).cycles}, {"install", k.install_bound}};
  if (!o.timing_only) results.check = exact_check(c);
  write_emulate_results(o.out, results, params);
  return c.mismatches == 0 ? 0 : 1;
}

}  // namespace tokenfab
