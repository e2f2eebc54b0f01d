// Replicas compose: two in one elaboration (as a pod holds a GPU rack and an
// LPU rack) run their steps in one sc_start, each as it would alone.
#include "hw/rack/replica.h"

#include <doctest/doctest.h>

#include "core/config_loader.h"
#include "hw/analytical/estimate.h"
#include "workloads/hf_config.h"
#include "workloads/trace_gen.h"

namespace tokenfab {
namespace {

TEST_CASE("replica: two replicas side by side run their own steps in one simulation") {
  // The same fixture twice, the second with half the memory bandwidth: the
  // replicas share no resource, so each must take its analytical time.
  const SystemConfig fast = load_config<SystemConfig>("hw/testdata/node16.yaml", system_schema());
  const SystemConfig slow = load_config<SystemConfig>("hw/testdata/node16.yaml", system_schema(),
                                                      {"chip.hbm.bandwidth=2 TB/s"});
  const ModelSpec model = load_hf_config("workloads/models/llama-3.1-8b.json");
  const Precision p{Dtype::fp8, Dtype::fp8, Dtype::bf16, Dtype::fp8, Dtype::fp8};
  const Mapping map{.tp = 8};
  const Workload w{Phase::decode, 8, 1, 2048};
  ReplicaModule a("gpu_rack", fast, map, {});
  ReplicaModule b("lpu_rack", slow, map, {});

  std::vector<std::vector<Op>> traces;
  traces.reserve(8);
  for (int d = 0; d < 8; ++d) traces.push_back(generate_device_trace(model, p, map, w, d).ops);
  std::vector<const std::vector<Op>*> ops;
  std::vector<int> self;
  ops.reserve(8);
  self.reserve(8);
  for (int d = 0; d < 8; ++d) {
    ops.push_back(&traces[static_cast<std::size_t>(d)]);
    self.push_back(d);
  }
  for (int step = 0; step < 3; ++step) {
    const Seconds begin_a = a.begin_step(ops, self);
    const Seconds begin_b = b.begin_step(ops, self);
    sc_core::sc_start();
    CHECK(begin_a == begin_b);
    const Seconds time_a = a.devices()[0]->finish() - begin_a;
    const Seconds time_b = b.devices()[0]->finish() - begin_b;
    const Estimate ea = estimate({fast, model, p, map, w, nullptr, true, {}});
    const Estimate eb = estimate({slow, model, p, map, w, nullptr, true, {}});
    CHECK(time_a.value() == doctest::Approx(ea.step_time.value()).epsilon(1e-6));
    CHECK(time_b.value() == doctest::Approx(eb.step_time.value()).epsilon(1e-6));
    CHECK(time_b > time_a);
  }
}

}  // namespace
}  // namespace tokenfab
