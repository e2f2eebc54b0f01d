// Chip::run on a timing-only chip runs repeated reads ahead (chip_impl.h,
// read_run); start() and step() run every copy at its own cycle. Both must
// give the same result, errors included.
#include <doctest/doctest.h>

#include "emulator/chip/chip.h"
#include "emulator/isa/assembler.h"

namespace tokenfab::lpu {
namespace {

const LpuParams& tsp() {
  static const LpuParams p = load_lpu_params("configs/lpu/tsp_v1.yaml");
  return p;
}

RunResult copy_by_copy(const Program& program) {
  Chip chip(tsp(), Mode::timing_only);
  if (chip.start(program)) {
    while (chip.next_cycle()) chip.step();
  }
  return chip.result();
}

void check_same(const RunResult& ahead, const RunResult& exact) {
  CHECK(ahead.cycles == exact.cycles);
  CHECK(ahead.dataflow_bound == exact.dataflow_bound);
  CHECK(ahead.instructions == exact.instructions);
  CHECK(ahead.issued == exact.issued);
  REQUIRE(ahead.errors.size() == exact.errors.size());
  for (std::size_t i = 0; i < ahead.errors.size(); ++i) CHECK(ahead.errors[i].str() == exact.errors[i].str());
}

// E.4 (position 14) streams reads westward on W1, past E.0 (position 13)
// from cycle 4. E.0 writes three of them into words 1..3 at 4..7 (their
// bounds change), then reads words 1..299 every other cycle from 13, past
// several windows, onto E2 and E3.
TEST_CASE("read runs: a timing-only run equals the copy-by-copy one") {
  const Program program = assemble(
      ".arch tsp-v1\n"
      ".queue MEM.E.4\n    read a=0 s=W1\n    repeat n=300 d=1 astride=0\n"
      ".queue MEM.E.0\n    nop n=4\n    write a=0 s=W1\n    repeat n=3 d=1 astride=1\n"
      "    nop n=5\n    read a=0 s=E2,E3\n    repeat n=299 d=2 astride=1\n",
      "runs.s", tsp());
  Chip chip(tsp(), Mode::timing_only);
  const RunResult ahead = chip.run(program);
  REQUIRE_MESSAGE(ahead.errors.empty(), ahead.errors.front().str());
  check_same(ahead, copy_by_copy(program));
}

// Two slices at one position put repeated reads on one stream in the same
// cycles: the errors come in the order, and at the cycles, of the copies.
TEST_CASE("read runs: a run with schedule errors lists them as the copies meet") {
  const Program program = assemble(
      ".arch tsp-v1\n.queue MEM.E.12\n    read a=0 s=W0\n    repeat n=100 d=1 astride=1\n"
      ".queue MEM.E.13\n    nop n=50\n    read a=0 s=W0\n    repeat n=100 d=1 astride=1\n",
      "collide.s", tsp());
  Chip chip(tsp(), Mode::timing_only);
  const RunResult ahead = chip.run(program);
  CHECK(ahead.errors.size() == 51);  // E.13's reads at 50..100
  check_same(ahead, copy_by_copy(program));
}

}  // namespace
}  // namespace tokenfab::lpu
