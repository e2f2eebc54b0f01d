// `tokenfab emulate`: runs an assembly file, or generates a kernel-library
// program (`--kernel NAME`, chosen from one registry), runs it on
// deterministic data and checks it against its reference; prints the report
// and, with --out, writes results.json (emulate_results.h).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "emulator/chip/chip.h"

namespace tokenfab {

struct KernelOptions {
  std::string kernel;                           // a name in kernel_names()
  std::string shape;                            // gemv: KxN; matmul: MxKxN
  std::string type = "i8";                      // gemv, matmul: i8 or f16
  int chips = 0;                                // allreduce (default 8), layer (default 1)
  int d = 0, heads = 0, ffn = 0, context = -1;  // layer; 0 / -1: not given (default_layer_shape)
  std::string chip_file;
  std::string timeline;
  std::string out;           // directory for results.json; empty: none
  bool timing_only = false;  // matmul and gemv beyond one tile: cycles only, no values checked
};

// Every kernel --kernel accepts, in the registry's order.
std::vector<std::string_view> kernel_names();
int cmd_emulate_kernel(const KernelOptions& o);
// Runs the LPU assembly `text` of `file` on one chip (o.kernel and the shape
// options unused).
int cmd_emulate_program(const std::string& file, const std::string& text, const KernelOptions& o);

// Schedule errors are errors in the program: printed; true when there were any.
bool print_schedule_errors(const lpu::RunResult& r);
// "N cycles = T at F": a run's length and its time at the chip's clock.
std::string cycles_at_clock(std::int64_t cycles, const lpu::LpuParams& params);
// Emulated cycles over a lower bound (a bound of 0 counts as 1).
double over_bound(std::int64_t cycles, std::int64_t bound);
// Instructions issued per unit and the share of that unit's queue-cycles they fill.
void print_unit_use(const lpu::RunResult& r, const lpu::LpuParams& params);

}  // namespace tokenfab
