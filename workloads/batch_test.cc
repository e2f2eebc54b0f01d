#include "workloads/batch.h"

#include <doctest/doctest.h>

#include "core/diagnostics.h"
#include "workloads/hf_config.h"
#include "workloads/trace_gen.h"

namespace tokenfab {
namespace {

TEST_CASE("batch: unplaced sequences go to the least-loaded rank, named ones stay") {
  // Ranks by (new tokens, cached tokens, sequences): the prefill chunk of 512
  // takes rank 0; the decode at 8000 the empty rank 1; the decode at 100 the
  // lighter of the two by new tokens (rank 1: 1 < 512); the named one rank 0.
  const Batch b{{{Phase::prefill, 512, 0}, {Phase::decode, 1, 8000}, {Phase::decode, 1, 100}, {Phase::decode, 1, 5, 0}}};
  const StepLoad load = place(b, 2);
  CHECK(load.rank_of == std::vector<int>{0, 1, 1, 0});
  CHECK(load.ranks[0].tokens() == 513);
  CHECK(load.ranks[1].sequences() == 2);
  CHECK(load.stage_tokens == 515);
}

TEST_CASE("batch: identical sequences are dealt as the steady workload counts them") {
  const Workload w{Phase::decode, 11, 1, 300};
  const StepLoad placed = place(uniform_batch(w), 4);
  const StepLoad uniform = uniform_step_load(w, 4);
  CHECK(placed.rank_of == uniform.rank_of);
  for (int r = 0; r < 4; ++r) CHECK(placed.ranks[static_cast<std::size_t>(r)] == uniform.ranks[static_cast<std::size_t>(r)]);
  CHECK(uniform.ranks[2].sequences() == 3);  // 11 = 3 + 3 + 3 + 2
  CHECK(uniform.ranks[3].sequences() == 2);
}

TEST_CASE("batch: a rank out of range or a step without new tokens is refused") {
  CHECK_THROWS_WITH_AS(place(Batch{{{Phase::decode, 1, 0, 4}}}, 4), doctest::Contains("outside the 4"), InputError);
  CHECK_THROWS_WITH_AS(place(Batch{{{Phase::decode, 0, 10}}}, 1), doctest::Contains("at least one new token"),
                       InputError);
}

TEST_CASE("trace: a mixed batch reads every sequence's own cache and prefills in expanded MLA form") {
  const ModelSpec m = load_hf_config("workloads/models/deepseek-r1.json");
  const Precision p{Dtype::fp4, Dtype::fp8, Dtype::bf16, Dtype::fp8, Dtype::fp8};
  const Mapping map{.tp = 8};
  const Batch b{{{Phase::decode, 1, 1000}, {Phase::decode, 1, 3000}, {Phase::prefill, 100, 50}}};
  const StepLoad load = place(b, 1);
  const DeviceTrace t = generate_device_trace(m, p, map, load.ranks[0], load.stage_tokens, 0);
  std::vector<const Op*> attention;
  bool expanded = false, absorbed = false;
  for (const Op& op : t.ops) {
    if (op.layer != 0) continue;
    if (op.kind == OpKind::attention) attention.push_back(&op);
    expanded |= op.name == "attn.kv_b_proj";
    absorbed |= op.name == "attn.w_uk";
  }
  REQUIRE(attention.size() == 2);  // one kernel per phase
  CHECK(expanded);
  CHECK(absorbed);
  // Decode: (1000 + 3000) cached positions of the 576-wide FP8 latent (with
  // its block scales).
  const double fp8 = bytes_per_element(Dtype::fp8);
  CHECK(attention[0]->kv_read.value() == doctest::Approx(4000.0 * 576 * fp8));
  CHECK(attention[0]->m == 2);
  // Prefill chunk: 50 cached positions read, 100 new ones written.
  CHECK(attention[1]->kv_read.value() == doctest::Approx(50.0 * 576 * fp8));
  CHECK(attention[1]->kv_write.value() == doctest::Approx(100.0 * 576 * fp8));
}

}  // namespace
}  // namespace tokenfab
