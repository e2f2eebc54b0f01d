// Microbenchmarks on tsp-v1 with closed-form cycle counts: a memory copy,
// and the weight install of all four MXM planes at the published rate (and
// a load over the rate refused as a schedule error). The C2C ping-pong is
// in system_test.cc, beside the other multi-chip programs.
#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <string>

#include "emulator/chip/chip.h"
#include "emulator/isa/assembler.h"
#include "emulator/isa/program_bound.h"

namespace tokenfab::lpu {
namespace {

const LpuParams& tsp() {
  static const LpuParams p = load_lpu_params("configs/lpu/tsp_v1.yaml");
  return p;
}

struct InstallProgram {
  std::string text;
  std::int64_t arrival = 0;  // cycle the first rows reach the MXM
};

// Planes 0..3 each take `per_plane` rows a cycle on eastward streams
// E(per_plane k)..; each stream is fed by its own east MEM slice reading
// addresses 0..rows-1, issued so that every slice's row k reaches the MXM
// at arrival + k. The farthest slice issues at 0. FP16 rows take a pair of
// streams each (low, high byte).
InstallProgram install_program(const LpuParams& p, int per_plane, ElemType type = ElemType::i8) {
  const int width = elem_bytes(type);
  const int planes = p.mxm_planes, streams = planes * per_plane * width, dim = p.mxm_dim;
  const int at_mxm = stream_position(p, {Unit::mxm, Hemisphere::east, 0});
  const int read = p.delay(Opcode::read).d_func;
  auto travel = [&](int slice) { return read + at_mxm - stream_position(p, {Unit::mem, Hemisphere::east, slice}); };
  InstallProgram out;
  for (int s = 0; s < streams; ++s) out.arrival = std::max<std::int64_t>(out.arrival, travel(s));
  const int cycles_per_plane = dim / per_plane;
  out.text = ".arch " + p.name + "\n";
  for (int s = 0; s < streams; ++s) {
    out.text += ".queue MEM.E." + std::to_string(s) + "\n";
    if (const std::int64_t wait = out.arrival - travel(s); wait > 0)
      out.text += "    nop n=" + std::to_string(wait) + "\n";
    out.text += "    read a=0 s=E" + std::to_string(s) + "\n    repeat n=" + std::to_string(cycles_per_plane - 1) +
                " d=1 astride=1\n";
  }
  const std::string typed = type == ElemType::f16 ? " type=f16" : "";
  for (int k = 0; k < planes; ++k) {
    std::string list;
    for (int j = 0; j < per_plane * width; ++j) list += (j ? ",E" : "E") + std::to_string(k * per_plane * width + j);
    const std::string plane = " plane=" + std::to_string(k) + " buf=0";
    out.text += ".queue MXM.E." + std::to_string(k) + "\n    nop n=" + std::to_string(out.arrival) +
                "\n    lw s=" + list + plane + typed + "\n    repeat n=" + std::to_string(cycles_per_plane - 1) +
                " d=1\n    iw" + plane + "\n";
  }
  return out;
}

// tsp-v1 installs 10,240 bytes a cycle: 32 rows of 320, 8 per plane. The
// 4 x 320 x 320 = 409,600 weights take 409,600 / 10,240 = 40 cycles of
// streaming (lw at arrival .. arrival + 39); iw issues at arrival + 40 and
// installs d_func(iw) = 2 later, so the run ends at arrival + 42 and lasts
// arrival + 43 cycles. arrival is the MEM read delay (3) plus the hops from
// the farthest slice (E.0) to the MXM. The published figure, "under 40
// cycles", counts the streaming only; the fill before it is our assumed
// read delay and slice placement, reported beside it.
TEST_CASE("install: all four tsp-v1 planes install 409,600 weights in 40 streaming cycles") {
  const LpuParams& p = tsp();
  const InstallProgram prog = install_program(p, 8);
  const std::int64_t streaming =
      4LL * p.mxm_dim * p.mxm_dim / static_cast<std::int64_t>(p.mxm_install_per_cycle.value());
  CHECK(streaming == 40);
  for (Mode mode : {Mode::functional, Mode::timing_only}) {
    Chip chip(p, mode);
    const RunResult r = chip.run(assemble(prog.text, "install.s", p));
    REQUIRE_MESSAGE(r.errors.empty(), r.errors.front().str());
    CHECK(r.cycles == prog.arrival + streaming + p.delay(Opcode::iw).d_func + 1);
    // Busiest queues: each MXM queue issues 40 lw and one iw.
    const IssueBound bound = issue_bound(assemble(prog.text, "install.s", p));
    CHECK(bound.cycles == streaming + 1);
    CHECK(bound.cycles <= r.cycles);
    MESSAGE("tsp-v1 weight install: " << streaming << " streaming cycles, " << r.cycles << " with the pipeline fill of "
                                      << prog.arrival << " cycles");
  }
}

// The same program on a variant that takes 9,600 bytes a cycle (30 rows):
// planes 0..2 load 3 x 8 x 320 = 7,680 bytes in the first cycle, and the
// fourth plane's lw takes it to 10,240, over the limit. (On tsp-v1 itself
// the limit equals its 32 eastward streams of 320 bytes, so the streams
// alone already bound the rate there.)
TEST_CASE("install: loading faster than the install bandwidth is a schedule error") {
  LpuParams p = tsp();
  p.mxm_install_per_cycle = Bytes(9600);
  const InstallProgram prog = install_program(p, 8);
  Chip chip(p, Mode::timing_only);
  const RunResult r = chip.run(assemble(prog.text, "install.s", p));
  REQUIRE(!r.errors.empty());
  CHECK(r.errors[0].cycle == prog.arrival);
  CHECK(r.errors[0].queue == "MXM.E.3");
  CHECK(r.errors[0].message ==
        "weight load over the install bandwidth: 10240 bytes into the MXM in one cycle, which takes 9600");
}

// The MXM's product rate: after the install, `m` activation vectors stream
// past the MXM on E0 (E0, E1 for FP16: slices E.40 and E.41 read them), one
// every `interval` cycles, and all four planes multiply each as it passes
// (they read the same stream in the same cycle); each plane emits its
// products on its own four westward streams, one per interval. INT8 issues
// one abc and one acc of n = m per plane; FP16 one abc every
// mxm_fp16_interval cycles, with its acc 22 cycles (abc's d_func) later on
// the same queue.
std::string product_program(const LpuParams& p, ElemType type, int m, int interval) {
  const bool half = type == ElemType::f16;
  InstallProgram prog = install_program(p, half ? 4 : 8, type);
  const std::int64_t installed =
      prog.arrival +
      4LL * p.mxm_dim * p.mxm_dim * elem_bytes(type) / static_cast<std::int64_t>(p.mxm_install_per_cycle.value()) +
      p.delay(Opcode::iw).d_func;
  const int at_mxm = stream_position(p, {Unit::mxm, Hemisphere::east, 0});
  const std::int64_t first = installed + 1;  // the first activation reaches the MXM
  for (int b = 0; b < elem_bytes(type); ++b) {
    const int slice = 40 + b;
    const std::int64_t read =
        first - p.delay(Opcode::read).d_func - (at_mxm - stream_position(p, {Unit::mem, Hemisphere::east, slice}));
    prog.text += ".queue MEM.E." + std::to_string(slice) + "\n    nop n=" + std::to_string(read) + "\n";
    if (interval == 1) {
      prog.text +=
          "    read a=0 s=E" + std::to_string(b) + "\n    repeat n=" + std::to_string(m - 1) + " d=1 astride=0\n";
      continue;
    }
    // A repeat's copies start the cycle after the original, so spaced reads are written out.
    for (int i = 0; i < m; ++i) {
      prog.text += "    read a=0 s=E" + std::to_string(b) + "\n";
      if (i + 1 < m) prog.text += "    nop n=" + std::to_string(interval - 1) + "\n";
    }
  }
  const std::int64_t acc_delay = p.delay(Opcode::abc).d_func;
  for (int k = 0; k < p.mxm_planes; ++k) {
    std::string out = "W" + std::to_string(4 * k) + "..W" + std::to_string(4 * k + 3);
    std::string text = ".queue MXM.E." + std::to_string(k) + "\n";
    // After the install program's lw, repeat and iw (issued at installed - d_func(iw)).
    std::int64_t cursor = installed - p.delay(Opcode::iw).d_func + 1;
    auto at = [&](std::int64_t cycle, const std::string& ins) {
      if (cycle > cursor) text += "    nop n=" + std::to_string(cycle - cursor) + "\n";
      text += "    " + ins + "\n";
      cursor = cycle + 1;
    };
    const std::string plane = " plane=" + std::to_string(k);
    if (!half) {
      at(first, "abc s=E0" + plane + " n=" + std::to_string(m));
      at(first + acc_delay, "acc out=" + out + plane + " n=" + std::to_string(m));
    } else {
      // abc at first + 4i, acc at first + 22 + 4i: 22 is 2 mod 4, so they interleave.
      std::map<std::int64_t, std::string> issues;
      for (int i = 0; i < m; ++i) {
        issues[first + static_cast<std::int64_t>(interval) * i] = "abc s=E0,E1 type=f16" + plane + " n=1";
        issues[first + acc_delay + static_cast<std::int64_t>(interval) * i] =
            "acc out=" + out + plane + " n=1 type=f32";
      }
      for (const auto& [cycle, ins] : issues) at(cycle, ins);
    }
    // Appended to the install program's queue for this plane.
    const std::string head = ".queue MXM.E." + std::to_string(k) + "\n";
    const auto pos = prog.text.find(head);
    const auto next = prog.text.find(".queue", pos + head.size());
    prog.text.insert(next == std::string::npos ? prog.text.size() : next, text.substr(head.size()));
  }
  return prog.text;
}

std::int64_t product_run(const LpuParams& p, ElemType type, int m) {
  const int interval = type == ElemType::f16 ? p.mxm_fp16_interval : 1;
  Chip chip(p, Mode::timing_only);
  const RunResult r = chip.run(assemble(product_program(p, type, m, interval), "products.s", p));
  REQUIRE_MESSAGE(r.errors.empty(), r.errors.front().str());
  return r.cycles;
}

// m more activations cost m x interval more cycles: INT8 streams
// 4 x 320 x 320 = 409,600 MACs a cycle, 737 TOPS at 900 MHz (the product
// brief says 750, 1.7% above: it may count at a slightly higher clock);
// FP16 a quarter of it, 184 TFLOPS (brief 188, 2% above). The preset's
// interval is derived from the two published figures, so this checks the
// emulator keeps to it with every plane busy, not an independent measurement.
TEST_CASE("products: FP16 streams at a quarter of the INT8 rate, near the published 188 and 750 TOPS") {
  const LpuParams& p = tsp();
  const int m = 64;
  const std::int64_t int8 = product_run(p, ElemType::i8, 2 * m) - product_run(p, ElemType::i8, m);
  const std::int64_t fp16 = product_run(p, ElemType::f16, 2 * m) - product_run(p, ElemType::f16, m);
  CHECK(int8 == m);
  CHECK(fp16 == 4 * m);
  const double macs = 4.0 * m * p.mxm_dim * p.mxm_dim, hz = p.clock.value();
  const double int8_tops = 2 * macs / static_cast<double>(int8) * hz / 1e12;
  const double fp16_tflops = 2 * macs / static_cast<double>(fp16) * hz / 1e12;
  MESSAGE("tsp-v1 MXM: INT8 " << int8_tops << " TOPS, FP16 " << fp16_tflops << " TFLOPS");
  CHECK(int8_tops == doctest::Approx(750).epsilon(0.02));
  CHECK(fp16_tflops == doctest::Approx(188).epsilon(0.025));
}

// FP16 activations spaced 4 apart on a variant whose planes take one every
// 5: the second is refused where it arrives (first at 14 + 80 + 2 + 1 = 97).
TEST_CASE("products: FP16 activations faster than the plane takes them are a schedule error") {
  LpuParams p = tsp();
  const std::string text = product_program(p, ElemType::f16, 2, p.mxm_fp16_interval);
  p.mxm_fp16_interval = 5;
  Chip chip(p, Mode::timing_only);
  const RunResult r = chip.run(assemble(text, "products.s", p));
  REQUIRE(!r.errors.empty());
  CHECK(r.errors[0].cycle == 101);
  CHECK(r.errors[0].message == "f16 activations faster than one every 5 cycles on this plane (the last at cycle 97)");
}

// Copy 4,096 vectors (1.3 MB) from bank 0 of slice E.0 to bank 1 of slice
// E.43 over one stream. E.0 (position 13) reads vector k at cycle k onto E0
// at k + 3; it reaches E.43 (position 24) at k + 14, where the write takes
// it. The last write is at 4,095 + 14: 4,110 cycles, the one-vector-a-cycle
// stream bound of 4,096 plus the 14-cycle pipe (read delay 3, 11 hops).
TEST_CASE("copy: 4,096 vectors across a hemisphere in the stream bound plus the pipe") {
  const LpuParams& p = tsp();
  const int n = 4096, pipe = p.delay(Opcode::read).d_func + stream_position(p, {Unit::mem, Hemisphere::east, 43}) -
                             stream_position(p, {Unit::mem, Hemisphere::east, 0});
  CHECK(pipe == 14);
  const std::string text = ".arch tsp-v1\n.queue MEM.E.0\n    read a=0 s=E0\n    repeat n=" + std::to_string(n - 1) +
                           " d=1 astride=1\n.queue MEM.E.43\n    nop n=" + std::to_string(pipe) +
                           "\n    write a=4096 s=E0\n    repeat n=" + std::to_string(n - 1) + " d=1 astride=1\n";
  Chip chip(p, Mode::functional);
  for (int k = 0; k < n; ++k) {
    std::vector<std::uint8_t> v(320);
    for (int i = 0; i < 320; ++i) v[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>((k * 131 + i) % 256);
    chip.write_vector({Hemisphere::east, 0}, k, v);
  }
  const RunResult r = chip.run(assemble(text, "copy.s", p));
  REQUIRE_MESSAGE(r.errors.empty(), r.errors.front().str());
  CHECK(r.cycles == 4110);
  // Both slices issue 4,096 times; the first in program order is named.
  const IssueBound bound = issue_bound(assemble(text, "copy.s", p));
  CHECK(bound.queue == "MEM.E.0");
  CHECK(bound.cycles == n);
  int equal = 0;
  for (int k = 0; k < n; ++k)
    equal += chip.read_vector({Hemisphere::east, 43}, 4096 + k) == chip.read_vector({Hemisphere::east, 0}, k);
  CHECK(equal == n);
  MESSAGE("tsp-v1 copy of " << n << " vectors: " << r.cycles << " cycles, bound " << n << " (ratio "
                            << static_cast<double>(r.cycles) / n << ")");
}

}  // namespace
}  // namespace tokenfab::lpu
