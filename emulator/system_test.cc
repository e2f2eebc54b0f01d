#include "emulator/system.h"

#include <doctest/doctest.h>

#include "emulator/assembler.h"

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
