#include "emulator/isa/assembler.h"

#include <doctest/doctest.h>

#include "emulator/isa/program_binary.h"

namespace tokenfab::lpu {
namespace {

const LpuParams& tsp() {
  static const LpuParams p = load_lpu_params("configs/lpu/tsp_v1.yaml");
  return p;
}

std::string error_of(const std::string& text) {
  try {
    assemble(text, "t.s", tsp());
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

TEST_CASE("isa: the opcode table is indexed by opcode") {
  for (std::size_t i = 0; i < op_table().size(); ++i) CHECK(static_cast<std::size_t>(op_table()[i].op) == i);
  CHECK(stream_named("E3") == 3);
  CHECK(stream_named("W5") == 37);
  CHECK(stream_name(37) == "W5");
  CHECK(!stream_named("E32"));
}

TEST_CASE("presets: tsp-v1 geometry and derived rates") {
  const LpuParams& p = tsp();
  CHECK(p.vector_bytes() == 320);
  // 2 hemispheres x 44 slices x 20 tiles x 2 banks x 4096 words x 16 B = 220 MiB.
  CHECK(p.sram_capacity().value() == 220.0 * 1024 * 1024);
  // 320 B at 14 GB/s = 22.9 ns = 20.6 cycles at 900 MHz: 21 cycles per vector.
  CHECK(p.c2c_cycles_per_vector() == 21);
  CHECK(p.delay(Opcode::read).d_func == 3);
  LpuParams lp30 = load_lpu_params("configs/lpu/lp30.yaml");
  // 2 x 96 x 20 x 2 x 4096 x 16 B = 503 MB, the published ~500 MB.
  CHECK(lp30.sram_capacity().value() == doctest::Approx(503.3e6).epsilon(1e-3));
  LpuParams tiny = load_lpu_params("configs/lpu/tiny.yaml");
  CHECK(tiny.vector_bytes() == 16);
}

const char* kSample = R"(
.arch tsp-v1
# copy a vector from slice 12 to slice 30 of the east hemisphere
.queue MEM.E.12
    read a=0x000 s=E3
    repeat n=319 d=1 astride=1
.queue MEM.E.30
    nop n=7
    write a=0x800 s=E3
.queue VXM.3
    add in=E3,E4 out=W5 type=f32
.queue MXM.W.0
    lw s=E0..E7 plane=0 buf=1
    abc s=E16 plane=0 n=26
.queue C2C.5
    send s=W8 link=5 n=52
)";

TEST_CASE("assembler: text, disassembly and binary round-trip") {
  Program p = assemble(kSample, "sample.s", tsp());
  REQUIRE(p.queues.size() == 5);
  CHECK(queue_name(p.queues[0].id) == "MEM.E.12");
  CHECK(p.queues[0].code[0].op == Opcode::read);
  CHECK(std::get<std::int64_t>(p.queues[0].code[1].operands.at(Field::n)) == 319);
  CHECK(std::get<Streams>(p.queues[3].code[0].operands.at(Field::s)) == Streams{0, 1, 2, 3, 4, 5, 6, 7});
  CHECK(p.queues[0].code[0].loc.str() == "sample.s:5:5");
  std::string text = disassemble(p);
  CHECK(text.find("    lw s=E0..E7 buf=1 plane=0") != std::string::npos);  // operands in canonical order
  Program again = assemble(text, "again.s", tsp());
  CHECK(again == p);
  CHECK(disassemble(again) == text);
  CHECK(decode(encode(p), "sample.bin", tsp()) == p);
}

// SXM maps travel with the program through text and binary.
TEST_CASE("assembler: SXM maps round-trip and are checked against their use") {
  const std::string text =
      ".arch tsp-v1\n.map 1 319..0\n.map 2 0 0 1 1 -1 -1 6..15\n.queue SXM.E.0\n"
      "    permute in=E0 out=W0 map=1\n    distribute in=E1 out=W1 map=2\n    rotate in=E2 out=W2 n=5\n";
  const Program p = assemble(text, "maps.s", tsp());
  REQUIRE(p.maps.size() == 2);
  CHECK(p.maps.at(1).front() == 319);
  CHECK(p.maps.at(1).back() == 0);
  CHECK(p.maps.at(2) == std::vector<int>{0, 0, 1, 1, -1, -1, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15});
  CHECK(assemble(disassemble(p), "again.s", tsp()) == p);
  CHECK(decode(encode(p), "maps.bin", tsp()) == p);
  CHECK(error_of(".arch tsp-v1\n.queue SXM.E.0\n    permute in=E0 out=W0 map=4\n") ==
        "error: t.s:3:5: map 4 is not defined (.map 4 <lanes...>)\n");
  CHECK(error_of(".arch tsp-v1\n.map 4 0..318 0\n.queue SXM.E.0\n    permute in=E0 out=W0 map=4\n") ==
        "error: t.s:4:5: map 4 is not a permutation (lane 0)\n");
  CHECK(error_of(".arch tsp-v1\n.map 4 0..319\n.queue SXM.E.0\n    distribute in=E0 out=W0 map=4\n") ==
        "error: t.s:4:5: map 4 has 320 lanes; distribute takes 16 (one superlane)\n");
  CHECK(error_of(".arch tsp-v1\n.map 4 0..9\n") ==
        "error: t.s:2:1: a map has 320 lanes (permute) or 16 (distribute) on tsp-v1, got 10\n");
  CHECK(error_of(".arch tsp-v1\n.map 4 0..15\n.map 4 0..15\n") == "error: t.s:3:6: map 4 is defined twice\n");
}

TEST_CASE("assembler: errors name the place and what was expected") {
  CHECK(error_of(".arch tsp-v1\n.queue VXM.3\n    ad in=E1 out=E2 type=f32\n") ==
        "error: t.s:3:5: unknown instruction 'ad'; did you mean 'add'?\n");
  CHECK(error_of(".arch tsp-v1\n.queue VXM.3\n    read a=1 s=E2\n") ==
        "error: t.s:3:5: 'read' is a MEM instruction; queue VXM.3 is VXM\n");
  CHECK(error_of(".arch tsp-v1\n.queue MEM.E.1\n    read a=1\n") == "error: t.s:3:5: 'read' needs operand s=\n");
  CHECK(error_of(".arch tsp-v1\n.queue MEM.E.1\n    read a=1 s=E2 n=3\n") ==
        "error: t.s:3:19: 'read' takes a, s=..., got 'n=3'\n");
  CHECK(error_of(".arch tsp-v1\n.queue MEM.E.1\n    read a=1 s=E40\n") ==
        "error: t.s:3:16: expected streams such as E3, E3,E4 or E0..E7, got 'E40'\n");
  CHECK(error_of(".arch tsp-v1\n.queue MEM.E.44\n") ==
        "error: t.s:2:8: queue 'MEM.E.44': index must be 0..43 on tsp-v1\n");
  CHECK(error_of(".queue MEM.E.1\n    nop n=1\n") == "error: t.s:1:1: missing '.arch tsp-v1'\n");
  CHECK(error_of(".arch lp30\n") == "error: t.s:1:7: the program is for 'lp30' but the chip is 'tsp-v1'\n");
  CHECK(error_of(".arch tsp-v1\n.queue VXM.1\n.queue VXM.1\n").find("appears twice") != std::string::npos);
  CHECK(error_of(".arch tsp-v1\n.queue VXM.1\n    add in=E1 out=E2 type=f33\n").find("expected an element type") !=
        std::string::npos);
}

TEST_CASE("binary: malformed images are rejected with the byte offset") {
  std::vector<std::uint8_t> bytes = encode(assemble(kSample, "sample.s", tsp()));
  std::vector<std::uint8_t> cut(bytes.begin(), bytes.begin() + 30);
  try {
    decode(cut, "cut.bin", tsp());
    FAIL("expected an error");
  } catch (const InputError& e) {
    CHECK(std::string(e.what()).find("truncated") != std::string::npos);
  }
  bytes[0] = 'X';
  CHECK_THROWS_AS(decode(bytes, "bad.bin", tsp()), InputError);
}

}  // namespace
}  // namespace tokenfab::lpu

namespace tokenfab::lpu {
namespace {

// Random fragments of valid and invalid syntax: the assembler either accepts
// a program or reports errors, and never crashes or hangs.
TEST_CASE("assembler: random input is accepted or reported, never a crash") {
  const char* pieces[] = {".arch",     "tsp-v1",    ".queue",   "MEM.E.3", "VXM.2",    "MXM.W.1", "SXM.E.0",
                          "C2C.3",     "read",      "write",    "add",     "lw",       "a=0x10",  "s=E1",
                          "in=W0..W3", "out=E1,E2", "type=f32", "n=-1",    "n=99",     "d=0",     "plane=7",
                          "=",         "a=",        "E0..",     "#",       "s=E0..W3", "repeat",  "nop",
                          "x=1",       "..",        "0x",       "\t",      "lanes=-4"};
  std::uint64_t state = 12345;
  auto next = [&] {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<std::size_t>(state >> 33);
  };
  int accepted = 0, rejected = 0;
  for (int round = 0; round < 300; ++round) {
    std::string text = round % 2 ? ".arch tsp-v1\n" : "";
    for (int line = 0; line < 8; ++line) {
      for (std::size_t k = 0, n = next() % 5; k <= n; ++k)
        text += std::string(pieces[next() % std::size(pieces)]) + " ";
      text += "\n";
    }
    try {
      Program p = assemble(text, "fuzz.s", tsp());
      CHECK(decode(encode(p), "fuzz.bin", tsp()) == p);
      ++accepted;
    } catch (const InputError& e) {
      CHECK(std::string(e.what()).rfind("error: ", 0) == 0);
      ++rejected;
    }
  }
  CHECK(rejected > 0);
  MESSAGE(accepted << " accepted, " << rejected << " rejected");
}

}  // namespace
}  // namespace tokenfab::lpu
