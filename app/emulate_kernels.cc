#include "app/emulate_kernels.h"

#include <fmt/format.h>

#include <charconv>
#include <iostream>

#include "app/emulator_timeline.h"
#include "core/diagnostics.h"
#include "emulator/kernel_check.h"
#include "emulator/program_bound.h"

namespace tokenfab {

bool print_schedule_errors(const lpu::RunResult& r) {
  for (const auto& e : r.errors) std::cerr << e.str() << "\n";
  return !r.errors.empty();
}

namespace {

// Column tiles of a gemv of weight shape "KxN": the kernel library holds one
// MXM-sized tile of K (no K tiling yet) and N in whole tiles, up to 64.
int gemv_column_tiles(const std::string& shape, const lpu::LpuParams& params) {
  if (shape.empty()) return 1;
  // Both sides whole decimal numbers: from_chars must consume each side.
  const auto x = shape.find('x');
  long k = 0, n = 0;
  const char* end = shape.data() + shape.size();
  const auto whole = [](const char* from, const char* to, long& out) {
    auto [ptr, ec] = std::from_chars(from, to, out);
    return from != to && ec == std::errc() && ptr == to;
  };
  if (x == std::string::npos || !whole(shape.data(), shape.data() + x, k) || !whole(shape.data() + x + 1, end, n))
    throw InputError({"--shape"}, "expected KxN such as '320x1280', got '" + shape + "'");
  const long dim = params.mxm_dim;
  if (k != dim)
    throw InputError({"--shape"},
                     fmt::format("K must be the MXM size {} on {} (K tiling is not in the kernel library yet), got {}",
                                 dim, params.name, k));
  if (n < dim || n % dim != 0 || n / dim > 64)
    throw InputError({"--shape"}, fmt::format("N must be a multiple of {} up to {}, got {}", dim, 64 * dim, n));
  return static_cast<int>(n / dim);
}

// An all-reduce of one INT8 vector over a fully connected node, checked on every chip.
int cmd_emulate_all_reduce(const lpu::LpuParams& params, int chips) {
  lpu::AllReduceKernel k;
  try {
    k = lpu::all_reduce(params, chips);
  } catch (const std::invalid_argument& e) {
    throw InputError({"--chips"}, e.what());
  }
  const lpu::KernelCheck c = lpu::check_all_reduce(params, {}, k, chips);
  if (print_schedule_errors(c.run)) return 2;
  std::cout << fmt::format(
      "all-reduce of one int8 vector over {} {} chips: {} cycles = {} at {}; one vector's serialisation plus one hop "
      "{} cycles (ratio {:.3f}); {} of {} lanes match the sum\n",
      chips, params.name, c.run.cycles, to_string(Seconds(static_cast<double>(c.run.cycles) / params.clock.value())),
      to_string(params.clock), k.hop_bound, static_cast<double>(c.run.cycles) / static_cast<double>(k.hop_bound),
      c.outputs - c.mismatches, c.outputs);
  return c.mismatches == 0 ? 0 : 1;
}

int cmd_emulate_gemv(const lpu::LpuParams& params, const std::string& shape) {
  const int tiles = gemv_column_tiles(shape, params);
  lpu::GemvLayout layout;
  if (tiles > 1) layout.output_slices = {4, 5, 6, 7};  // clear of the weight slice's long stream of reads
  lpu::GemvKernel k;
  try {
    k = lpu::gemv(params, layout, tiles);
  } catch (const std::invalid_argument& e) {
    throw InputError({"--kernel"}, e.what());
  }
  const lpu::KernelCheck c = lpu::check_gemv(params, layout, k, tiles);
  if (print_schedule_errors(c.run)) return 2;
  std::cout << fmt::format(
      "gemv {}x{} int8 on {}: {} cycles = {} at {}; weight-streaming bound {} cycles (ratio {:.3f}); {} of {} outputs "
      "match Eigen\n",
      params.mxm_dim, tiles * params.mxm_dim, params.name, c.run.cycles,
      to_string(Seconds(static_cast<double>(c.run.cycles) / params.clock.value())), to_string(params.clock),
      k.install_bound, static_cast<double>(c.run.cycles) / static_cast<double>(k.install_bound),
      c.outputs - c.mismatches, c.outputs);
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
  const int d = p.mxm_dim;
  const int heads = o.heads > 0 ? o.heads : (d % 64 == 0 ? d / 64 : 2);
  const int ffn = o.ffn > 0 ? o.ffn : 2 * d;
  const int context = o.context >= 0 ? o.context : d * 4 / 5 - 1;
  lpu::LayerData data;
  lpu::LayerKernel k;
  try {
    data = lpu::make_layer_data(d, heads, ffn, context, 7);
    k = lpu::decode_layer(p, data);
  } catch (const std::invalid_argument& e) {
    throw InputError({"--kernel"}, e.what());
  }
  const lpu::LayerCheck c = lpu::check_layer(p, data, k, !o.timeline.empty());
  if (print_schedule_errors(c.run)) return 2;
  const auto ratio = [&](std::int64_t bound) {
    return static_cast<double>(c.run.cycles) / static_cast<double>(std::max<std::int64_t>(1, bound));
  };
  const lpu::IssueBound issue = lpu::issue_bound(k.program);
  // The tolerance layer_test states: the output within 1% of its largest lane.
  const double tolerance = 1e-2 * c.max_output;
  std::cout << fmt::format(
      "decode layer d {}, {} heads of {}, FFN {}, {} cached positions (W8A8, FP32 elementwise) on {}: {} cycles = {} "
      "at {}\n",
      d, heads, data.head_dim(), ffn, context, p.name, c.run.cycles,
      to_string(Seconds(static_cast<double>(c.run.cycles) / p.clock.value())), to_string(p.clock));
  std::cout << fmt::format(
      "  dependency-chain bound {} cycles as scheduled (emulated / bound = {:.3f}); dataflow bound of the run {} "
      "({:.3f})\n",
      k.chain_bound, ratio(k.chain_bound), c.run.dataflow_bound, ratio(c.run.dataflow_bound));
  std::cout << fmt::format(
      "  weight-install bound {} cycles for {} MXM tiles ({:.3f}); issue bound {} on {} ({:.3f})\n", k.install_bound,
      k.mxm_tiles, ratio(k.install_bound), issue.cycles, issue.queue, ratio(issue.cycles));
  print_unit_use(c.run, p);
  std::cout << fmt::format(
      "  output: {} lanes, max |error| {:.3g} against the Eigen reference (tolerance {:.3g}); appended K and V: {} of "
      "{} "
      "elements exact\n",
      c.outputs, c.max_error, tolerance, 2 * d - c.cache_mismatches, 2 * d);
  if (!o.timeline.empty()) {
    write_emulator_timeline(o.timeline, c.run, p);
    std::cout << "wrote " << o.timeline << "\n";
  }
  return c.max_error <= tolerance && c.cache_mismatches == 0 ? 0 : 1;
}

}  // namespace

int cmd_emulate_kernel(const KernelOptions& o) {
  if (o.kernel != "gemv" && o.kernel != "allreduce" && o.kernel != "layer")
    throw InputError({"--kernel"}, "unknown kernel '" + o.kernel + "' (gemv, allreduce, layer)");
  const lpu::LpuParams params = lpu::load_lpu_params(o.chip_file);
  if (o.kernel == "allreduce") return cmd_emulate_all_reduce(params, o.chips);
  if (o.kernel == "layer") return cmd_emulate_layer(params, o);
  return cmd_emulate_gemv(params, o.shape);
}

}  // namespace tokenfab
