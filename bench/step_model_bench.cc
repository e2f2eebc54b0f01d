// Wall time per step of the two step models over varied batches, as serving
// drives them: DeepSeek-R1 on a GB200 NVL72 rack (attention-DP 72, EP 72,
// the shipped default mapping), one persistent SystemC replica taking a new
// trace every step. Batches of 32-96 sequences: decodes at contexts up to
// 16k, one in eight a prefill chunk of up to 512 tokens.
// Run from the source root: ./build/bench/step_model_bench [steps] [run.yaml]
#include <chrono>
#include <cstdio>
#include <random>
#include <string>

#include "app/run_config.h"
#include "hw/rack/systemc_step_model.h"

extern "C" int sc_main(int, char**) { return 0; }

namespace {

std::vector<tokenfab::Batch> batches(int steps) {
  std::mt19937 rng(1);
  std::vector<tokenfab::Batch> out;
  for (int s = 0; s < steps; ++s) {
    tokenfab::Batch b;
    const int n = 32 + static_cast<int>(rng() % 65);
    for (int i = 0; i < n; ++i) {
      const bool prefill = rng() % 8 == 0;
      b.sequences.push_back({prefill ? tokenfab::Phase::prefill : tokenfab::Phase::decode,
                             prefill ? 1 + static_cast<std::int64_t>(rng() % 512) : 1,
                             static_cast<std::int64_t>(rng() % 16384), -1});
    }
    out.push_back(std::move(b));
  }
  return out;
}

double per_step(tokenfab::StepModel& model, const std::vector<tokenfab::Batch>& work, double& simulated) {
  const auto t0 = std::chrono::steady_clock::now();
  for (const auto& b : work) simulated += model.time_step(b).time.value();
  const auto t1 = std::chrono::steady_clock::now();
  return std::chrono::duration<double>(t1 - t0).count() / static_cast<double>(work.size());
}

}  // namespace

int main(int argc, char** argv) {
  const int steps = argc > 1 ? std::stoi(argv[1]) : 300;
  const std::string file = argc > 2 ? argv[2] : "configs/runs/default.yaml";
  const tokenfab::LoadedRun run = tokenfab::load_run(file, {});
  const auto& c = run.config;
  const tokenfab::StepModelConfig config{c.system, run.model, c.precision, c.mapping, c.engine};
  const auto work = batches(steps);
  double analytical_sim = 0, systemc_sim = 0;
  tokenfab::AnalyticalStepModel analytical(config);
  const double a = per_step(analytical, work, analytical_sim);
  const auto t0 = std::chrono::steady_clock::now();
  tokenfab::SystemCStepModel systemc(config);
  const double elaborate = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const double s = per_step(systemc, work, systemc_sim);
  std::printf("%d varied steps of %s on %s (%s)\n", steps, run.model.name.c_str(), c.system.name.c_str(),
              c.mapping.label().c_str());
  std::printf("  analytical step model: %.1f us per step\n", a * 1e6);
  std::printf("  SystemC step model:    %.2f ms per step (elaboration %.1f ms, once)\n", s * 1e3, elaborate * 1e3);
  std::printf("  simulated time: SystemC / analytical = %.4f (waiting at collectives)\n", systemc_sim / analytical_sim);
  return 0;
}
