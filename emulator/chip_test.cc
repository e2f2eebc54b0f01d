// The chip executing real programs: values against Eigen, cycle counts
// against their derivation, schedule errors one cycle either side.
#include "emulator/chip.h"

#include <doctest/doctest.h>

#include <Eigen/Core>
#include <cstring>

#include "emulator/assembler.h"

namespace tokenfab::lpu {
namespace {

const LpuParams& tsp() {
  static const LpuParams p = load_lpu_params("configs/lpu/tsp_v1.yaml");
  return p;
}

std::vector<std::uint8_t> pattern(int seed) {
  std::vector<std::uint8_t> v(320);
  for (int i = 0; i < 320; ++i) v[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>((i * 7 + seed * 13) % 251);
  return v;
}

// Positions on tsp-v1 (12 per hemisphere, VXM at 12): east slice i sits at
// 13 + floor(12 i / 44), so slices 12 and 13 are at 16 and slice 30 at 21.
// Reads issue at 0 and put their vectors on W0/W1 at 0 + d_func(read) = 3;
// westward they reach the VXM (12) at 3 + 4 = 7. The add issues at 7, reads
// at 7 + d_skew 0, puts the sum on E0 at 7 + d_func(add) = 10, which reaches
// slice 30 at 10 + 9 = 19, where the write samples it. Last event: 19.
std::string i8_add_program(int write_at) {
  return ".arch tsp-v1\n"
         ".queue MEM.E.12\n    read a=0 s=W0\n"
         ".queue MEM.E.13\n    read a=0 s=W1\n"
         ".queue VXM.0\n    nop n=7\n    add in=W0,W1 out=E0 type=i8\n"
         ".queue MEM.E.30\n    nop n=" +
         std::to_string(write_at) + "\n    write a=5 s=E0\n";
}

TEST_CASE("chip: MEM -> VXM -> MEM int8 add matches Eigen in 20 cycles") {
  Chip chip(tsp(), Mode::functional);
  chip.write_vector({Hemisphere::east, 12}, 0, pattern(1));
  chip.write_vector({Hemisphere::east, 13}, 0, pattern(2));
  RunResult r = chip.run(assemble(i8_add_program(19), "add.s", tsp()));
  REQUIRE_MESSAGE(r.errors.empty(), r.errors.front().str());
  CHECK(r.cycles == 20);
  CHECK(r.instructions == 4);
  // Reference: lane-wise int8 sum with two's-complement wrap.
  Eigen::Array<std::int8_t, Eigen::Dynamic, 1> a(320), b(320);
  std::memcpy(a.data(), pattern(1).data(), 320);
  std::memcpy(b.data(), pattern(2).data(), 320);
  Eigen::Array<std::int8_t, Eigen::Dynamic, 1> sum = (a.cast<int>() + b.cast<int>()).cast<std::int8_t>();
  std::vector<std::uint8_t> expected(320);
  std::memcpy(expected.data(), sum.data(), 320);
  CHECK(chip.read_vector({Hemisphere::east, 30}, 5) == expected);
}

TEST_CASE("chip: a write one cycle early reads a stale stream, on time it does not") {
  Chip early(tsp(), Mode::functional);
  RunResult r = early.run(assemble(i8_add_program(18), "add.s", tsp()));
  REQUIRE(r.errors.size() == 1);
  CHECK(r.errors[0].cycle == 18);
  CHECK(r.errors[0].queue == "MEM.E.30");
  CHECK(r.errors[0].message.find("stale read: no value on stream E0") == 0);
  Chip late(tsp(), Mode::functional);
  // One cycle late the value has moved on to position 22.
  CHECK(late.run(assemble(i8_add_program(20), "add.s", tsp())).errors.size() == 1);
  Chip on_time(tsp(), Mode::functional);
  CHECK(on_time.run(assemble(i8_add_program(19), "add.s", tsp())).errors.empty());
}

TEST_CASE("chip: two values on one stream at one place and cycle collide") {
  Chip chip(tsp(), Mode::functional);
  // Slices 12 and 13 share position 16: both put a vector on W0 there at cycle 3.
  RunResult r = chip.run(assemble(
      ".arch tsp-v1\n.queue MEM.E.12\n    read a=0 s=W0\n.queue MEM.E.13\n    read a=0 s=W0\n", "collide.s", tsp()));
  REQUIRE(r.errors.size() == 1);
  CHECK(r.errors[0].cycle == 3);
  CHECK(r.errors[0].message == "stream W0 written twice at position 16 in cycle 3");
}

TEST_CASE("chip: cycle counts do not depend on data or on payloads") {
  const Program p = assemble(i8_add_program(19), "add.s", tsp());
  Chip zeros(tsp(), Mode::functional), data(tsp(), Mode::functional), timing(tsp(), Mode::timing_only);
  data.write_vector({Hemisphere::east, 12}, 0, pattern(3));
  CHECK(zeros.run(p).cycles == data.run(p).cycles);
  CHECK(timing.run(p).cycles == zeros.run(p).cycles);
}

// Slices 0-3 sit at 13, 4-7 at 14 and 11-14 at 16. Operand B's four byte
// planes leave slices 4-7 at 0 and reach the VXM at 3 + 2 = 5; operand A's
// leave slices 0-3 one cycle later (nop) and arrive at 1 + 3 + 1 = 5. The add
// issues at 5, its four planes reach slices 11-14 at 8 + 4 = 12.
TEST_CASE("chip: an fp32 add over four byte-plane streams is bit-exact") {
  const LpuParams& p = tsp();
  std::string text = ".arch tsp-v1\n";
  for (int k = 0; k < 4; ++k) {
    text += ".queue MEM.E." + std::to_string(k) + "\n    nop n=1\n    read a=0 s=W" + std::to_string(k) + "\n";
    text += ".queue MEM.E." + std::to_string(4 + k) + "\n    read a=0 s=W" + std::to_string(4 + k) + "\n";
    text += ".queue MEM.E." + std::to_string(11 + k) + "\n    nop n=12\n    write a=2 s=E" + std::to_string(k) + "\n";
  }
  text += ".queue VXM.2\n    nop n=5\n    add in=W0..W7 out=E0..E3 type=f32\n";
  Eigen::ArrayXf a = Eigen::ArrayXf::LinSpaced(320, -3.5f, 7.25f),
                 b = Eigen::ArrayXf::LinSpaced(320, 1e-3f, 2.0f).exp();
  Chip chip(p, Mode::functional);
  for (int k = 0; k < 4; ++k) {
    std::vector<std::uint8_t> pa(320), pb(320);
    for (int l = 0; l < 320; ++l) {
      std::uint32_t ra, rb;
      std::memcpy(&ra, &a[l], 4);
      std::memcpy(&rb, &b[l], 4);
      pa[static_cast<std::size_t>(l)] = static_cast<std::uint8_t>(ra >> (8 * k));
      pb[static_cast<std::size_t>(l)] = static_cast<std::uint8_t>(rb >> (8 * k));
    }
    chip.write_vector({Hemisphere::east, k}, 0, pa);
    chip.write_vector({Hemisphere::east, 4 + k}, 0, pb);
  }
  RunResult r = chip.run(assemble(text, "f32.s", p));
  REQUIRE_MESSAGE(r.errors.empty(), r.errors.front().str());
  CHECK(r.cycles == 13);
  Eigen::ArrayXf expected = a + b;
  for (int l = 0; l < 320; ++l) {
    std::uint32_t raw = 0;
    for (int k = 0; k < 4; ++k)
      raw |= static_cast<std::uint32_t>(chip.read_vector({Hemisphere::east, 11 + k}, 2)[static_cast<std::size_t>(l)])
             << (8 * k);
    float got;
    std::memcpy(&got, &raw, 4);
    CHECK(got == expected[l]);
  }
}

TEST_CASE("chip: units this version cannot execute are refused by name") {
  Chip chip(tsp(), Mode::functional);
  RunResult r = chip.run(assemble(".arch tsp-v1\n.queue MXM.E.0\n    iw plane=0\n", "mxm.s", tsp()));
  REQUIRE(r.errors.size() == 1);
  CHECK(r.errors[0].str() ==
        "error: mxm.s:3:5: cycle 0, MXM.E.0: MXM instructions not supported by this emulator version");
}

}  // namespace
}  // namespace tokenfab::lpu
