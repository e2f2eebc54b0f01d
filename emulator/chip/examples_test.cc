// The hand-written programs in emulator/examples/, assembled from their
// files, run on data, checked against Eigen and against their bounds.
#include <doctest/doctest.h>

#include <Eigen/Core>
#include <cstring>
#include <fstream>
#include <sstream>

#include "emulator/chip/chip.h"
#include "emulator/isa/assembler.h"
#include "emulator/isa/program_bound.h"

namespace tokenfab::lpu {
namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  REQUIRE(in);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// gemv_dequant_tiny.s: the file's own derivation gives 65 cycles. Its
// bounds: the busiest queue is MXM.E.0 with 16 lw, iw, abc and acc = 19
// issues. The dataflow bound lets every weight row leave at once: each is
// on its stream at 3 and at the MXM (three positions east) at 6, installed
// at 6; x is there at 5, so abc takes it at 6, the product is ready at 28
// and emitted at 31; it reaches the VXM at 35, is converted by 38,
// multiplied by 41 and written by slice 3 (four positions east) at 45: 46
// cycles. The emulated 65 add the rows' streaming through one stream, one a
// cycle, and the cycles the program leaves between its stages.
TEST_CASE("examples: the hand-written dequantised GEMV matches Eigen within its bounds") {
  const LpuParams p = load_lpu_params("configs/lpu/tiny.yaml");
  const Program prog = assemble(read_file("emulator/examples/gemv_dequant_tiny.s"), "gemv_dequant_tiny.s", p);
  Eigen::Matrix<std::int8_t, 16, 16, Eigen::RowMajor> w;
  Eigen::Matrix<std::int8_t, 16, 1> x;
  Eigen::Array<float, 16, 1> scale;
  Chip chip(p, Mode::functional);
  for (int k = 0; k < 16; ++k) {
    for (int j = 0; j < 16; ++j) w(k, j) = static_cast<std::int8_t>((k * 29 + j * 13 + k * j) % 255 - 127);
    x(k) = static_cast<std::int8_t>((k * 41) % 255 - 127);
    scale(k) = 1.0f / static_cast<float>(3 + k) + 1e-3f * static_cast<float>(k);
    std::vector<std::uint8_t> row(16);
    std::memcpy(row.data(), w.row(k).data(), 16);
    chip.write_vector({Hemisphere::east, 0}, k, row);
  }
  std::vector<std::uint8_t> xv(16);
  std::memcpy(xv.data(), x.data(), 16);
  chip.write_vector({Hemisphere::east, 1}, 0, xv);
  for (int b = 0; b < 4; ++b) {
    std::vector<std::uint8_t> plane(16);
    for (int l = 0; l < 16; ++l) {
      std::uint32_t raw = 0;
      std::memcpy(&raw, &scale(l), 4);
      plane[static_cast<std::size_t>(l)] = static_cast<std::uint8_t>(raw >> (8 * b));
    }
    chip.write_vector({Hemisphere::east, b}, 20, plane);
  }
  const RunResult r = chip.run(prog);
  REQUIRE_MESSAGE(r.errors.empty(), r.errors.front().str());
  CHECK(r.cycles == 65);
  CHECK(issue_bound(prog).cycles == 19);
  CHECK(r.dataflow_bound == 46);
  // INT32 products are exact and below 2^24, so their conversion is exact;
  // one FP32 multiply rounds once, as Eigen's does.
  const Eigen::Array<float, 16, 1> want =
      (w.cast<std::int32_t>().transpose() * x.cast<std::int32_t>()).array().cast<float>() * scale;
  for (int l = 0; l < 16; ++l) {
    std::uint32_t raw = 0;
    for (int b = 0; b < 4; ++b)
      raw |= static_cast<std::uint32_t>(chip.read_vector({Hemisphere::east, b}, 30)[static_cast<std::size_t>(l)])
             << (8 * b);
    float got = 0;
    std::memcpy(&got, &raw, 4);
    CHECK(got == want(l));
  }
}

}  // namespace
}  // namespace tokenfab::lpu
