// The decode kernels of `tokenfab emulate --kernel`: the transformer layer
// and the standalone vector kernels, each checked against its Eigen reference.
#include <fmt/format.h>

#include <iostream>

#include "app/emulate_results.h"
#include "app/emulate_runners.h"
#include "core/diagnostics.h"
#include "emulator/isa/program_bound.h"
#include "emulator/reference/kernel_check.h"
#include "emulator/reference/kernel_vector.h"

namespace tokenfab {

// One decode step of a transformer layer, checked against the Eigen reference.
int run_layer(const lpu::LpuParams& p, const KernelOptions& o) {
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
  write_kernel_timeline(o.timeline, c.chips, p);
  EmulateResults results(o.chip_file,
                         {{"kernel", o.kernel}, {"d", d}, {"heads", heads}, {"ffn", ffn}, {"context", context}}, c.run);
  results.chips = chips;
  results.bounds = {{"issue", issue.cycles}, {"install", k.install_bound}, {"chain", k.chain_bound}};
  results.check = EmulateCheck(c.outputs, c.output_exact, c.max_error);
  results.check->tolerance = tolerance;
  results.check->cache = {c.cache_elements - c.cache_mismatches, c.cache_elements};
  results.stages = k.milestones;
  write_emulate_results(o.out, results, p);
  return c.max_error <= tolerance && c.cache_mismatches == 0 ? 0 : 1;
}

int run_vector(const lpu::LpuParams& p, const KernelOptions& o) {
  lpu::VectorKernelCheck c;
  try {
    c = lpu::run_vector_kernel(p, o.kernel, !o.timeline.empty());
  } catch (const std::invalid_argument& e) {
    throw InputError({"--kernel"}, e.what());
  }
  if (print_schedule_errors(c.run)) return 2;
  std::cout << fmt::format("{} ({}) on {}: {}\n", o.kernel, c.shape, p.name, cycles_at_clock(c.run.cycles, p));
  std::cout << fmt::format(
      "  dependency-chain bound {} cycles as scheduled ({:.3f}); dataflow bound of the run {} ({:.3f})\n",
      c.chain_bound, over_bound(c.run.cycles, c.chain_bound), c.run.dataflow_bound,
      over_bound(c.run.cycles, c.run.dataflow_bound));
  print_unit_use(c.run, p);
  std::cout << fmt::format("  output: {} lanes, max |error| {:.3g} against Eigen (tolerance {:.3g})\n", c.outputs,
                           c.max_error, c.tolerance);
  write_kernel_timeline(o.timeline, {c.run}, p);
  EmulateResults results(o.chip_file, {{"kernel", o.kernel}, {"shape", c.shape}}, c.run);
  results.bounds = {{"issue", c.issue.cycles}, {"chain", c.chain_bound}};
  results.check = EmulateCheck(c.outputs, c.exact, c.max_error);
  results.check->tolerance = c.tolerance;
  write_emulate_results(o.out, results, p);
  return c.within() ? 0 : 1;
}

}  // namespace tokenfab
