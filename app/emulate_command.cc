// `tokenfab emulate`: options and dispatch to app/emulate_kernels.h, which
// runs an LPU assembly file on one emulated chip, or a generated kernel
// checked against its reference.
#include <CLI/CLI.hpp>

#include <memory>

#include "app/command.h"
#include "app/emulate_kernels.h"
#include "core/diagnostics.h"

namespace tokenfab {
namespace {

struct Options {
  std::string file;
  KernelOptions kernel;
  std::string chip = "configs/lpu/tsp_v1.yaml";
  bool timing_only = false;
  std::string timeline;
};

int emulate(Options& o) {
  o.kernel.chip_file = o.chip;
  o.kernel.timeline = o.timeline;
  o.kernel.timing_only = o.timing_only;
  if (!o.kernel.kernel.empty()) return cmd_emulate_kernel(o.kernel);
  if (o.file.empty()) throw InputError({"emulate"}, "give a program file or --kernel");
  return cmd_emulate_program(o.file, read_input_file(o.file), o.kernel);
}

void add_options(CLI::App& cmd, Options& o) {
  KernelOptions& kernel = o.kernel;
  cmd.add_option("file", o.file, "program (assembly text)");
  cmd.add_option("--kernel", kernel.kernel,
                 "run a generated kernel instead of a file: gemv, matmul, allreduce, layer, rmsnorm, "
                 "softmax, rope, swiglu, attention");
  cmd.add_option("--chips", kernel.chips,
                 "chips of a fully connected node: allreduce (default 8), layer split tensor-parallel (default 1)")
      ->check(CLI::Range(1, 64));
  cmd.add_option("--shape", kernel.shape, "gemv KxN or matmul MxKxN (M activation rows); default one MXM tile");
  cmd.add_option("--type", kernel.type, "gemv, matmul: i8 (INT32 out) or f16 (FP32 out)")->capture_default_str();
  // Bounded here so that no shape arithmetic can overflow; the layer checks the rest.
  cmd.add_option("--d", kernel.d, "layer: model width, whole vectors (default: one vector)")
      ->check(CLI::Range(1, 1 << 16));
  cmd.add_option("--heads", kernel.heads, "layer: attention heads (default: in each vector, heads of 64, else 2)")
      ->check(CLI::Range(1, 1 << 16));
  cmd.add_option("--ffn", kernel.ffn, "layer: FFN width, whole MXM tiles (default: twice the model width)")
      ->check(CLI::Range(1, 1 << 20));
  cmd.add_option("--context", kernel.context, "layer: cached positions (default: 4/5 of a vector's lanes, less one)")
      ->check(CLI::Range(0, 1 << 16));
  cmd.add_option("--chip", o.chip, "LPU preset (configs/lpu/*.yaml)")->capture_default_str();
  cmd.add_flag("--timing-only", o.timing_only, "move no payloads: cycle counts only (files; gemv and matmul kernels)");
  cmd.add_option("--timeline", o.timeline, "Chrome/Perfetto trace of the run, a track per queue");
  require_output_path(
      cmd.add_option("--out", kernel.out, "directory for results.json (cycles, bounds, unit use, check)"));
}

}  // namespace

Command emulate_command() {
  auto o = std::make_shared<Options>();
  return {"emulate", "run an LPU assembly program on one emulated chip", [o](CLI::App& cmd) { add_options(cmd, *o); },
          [o](const Invocation&) { return emulate(*o); }};
}

}  // namespace tokenfab
