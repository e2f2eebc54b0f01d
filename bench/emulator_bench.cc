// Emulated LPU instructions per second, timing-only and functional: every
// east MEM slice of tsp-v1 streams reads onto a westward stream, repeated.
// Run from the source root: ./build/bench/emulator_bench
#include <benchmark/benchmark.h>

#include "emulator/chip/chip.h"
#include "emulator/isa/assembler.h"
#include "emulator/kernels/kernel_matmul.h"
#include "emulator/reference/kernel_io.h"

namespace tokenfab::lpu {
namespace {

const LpuParams& tsp() {
  static const LpuParams p = load_lpu_params("configs/lpu/tsp_v1.yaml");
  return p;
}

Program streaming_reads(int repeats) {
  std::string text = ".arch tsp-v1\n";
  for (int slice = 0; slice < tsp().mem_slices; ++slice) {
    text += ".queue MEM.E." + std::to_string(slice) + "\n    read a=0 s=W" + std::to_string(slice % 32) +
            "\n    repeat n=" + std::to_string(repeats) + " d=1 astride=0\n";
  }
  return assemble(text, "bench.s", tsp());
}

void BM_EmulatedInstructions(benchmark::State& state) {
  const Program program = streaming_reads(2000);
  const Mode mode = state.range(0) ? Mode::functional : Mode::timing_only;
  std::uint64_t instructions = 0;
  for (auto _ : state) {
    Chip chip(tsp(), mode);
    RunResult r = chip.run(program);
    if (!r.errors.empty()) state.SkipWithError(r.errors.front().str().c_str());
    instructions += r.instructions;
  }
  state.counters["instructions_per_s"] =
      benchmark::Counter(static_cast<double>(instructions), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_EmulatedInstructions)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

// A functional INT8 GEMV of 2048 x 2048 (the scheduled kernel: 49 tiles on
// four planes, K tiled), generated once and run with real values each
// iteration: emulated multiply-accumulates per second of host time, and the
// instructions per second of a kernel-shaped program (not only streaming reads).
void BM_FunctionalGemv(benchmark::State& state) {
  const MatmulData data = matmul_data(1, 2048, 2048, 11);
  const MatmulKernel kernel = matmul(tsp(), data);
  std::uint64_t instructions = 0, macs = 0;
  for (auto _ : state) {
    Chip chip(tsp(), Mode::functional);
    load(chip, kernel.preloads);
    RunResult r = chip.run(kernel.program);
    if (!r.errors.empty()) state.SkipWithError(r.errors.front().str().c_str());
    instructions += r.instructions;
    macs += 2048ull * 2048ull;
  }
  state.counters["instructions_per_s"] =
      benchmark::Counter(static_cast<double>(instructions), benchmark::Counter::kIsRate);
  state.counters["macs_per_s"] = benchmark::Counter(static_cast<double>(macs), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_FunctionalGemv)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace tokenfab::lpu
