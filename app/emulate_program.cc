// `tokenfab emulate FILE`, and the report lines every emulate run shares.
#include <fmt/format.h>

#include <algorithm>
#include <iostream>

#include "app/emulate_kernels.h"
#include "app/emulate_results.h"
#include "app/emulator_timeline.h"
#include "emulator/isa/assembler.h"
#include "emulator/isa/program_bound.h"

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

void print_unit_use(const lpu::RunResult& r, const lpu::LpuParams& p) {
  for (const auto& [unit, count] : r.issued) {
    const int queues = unit_queues(unit, p);
    if (queues == 0) {
      std::cout << fmt::format("  {}: {}\n", lpu::unit_name(unit), count);
      continue;
    }
    const double use = static_cast<double>(count) / (static_cast<double>(queues) * static_cast<double>(r.cycles));
    std::cout << fmt::format("  {}: {} issued, {:.1f}% of {} queues x {} cycles\n", lpu::unit_name(unit), count,
                             100.0 * use, queues, r.cycles);
  }
}

// Cycles, time at the clock, what issued; schedule errors are errors in the
// program (exit code 2). A file has no reference: nothing is checked.
int cmd_emulate_program(const std::string& file, const std::string& text, const KernelOptions& o) {
  const lpu::LpuParams params = lpu::load_lpu_params(o.chip_file);
  const lpu::Program program = lpu::assemble(text, file, params);
  lpu::Chip chip(params, o.timing_only ? lpu::Mode::timing_only : lpu::Mode::functional);
  chip.record_issues(!o.timeline.empty());
  const lpu::RunResult r = chip.run(program);
  if (print_schedule_errors(r)) return 2;
  std::cout << fmt::format("{}: {} on {}; {} instructions issued\n", file, cycles_at_clock(r.cycles, params),
                           params.name, r.instructions);
  const lpu::IssueBound bound = lpu::issue_bound(program);
  std::cout << fmt::format("  issue bound: {} cycles on {}, the busiest queue (emulated / bound = {:.3f})\n",
                           bound.cycles, bound.queue, over_bound(r.cycles, bound.cycles));
  std::cout << fmt::format(
      "  dataflow bound: {} cycles, the longest chain of operation delays and stream travel "
      "(emulated / bound = {:.3f})\n",
      r.dataflow_bound, over_bound(r.cycles, r.dataflow_bound));
  print_unit_use(r, params);
  if (!o.timeline.empty()) {
    write_emulator_timeline(o.timeline, r, params);
    std::cout << "wrote " << o.timeline << "\n";
  }
  EmulateResults results(o.chip_file, {{"program", file}, {"timing_only", o.timing_only}}, r);
  results.bounds = {{"issue", bound.cycles}};
  write_emulate_results(o.out, results, params);
  return 0;
}

}  // namespace tokenfab
