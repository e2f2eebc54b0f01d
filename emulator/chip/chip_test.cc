// The chip executing real programs: values against Eigen, cycle counts
// against their derivation, schedule errors one cycle either side.
#include "emulator/chip/chip.h"

#include <doctest/doctest.h>

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <cstring>

#include "emulator/chip/vxm.h"
#include "emulator/isa/assembler.h"

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

TEST_CASE("chip: what this version cannot execute is refused by name") {
  Chip chip(tsp(), Mode::functional);
  RunResult r = chip.run(assemble(".arch tsp-v1\n.queue MXM.E.0\n    lw s=E0 plane=0 type=f8\n", "f8.s", tsp()));
  REQUIRE(r.errors.size() == 1);
  CHECK(r.errors[0].str() ==
        "error: f8.s:3:5: cycle 0, MXM.E.0: MXM types other than i8 x i8 -> i32 and f16 x f16 -> f32 not supported by "
        "this emulator version");
}

// SRAM outside a slice's words is an error, not memory past the end.
TEST_CASE("chip: SRAM words outside the slice are refused") {
  Chip chip(tsp(), Mode::functional);
  const std::int64_t words = std::int64_t{2} * 4096;
  CHECK_NOTHROW(chip.write_vector({Hemisphere::east, 0}, words - 1, std::vector<std::uint8_t>(320, 1)));
  CHECK_THROWS_AS(chip.write_vector({Hemisphere::east, 0}, words, std::vector<std::uint8_t>(320, 1)),
                  std::out_of_range);
  CHECK_THROWS_AS(chip.read_vector({Hemisphere::east, 0}, -1), std::out_of_range);
}

// FP8 E4M3: every code but NaN decodes and encodes back to itself; the
// largest is 448 and larger values saturate to it; the smallest subnormal is
// 2^-9; 1 + 1/16 lies halfway between 1 and 1.125 and rounds to even (1).
TEST_CASE("vxm: FP8 E4M3 values, rounding and saturation") {
  for (int code = 0; code < 256; ++code) {
    if ((code & 0x7F) == 0x7F) continue;  // NaN
    CHECK(fp8_bits(fp8_value(static_cast<std::uint8_t>(code))) == code);
  }
  CHECK(fp8_value(0x7E) == 448.0);
  CHECK(fp8_bits(1000.0) == 0x7E);
  CHECK(fp8_bits(-1000.0) == 0xFE);
  CHECK(fp8_value(0x01) == std::ldexp(1.0, -9));
  CHECK(fp8_value(0x08) == std::ldexp(1.0, -6));
  CHECK(fp8_bits(1.0625) == fp8_bits(1.0));
  CHECK(fp8_bits(1.1875) == fp8_bits(1.25));  // halfway between m=1 and m=2: to even (m=2)
  CHECK(std::isnan(fp8_value(0x7F)));
}

// An FP32 vector to FP8 and back on the VXM: each lane is its nearest E4M3
// value. Slices E.0-E.3 (position 13) read at 0, the planes reach the VXM
// at 4; conv (d_func 3) puts the FP8 byte on E4 at 7, a second conv reads it
// there (same cycle, same place) and puts FP32 on E5..E8 at 10, which pass
// slices E.4-E.7 (position 14) at 12, where they are written: 13 cycles.
TEST_CASE("chip: FP32 to FP8 and back rounds each lane to its nearest E4M3 value") {
  Chip chip(tsp(), Mode::functional);
  std::vector<float> values(320);
  for (int l = 0; l < 320; ++l) {
    values[static_cast<std::size_t>(l)] =
        std::ldexp(1.0f + 0.01f * static_cast<float>(l % 97), l % 23 - 12) * (l % 2 ? -1.0f : 1.0f);
  }
  for (int b = 0; b < 4; ++b) {
    std::vector<std::uint8_t> plane(320);
    for (int l = 0; l < 320; ++l) {
      std::uint32_t raw = 0;
      std::memcpy(&raw, &values[static_cast<std::size_t>(l)], 4);
      plane[static_cast<std::size_t>(l)] = static_cast<std::uint8_t>(raw >> (8 * b));
    }
    chip.write_vector({Hemisphere::east, b}, 0, plane);
  }
  std::string text = ".arch tsp-v1\n";
  for (int b = 0; b < 4; ++b)
    text += ".queue MEM.E." + std::to_string(b) + "\n    read a=0 s=W" + std::to_string(b) + "\n";
  text +=
      ".queue VXM.0\n    nop n=4\n    conv in=W0..W3 out=E4 from=f32 to=f8\n    nop n=2\n"
      "    conv in=E4 out=E5..E8 from=f8 to=f32\n";
  for (int b = 0; b < 4; ++b) {
    text +=
        ".queue MEM.E." + std::to_string(4 + b) + "\n    nop n=12\n    write a=0 s=E" + std::to_string(5 + b) + "\n";
  }
  const RunResult r = chip.run(assemble(text, "fp8.s", tsp()));
  REQUIRE_MESSAGE(r.errors.empty(), r.errors.front().str());
  CHECK(r.cycles == 13);
  for (int l = 0; l < 320; ++l) {
    std::uint32_t raw = 0;
    for (int b = 0; b < 4; ++b) {
      raw |= static_cast<std::uint32_t>(chip.read_vector({Hemisphere::east, 4 + b}, 0)[static_cast<std::size_t>(l)])
             << (8 * b);
    }
    float got = 0;
    std::memcpy(&got, &raw, 4);
    CHECK(got == static_cast<float>(fp8_value(fp8_bits(values[static_cast<std::size_t>(l)]))));
  }
}

}  // namespace
}  // namespace tokenfab::lpu

namespace tokenfab::lpu {
namespace {

const LpuParams& tiny() {
  static const LpuParams p = load_lpu_params("configs/lpu/tiny.yaml");
  return p;
}

// tiny: 16-byte vectors, 4 positions per hemisphere (VXM at 4), east slice i
// at 5 + i, the east MXM at 8, a 16 x 16 plane. Weight row k leaves slice 0
// (position 5) at k + 3 and reaches the MXM at k + 6, where lw (6, then
// repeated 7..21) takes the 16 rows. iw issues at 22 and installs at 24. The
// activation leaves slice 1 (position 6) at 23 and reaches the MXM at 25,
// where abc reads it; the product is ready at 25 + 22 = 47, when acc takes
// it and emits four INT32 byte planes at 50 on W0..W3. Flowing west they
// pass slice 3 at 50, slice 2 at 51, slice 1 at 52 and slice 0 at 53, where
// each writes its plane. Last event 53: 54 cycles.
std::string gemv_program(int lw_repeats, int acc_at) {
  return ".arch tiny\n"
         ".queue MEM.E.0\n    read a=0 s=E0\n    repeat n=15 d=1 astride=1\n    nop n=37\n    write a=40 s=W3\n"
         ".queue MEM.E.1\n    nop n=20\n    read a=0 s=E1\n    nop n=31\n    write a=40 s=W2\n"
         ".queue MEM.E.2\n    nop n=51\n    write a=40 s=W1\n"
         ".queue MEM.E.3\n    nop n=50\n    write a=40 s=W0\n"
         ".queue MXM.E.0\n    nop n=6\n    lw s=E0 plane=0 buf=0\n    repeat n=" +
         std::to_string(lw_repeats) +
         " d=1\n    iw plane=0 buf=0\n    nop n=2\n    abc s=E1 plane=0 n=1\n    nop n=" + std::to_string(acc_at - 26) +
         "\n    acc out=W0..W3 plane=0 n=1\n";
}

TEST_CASE("chip: an INT8 GEMV on the MXM matches Eigen exactly in 54 cycles") {
  Chip chip(tiny(), Mode::functional);
  Eigen::Matrix<std::int8_t, 16, 16, Eigen::RowMajor> w;
  Eigen::Matrix<std::int8_t, 16, 1> x;
  for (int k = 0; k < 16; ++k) {
    for (int j = 0; j < 16; ++j) w(k, j) = static_cast<std::int8_t>((k * 31 + j * 17) % 255 - 127);
    x(k) = static_cast<std::int8_t>((k * 53) % 255 - 127);
    std::vector<std::uint8_t> row(16);
    std::memcpy(row.data(), w.row(k).data(), 16);
    chip.write_vector({Hemisphere::east, 0}, k, row);
  }
  std::vector<std::uint8_t> xv(16);
  std::memcpy(xv.data(), x.data(), 16);
  chip.write_vector({Hemisphere::east, 1}, 0, xv);
  RunResult r = chip.run(assemble(gemv_program(15, 47), "gemv.s", tiny()));
  REQUIRE_MESSAGE(r.errors.empty(), r.errors.front().str());
  CHECK(r.cycles == 54);
  Eigen::Matrix<std::int32_t, 16, 1> expected = w.cast<std::int32_t>().transpose() * x.cast<std::int32_t>();
  for (int j = 0; j < 16; ++j) {
    std::uint32_t raw = 0;
    for (int b = 0; b < 4; ++b)
      raw |= static_cast<std::uint32_t>(chip.read_vector({Hemisphere::east, 3 - b}, 40)[static_cast<std::size_t>(j)])
             << (8 * b);
    CHECK(static_cast<std::int32_t>(raw) == expected(j));
  }
}

TEST_CASE("chip: MXM schedule errors: buffer overwrite, partial install, early accumulate") {
  Chip a(tiny(), Mode::functional);
  // A 17th row into a 16-row buffer that was never installed.
  RunResult overwrite = a.run(assemble(gemv_program(16, 48), "gemv.s", tiny()));
  REQUIRE(!overwrite.errors.empty());
  CHECK(overwrite.errors[0].message.find("weight buffer 0 overwritten") == 0);
  Chip b(tiny(), Mode::functional);
  RunResult partial = b.run(assemble(gemv_program(14, 47), "gemv.s", tiny()));
  REQUIRE(!partial.errors.empty());
  CHECK(partial.errors[0].message.find("install of weight buffer 0 with 15 of 16 rows") == 0);
  Chip c(tiny(), Mode::functional);
  // One cycle before the product is ready.
  RunResult early = c.run(assemble(gemv_program(15, 46), "gemv.s", tiny()));
  REQUIRE(!early.errors.empty());
  CHECK(early.errors[0].message == "accumulator read before its product is ready");
}

// A tiny variant whose writes take their operand one cycle after issue
// (d_skew 1). Slice E.1 (position 6) reads word 0 at 2, onto W0 at 5, which
// passes slice E.0 (position 5) at 6. E.0 issues the write at 5, so it takes
// the value and stores it at 6, and issues a read of word 0 at 6. tiny's
// banks hold 64 words: address 1 is in bank 0 with the read, a double
// booking at cycle 6; address 64 is in bank 1 and the copy goes through.
std::string bank_program(int write_address) {
  return ".arch tiny\n.queue MEM.E.1\n    nop n=2\n    read a=0 s=W0\n"
         ".queue MEM.E.0\n    nop n=5\n    write a=" +
         std::to_string(write_address) + " s=W0\n    read a=0 s=E1\n";
}

TEST_CASE("chip: a read and a write in one MEM bank in one cycle are a double booking") {
  LpuParams skewed = tiny();
  auto write = std::find_if(skewed.delays.begin(), skewed.delays.end(), [](const Delay& d) { return d.op == "write"; });
  REQUIRE(write != skewed.delays.end());
  write->d_skew = 1;
  const std::vector<std::uint8_t> word(16, 0x5a);
  Chip clash(skewed, Mode::functional);
  clash.write_vector({Hemisphere::east, 1}, 0, word);
  RunResult r = clash.run(assemble(bank_program(1), "bank.s", skewed));
  REQUIRE(r.errors.size() == 1);
  CHECK(r.errors[0].cycle == 6);
  CHECK(r.errors[0].queue == "MEM.E.0");
  CHECK(r.errors[0].message == "bank double-booked: bank 0 of this slice is accessed twice in one cycle");
  Chip apart(skewed, Mode::functional);
  apart.write_vector({Hemisphere::east, 1}, 0, word);
  RunResult ok = apart.run(assemble(bank_program(64), "bank.s", skewed));
  REQUIRE_MESSAGE(ok.errors.empty(), ok.errors.front().str());
  CHECK(apart.read_vector({Hemisphere::east, 0}, 64) == word);
}

// The same clash against a repeat, which books its reads when it issues:
// with writes two cycles late, E.1 reads at 3 so that the value passes E.0
// at 7; E.0 writes at 5 (access 7), reads at 6 and repeats at 7, 8, 9. The
// repeat's read at 7 and the write meet in bank 0 at cycle 7.
TEST_CASE("chip: a write meeting a repeated read in one bank is a double booking") {
  LpuParams skewed = tiny();
  auto write = std::find_if(skewed.delays.begin(), skewed.delays.end(), [](const Delay& d) { return d.op == "write"; });
  REQUIRE(write != skewed.delays.end());
  write->d_skew = 2;
  Chip chip(skewed, Mode::functional);
  RunResult r =
      chip.run(assemble(".arch tiny\n.queue MEM.E.1\n    nop n=3\n    read a=0 s=W0\n.queue MEM.E.0\n"
                        "    nop n=5\n    write a=1 s=W0\n    read a=0 s=E1\n    repeat n=3 d=1 astride=1\n",
                        "bank.s", skewed));
  REQUIRE(r.errors.size() == 1);
  CHECK(r.errors[0].cycle == 7);
  CHECK(r.errors[0].message == "bank double-booked: bank 0 of this slice is accessed twice in one cycle");
}

// tiny, gather: slice E.1 (position 6) reads the address map (word 0) at 0
// onto W1: position 6 at 3, slice E.0 (position 5) at 4, where the gather
// issues; lane i of word map[i] is on E0 at 4 + d_func(gather) 4 = 8 and
// passes slice E.3 (position 8) at 11, which writes it: 12 cycles.
// Scatter: E.3 reads the value (word 5) onto W0 at 0, at position 5 at 6;
// E.1 reads the map at 2 onto W1, at position 5 at 6; E.0 scatters at 6.
TEST_CASE("chip: gather and scatter address each lane from a map stream") {
  std::vector<std::uint8_t> map(16), value(16);
  for (int i = 0; i < 16; ++i) {
    map[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>((i * 7 + 3) % 128);
    value[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(0xa0 + i);
  }
  auto fill = [&](Chip& chip) {
    for (int w = 0; w < 128; ++w) {
      std::vector<std::uint8_t> word(16);
      for (int i = 0; i < 16; ++i) word[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(w * 16 + i);
      chip.write_vector({Hemisphere::east, 0}, w, word);
    }
    chip.write_vector({Hemisphere::east, 1}, 0, map);
    chip.write_vector({Hemisphere::east, 3}, 5, value);
  };
  Chip g(tiny(), Mode::functional);
  fill(g);
  RunResult rg =
      g.run(assemble(".arch tiny\n.queue MEM.E.1\n    read a=0 s=W1\n.queue MEM.E.0\n    nop n=4\n"
                     "    gather s=E0 addr=W1\n.queue MEM.E.3\n    nop n=11\n    write a=9 s=E0\n",
                     "gather.s", tiny()));
  REQUIRE_MESSAGE(rg.errors.empty(), rg.errors.front().str());
  CHECK(rg.cycles == 12);
  const std::vector<std::uint8_t> got = g.read_vector({Hemisphere::east, 3}, 9);
  for (std::size_t i = 0; i < 16; ++i) CHECK(got[i] == static_cast<std::uint8_t>(map[i] * std::size_t{16} + i));

  const std::string scatter =
      ".arch tiny\n.queue MEM.E.3\n    read a=5 s=W0\n.queue MEM.E.1\n    nop n=2\n"
      "    read a=0 s=W1\n.queue MEM.E.0\n    nop n=6\n    scatter s=W0 addr=W1\n";
  Chip sc(tiny(), Mode::functional);
  fill(sc);
  RunResult rs = sc.run(assemble(scatter, "scatter.s", tiny()));
  REQUIRE_MESSAGE(rs.errors.empty(), rs.errors.front().str());
  CHECK(rs.cycles == 7);
  for (std::size_t i = 0; i < 16; ++i) CHECK(sc.read_vector({Hemisphere::east, 0}, map[i])[i] == value[i]);
  // A word past the slice's 128 is an error naming the lane.
  Chip bad(tiny(), Mode::functional);
  fill(bad);
  map[0] = 200;
  bad.write_vector({Hemisphere::east, 1}, 0, map);
  RunResult rb = bad.run(assemble(scatter, "scatter.s", tiny()));
  REQUIRE(rb.errors.size() == 1);
  CHECK(rb.errors[0].message == "lane 0 addresses word 200 outside the slice (128 vectors)");
}

}  // namespace
}  // namespace tokenfab::lpu

#include "emulator/chip/sxm.h"

namespace tokenfab::lpu {
namespace {

// tiny (16 lanes, superlanes of 8): slice E.0 (position 5) reads word 0 at
// 0 and 1 onto E0; the values reach the east SXM (position 8) at 6 and 7.
// permute (d_func 3) at 6 puts the reversed vector on W0 at 9, written there
// by E.3 (position 8); distribute (2) at 6 puts its result on W1 at 8, which
// passes E.2 (7) at 9; rotate (3) at 7 puts the rotated vector on W2 at 10,
// passing E.1 (6) at 12. Last event 12: 13 cycles.
TEST_CASE("chip: SXM permute, distribute and rotate move lanes by their maps") {
  const std::string text =
      ".arch tiny\n.map 1 15..0\n.map 2 0 0 1 1 -1 -1 7 6\n"
      ".queue MEM.E.0\n    read a=0 s=E0\n    read a=0 s=E0\n"
      ".queue SXM.E.0\n    nop n=6\n    permute in=E0 out=W0 map=1\n    rotate in=E0 out=W2 n=3\n"
      ".queue SXM.E.1\n    nop n=6\n    distribute in=E0 out=W1 map=2\n"
      ".queue MEM.E.3\n    nop n=9\n    write a=1 s=W0\n"
      ".queue MEM.E.2\n    nop n=9\n    write a=2 s=W1\n"
      ".queue MEM.E.1\n    nop n=12\n    write a=3 s=W2\n";
  Chip chip(tiny(), Mode::functional);
  std::vector<std::uint8_t> v(16);
  for (int l = 0; l < 16; ++l) v[static_cast<std::size_t>(l)] = static_cast<std::uint8_t>(10 + l);
  chip.write_vector({Hemisphere::east, 0}, 0, v);
  const RunResult r = chip.run(assemble(text, "maps.s", tiny()));
  REQUIRE_MESSAGE(r.errors.empty(), r.errors.front().str());
  CHECK(r.cycles == 13);
  const auto permuted = chip.read_vector({Hemisphere::east, 3}, 1);
  const auto distributed = chip.read_vector({Hemisphere::east, 2}, 2);
  const auto rotated = chip.read_vector({Hemisphere::east, 1}, 3);
  const int map2[8] = {0, 0, 1, 1, -1, -1, 7, 6};
  for (int l = 0; l < 16; ++l) {
    const auto at = [&](int lane) { return v[static_cast<std::size_t>(lane)]; };
    CHECK(permuted[static_cast<std::size_t>(l)] == at(15 - l));
    const int base = l / 8 * 8, m = map2[l % 8];
    CHECK(distributed[static_cast<std::size_t>(l)] == (m < 0 ? 0 : at(base + m)));
    CHECK(rotated[static_cast<std::size_t>((l + 3) % 16)] == at(l));
  }
}

// tiny: slice E.0 at position 5 puts its vector on E0 at 3; it reaches the
// east SXM (position 8) at 6. The shift issues at 6 and puts the moved
// vector on W0 at 6 + d_func(shift) = 8, where slice E.3 (position 8) writes it.
TEST_CASE("chip: an SXM shift moves lanes north with zero fill") {
  Chip chip(tiny(), Mode::functional);
  std::vector<std::uint8_t> v(16);
  for (int i = 0; i < 16; ++i) v[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(i + 1);
  chip.write_vector({Hemisphere::east, 0}, 0, v);
  RunResult r =
      chip.run(assemble(".arch tiny\n.queue MEM.E.0\n    read a=0 s=E0\n"
                        ".queue SXM.E.0\n    nop n=6\n    shift in=E0 out=W0 lanes=3\n"
                        ".queue MEM.E.3\n    nop n=8\n    write a=9 s=W0\n",
                        "shift.s", tiny()));
  REQUIRE_MESSAGE(r.errors.empty(), r.errors.front().str());
  CHECK(r.cycles == 9);
  std::vector<std::uint8_t> expected(16, 0);
  for (int i = 3; i < 16; ++i) expected[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(i - 2);
  CHECK(chip.read_vector({Hemisphere::east, 3}, 9) == expected);
}

TEST_CASE("sxm: transpose swaps bytes inside each superlane block") {
  // Two superlanes of 2 lanes: streams a = [1 2 | 3 4], b = [5 6 | 7 8].
  // Block 0 is [[1 2] [5 6]] -> [[1 5] [2 6]]; block 1 [[3 4] [7 8]] -> [[3 7] [4 8]].
  Bytes8 a = {1, 2, 3, 4}, b = {5, 6, 7, 8};
  auto out = sxm_transpose({&a, &b}, 2);
  CHECK(out[0] == Bytes8{1, 5, 3, 7});
  CHECK(out[1] == Bytes8{2, 6, 4, 8});
  CHECK(sxm_shift({1, 2, 3, 4}, -1) == Bytes8{2, 3, 4, 0});
}

}  // namespace
}  // namespace tokenfab::lpu
