#include "emulator/chip/system.h"

#include <doctest/doctest.h>

#include "emulator/isa/assembler.h"
#include "emulator/reference/kernel_check.h"

namespace tokenfab::lpu {
namespace {

const LpuParams& tiny() {
  static const LpuParams p = load_lpu_params("configs/lpu/tiny.yaml");
  return p;
}

// tiny: a 16-byte vector takes ceil(16 B / 14 GB/s x 900 MHz) = 2 cycles on a
// link, and a hop 20. Chip 0's slice E.0 (position 5) puts the vector on E0
// at 3; it reaches the C2C edge (8) at 6, where send starts it; the link is
// busy until 8 and the vector arrives at chip 1 at 8 + 20 = 28. Chip 1's
// recv at 28 puts it on W0 at 28 + 2 = 30, where slice E.3 (position 8) writes it.
std::vector<Program> ping(int recv_at, int sends) {
  const std::string sender = ".arch tiny\n.queue MEM.E.0\n    read a=0 s=E0\n" +
                             std::string(sends > 1 ? "    repeat n=1 d=1\n" : "") +
                             ".queue C2C.0\n    nop n=6\n    send s=E0 link=0 n=" + std::to_string(sends) + "\n";
  const std::string receiver = ".arch tiny\n.queue C2C.0\n    nop n=" + std::to_string(recv_at) +
                               "\n    recv s=W0 link=0\n.queue MEM.E.3\n    nop n=" + std::to_string(recv_at + 2) +
                               "\n    write a=7 s=W0\n";
  return {assemble(sender, "chip0.s", tiny()), assemble(receiver, "chip1.s", tiny())};
}

TEST_CASE("system: a vector crosses a chip-to-chip link in serialisation plus one hop") {
  CHECK(tiny().c2c_cycles_per_vector() == 2);
  LpuSystem sys(tiny(), 2, Mode::functional, {{0, 0, 1, 0}});
  std::vector<std::uint8_t> v(16);
  for (int i = 0; i < 16; ++i) v[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(200 - i);
  sys.chip(0).write_vector({Hemisphere::east, 0}, 0, v);
  auto r = sys.run(ping(28, 1));
  REQUIRE_MESSAGE(r[0].errors.empty(), r[0].errors.front().str());
  REQUIRE_MESSAGE(r[1].errors.empty(), r[1].errors.front().str());
  CHECK(r[1].cycles == 31);
  CHECK(sys.chip(1).read_vector({Hemisphere::east, 3}, 7) == v);
}

TEST_CASE("system: receiving a cycle early is a schedule error") {
  LpuSystem sys(tiny(), 2, Mode::functional, {{0, 0, 1, 0}});
  auto r = sys.run(ping(27, 1));
  REQUIRE(!r[1].errors.empty());
  CHECK(r[1].errors[0].message == "receive on link 0 before a vector has arrived (next at cycle 28)");
}

TEST_CASE("system: sending faster than the link carries is a schedule error") {
  LpuSystem sys(tiny(), 2, Mode::functional, {{0, 0, 1, 0}});
  auto r = sys.run(ping(28, 2));
  REQUIRE(!r[0].errors.empty());
  CHECK(r[0].errors[0].cycle == 7);
  CHECK(r[0].errors[0].message == "link 0 is still sending until cycle 8 (no flow control)");
}

}  // namespace
}  // namespace tokenfab::lpu

namespace tokenfab::lpu {
namespace {

// An all-reduce over an 8-chip node from the generator (every chip linked
// to the other 7, as in a GroqNode). On tsp-v1 (C2C edge at 24, VXM at 12,
// slice 0 at 13, slice 5 at 14; 21 cycles per vector, 450 per hop):
//   own vector read at 0 onto E0, at the C2C edge at 14; 7 sends start at 14
//   and arrive at 14 + 21 + 450 = 485; recv puts each on W(link) at 487, at
//   the VXM at 499. A second read of the own vector at 495 onto W7 reaches the
//   VXM at 499 too. Three levels of int8 adds at 499, 502 and 505 (d_func 3)
//   leave the sum on E6 at 508, which slice 5 writes at 510: 511 cycles.
// With 2 chips one level of adds: the sum at 502, written at 504, 505
// cycles; with 4, two levels: 508 cycles.
const LpuParams& tsp_v1() {
  static const LpuParams p = load_lpu_params("configs/lpu/tsp_v1.yaml");
  return p;
}

void check_all_reduce(int chips, std::int64_t cycles) {
  const LpuParams& p = tsp_v1();
  const AllReduceKernel k = all_reduce(p, chips);
  CHECK(k.links.size() == static_cast<std::size_t>(chips * (chips - 1) / 2));
  CHECK(k.expected_cycles == cycles);
  const KernelCheck c = check_all_reduce(p, {}, k, chips);
  REQUIRE_MESSAGE(c.run.errors.empty(), c.run.errors.front().str());
  CHECK(c.run.cycles == cycles);
  CHECK(k.hop_bound <= cycles);
  CHECK(c.run.dataflow_bound <= cycles);
  CHECK(c.outputs == 320 * chips);
  CHECK(c.mismatches == 0);
}

TEST_CASE("system: an 8-chip all-reduce leaves the sum on every chip in 511 cycles") { check_all_reduce(8, 511); }

TEST_CASE("system: the all-reduce generator scales to 2 and 4 chips and refuses 3") {
  check_all_reduce(2, 505);
  check_all_reduce(4, 508);
  const LpuParams& p = tsp_v1();
  CHECK_THROWS_AS(all_reduce(p, 3), std::invalid_argument);
  CHECK_THROWS_AS(all_reduce(p, 32), std::invalid_argument);  // 31 links; the chip has 16
}

// Ping-pong on tsp-v1 (the C2C microbenchmark): chip 0 sends a vector, chip
// 1 sends it straight back, chip 0 stores it. A 320-byte vector takes
// ceil(320 B / 14 GB/s x 900 MHz) = ceil(20.6) = 21 cycles on a link and a
// hop 450. Slice E.0 (position 13) puts it on E0 at 3; it reaches the C2C
// edge (24) at 14, where chip 0 sends it: it arrives at chip 1 at
// 14 + 21 + 450 = 485. Chip 1's recv puts it on W0 at 487, where its send
// takes it; back at chip 0 at 487 + 471 = 958, on W0 at 960, written there
// by slice E.43 (position 24): 961 cycles. The round trip, send to value
// back on chip 0's stream, is 2 x (21 + 450 + d_func(recv) 2) = 946 cycles,
// 1.05 us at 900 MHz; 900 of them are the assumed hop latency.
TEST_CASE("system: a C2C ping-pong between two tsp-v1 chips takes 2 x (serialisation + hop + receive)") {
  const LpuParams& tsp = tsp_v1();
  const int ser = tsp.c2c_cycles_per_vector(), hop = tsp.c2c_hop_latency, recv = tsp.delay(Opcode::recv).d_func;
  CHECK(ser == 21);
  const int sent = 14, back = sent + 2 * (ser + hop) + recv;
  const std::string chip0 =
      ".arch tsp-v1\n.queue MEM.E.0\n    read a=0 s=E0\n"
      ".queue C2C.0\n    nop n=" +
      std::to_string(sent) + "\n    send s=E0 link=0\n    nop n=" + std::to_string(back - sent - 1) +
      "\n    recv s=W0 link=0\n"
      ".queue MEM.E.43\n    nop n=" +
      std::to_string(back + recv) + "\n    write a=5 s=W0\n";
  const std::string chip1 = ".arch tsp-v1\n.queue C2C.0\n    nop n=" + std::to_string(sent + ser + hop) +
                            "\n    recv s=W0 link=0\n    nop n=" + std::to_string(recv - 1) +
                            "\n    send s=W0 link=0\n";
  LpuSystem sys(tsp, 2, Mode::functional, {{0, 0, 1, 0}});
  std::vector<std::uint8_t> v(320);
  for (int i = 0; i < 320; ++i) v[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(i * 3 + 1);
  sys.chip(0).write_vector({Hemisphere::east, 0}, 0, v);
  auto r = sys.run({assemble(chip0, "ping.s", tsp), assemble(chip1, "pong.s", tsp)});
  REQUIRE_MESSAGE(r[0].errors.empty(), r[0].errors.front().str());
  REQUIRE_MESSAGE(r[1].errors.empty(), r[1].errors.front().str());
  CHECK(back + recv - sent == 946);
  CHECK(r[0].cycles == 961);
  // No instruction waits longer than its operand needs: the dataflow bound,
  // carried across the link both ways, is the run itself.
  CHECK(r[0].dataflow_bound == 961);
  CHECK(sys.chip(0).read_vector({Hemisphere::east, 43}, 5) == v);
}

}  // namespace
}  // namespace tokenfab::lpu
