#include "emulator/kernels/schedule.h"

#include <doctest/doctest.h>

#include <Eigen/Core>

#include "emulator/chip/vxm.h"
#include "emulator/isa/assembler.h"
#include "emulator/reference/kernel_io.h"

namespace tokenfab::lpu {
namespace {

LpuParams preset(const char* name) { return load_lpu_params(std::string("configs/lpu/") + name + ".yaml"); }

// Runs what `s` scheduled on a functional chip; the run must be free of
// schedule errors and take exactly the cycles the scheduler predicted, at
// least its dependency-chain bound.
struct Ran {
  Chip chip;
  RunResult run;
  Ran(const LpuParams& p, Scheduler& s) : chip(p, Mode::functional) {
    load(chip, s.preloads());
    const std::int64_t predicted = s.cycles(), bound = s.chain_bound();
    const Program program = s.take();
    // Every scheduled program is one the assembler accepts as written.
    CHECK(assemble(disassemble(program), "scheduled.s", p) == program);
    run = chip.run(program);
    REQUIRE_MESSAGE(run.errors.empty(), run.errors.front().str());
    CHECK(run.cycles == predicted);
    CHECK(bound <= run.cycles);
  }
};

std::vector<float> ramp(int n, float scale, float offset) {
  std::vector<float> v(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) v[static_cast<std::size_t>(i)] = scale * static_cast<float>(i % 7 - 3) + offset;
  return v;
}

// y = x * x + z in f32 on both presets: bit-exact against the same float
// operations, the operand used twice read once onto two streams.
TEST_CASE("scheduler: f32 multiply-add through SRAM matches float arithmetic") {
  for (const char* name : {"small", "tsp_v1"}) {
    CAPTURE(name);
    const LpuParams p = preset(name);
    const int n = p.vector_bytes();
    Scheduler s(p);
    const auto xv = ramp(n, 0.37f, 0.1f), zv = ramp(n, -1.3f, 2.0f);
    Vec x = s.input_f32(xv), z = s.input_f32(zv);
    Vec xx = s.vxm(Opcode::mul, ElemType::f32, {&x, &x});
    Vec y = s.vxm(Opcode::add, ElemType::f32, {&xx, &z});
    Ran r(p, s);
    const auto got = read_lanes(r.chip, y);
    for (int l = 0; l < n; ++l) {
      const float want =
          xv[static_cast<std::size_t>(l)] * xv[static_cast<std::size_t>(l)] + zv[static_cast<std::size_t>(l)];
      CHECK(got[static_cast<std::size_t>(l)] == want);
    }
  }
}

// tsp-v1, x * x alone: the word of the east slice 0 (position 13) is read at
// 0, on its streams at 3, at the VXM (12) at 4, where mul issues; the product
// is on E streams at 4 + 3 = 7 and passes slices 4-7 (position 14) at 9,
// where it is written; readable at 10, the run's 10th cycle being its last.
// The dependency bound is the same: nothing competed.
TEST_CASE("scheduler: one VXM op on tsp-v1 takes its hand-derived cycles") {
  const LpuParams p = preset("tsp_v1");
  Scheduler s(p);
  Vec x = s.input_f32(ramp(p.vector_bytes(), 1.0f, 0.0f));  // slices 0-3
  Vec y = s.vxm(Opcode::mul, ElemType::f32, {&x, &x});      // slices 4-7
  CHECK(y.ready == 10);
  CHECK(y.bound == 10);
  Ran r(p, s);
  CHECK(r.run.cycles == 10);
}

// Writing into a vector orders the write after the vector's earlier writes
// as well as its reads: y is ready late (a chain of adds), then c * d is
// written into y, then read. The product must not be overwritten by y's
// own, later, write.
TEST_CASE("scheduler: a result written into a vector comes after the vector's earlier writes") {
  const LpuParams p = preset("tsp_v1");
  const int n = p.vector_bytes();
  Scheduler s(p);
  const auto av = ramp(n, 0.5f, 1.0f), cv = ramp(n, 2.0f, 3.0f), dv = ramp(n, -1.0f, 0.5f), ev = ramp(n, 1.0f, 2.0f);
  Vec a = s.input_f32(av), c = s.input_f32(cv), d = s.input_f32(dv), e = s.input_f32(ev);
  Vec y = a;
  for (int k = 0; k < 6; ++k) y = s.vxm(Opcode::add, ElemType::f32, {&y, &a});
  const Vec z = s.vxm(Opcode::mul, ElemType::f32, {&c, &d}, &y);
  const Vec w = s.vxm(Opcode::add, ElemType::f32, {&z, &e});
  Ran r(p, s);
  const auto got = read_lanes(r.chip, w);
  for (int l = 0; l < n; ++l) {
    const auto i = static_cast<std::size_t>(l);
    CHECK(got[i] == cv[i] * dv[i] + ev[i]);
  }
}

// Shifts move f32 lanes whole (all four byte planes by the same count).
TEST_CASE("scheduler: an f32 shift on the SXM moves lanes with zero fill") {
  const LpuParams p = preset("small");
  const int n = p.vector_bytes();
  Scheduler s(p);
  const auto xv = ramp(n, 0.5f, 0.25f);
  Vec x = s.input_f32(xv);
  Vec north = s.shift(x, 3), south = s.shift(x, -2);
  Ran r(p, s);
  const auto a = read_lanes(r.chip, north), b = read_lanes(r.chip, south);
  for (int l = 0; l < n; ++l) {
    CHECK(a[static_cast<std::size_t>(l)] == (l >= 3 ? xv[static_cast<std::size_t>(l - 3)] : 0.0f));
    CHECK(b[static_cast<std::size_t>(l)] == (l + 2 < n ? xv[static_cast<std::size_t>(l + 2)] : 0.0f));
  }
}

// Two tiles on two planes and three activations: exact INT32 against Eigen.
TEST_CASE("scheduler: matvec tiles match Eigen exactly") {
  for (const char* name : {"small", "tsp_v1"}) {
    CAPTURE(name);
    const LpuParams p = preset(name);
    const int dim = p.mxm_dim;
    Scheduler s(p);
    using M = Eigen::Matrix<std::int32_t, Eigen::Dynamic, Eigen::Dynamic>;
    std::vector<M> w;
    std::vector<std::vector<Vec>> tiles(2);
    for (int t = 0; t < 2; ++t) {
      w.emplace_back(M::NullaryExpr(dim, dim, [t](Eigen::Index r, Eigen::Index c) {
        return static_cast<std::int32_t>((r * 31 + c * 7 + Eigen::Index{t} * 13 + r * c) % 255) - 127;
      }));
      for (int r = 0; r < dim; ++r) {
        std::vector<std::int8_t> row(static_cast<std::size_t>(dim));
        for (int c = 0; c < dim; ++c) row[static_cast<std::size_t>(c)] = static_cast<std::int8_t>(w[t](r, c));
        tiles[static_cast<std::size_t>(t)].push_back(s.input_i8(row));
      }
    }
    std::vector<Vec> xs;
    std::vector<Eigen::VectorXi> xe;
    for (int i = 0; i < 3; ++i) {
      std::vector<std::int8_t> x(static_cast<std::size_t>(dim));
      Eigen::VectorXi e(dim);
      for (int k = 0; k < dim; ++k) {
        const int value = (k * 17 + i * 5) % 251 - 125;  // in [-125, 125]: an int8
        x[static_cast<std::size_t>(k)] = static_cast<std::int8_t>(value);
        e[k] = value;
      }
      xs.push_back(s.input_i8(x));
      xe.push_back(e);
    }
    auto y0 = s.matvec(tiles[0], {&xs[0], &xs[1], &xs[2]});
    auto y1 = s.matvec(tiles[1], {&xs[2]});
    CHECK(s.install_bound() ==
          std::int64_t{2} * dim * dim / static_cast<std::int64_t>(p.mxm_install_per_cycle.value()));
    Ran r(p, s);
    CHECK(s.install_bound() <= r.run.cycles);
    auto check = [&](const Vec& y, int t, int i) {
      const Eigen::VectorXi want = w[static_cast<std::size_t>(t)].transpose() * xe[static_cast<std::size_t>(i)];
      const auto got = read_lanes(r.chip, y);
      for (int l = 0; l < dim; ++l) CHECK(got[static_cast<std::size_t>(l)] == want[l]);
    };
    for (int i = 0; i < 3; ++i) check(y0[static_cast<std::size_t>(i)], 0, i);
    check(y1[0], 1, 2);
  }
}

// FP16 tiles: halves in, FP32 out, the 320-element sum rounded once (in
// double, then to float, as the reference does).
TEST_CASE("scheduler: FP16 matvec matches a once-rounded dot product") {
  for (const char* name : {"small", "tsp_v1"}) {
    CAPTURE(name);
    const LpuParams p = preset(name);
    const int dim = p.mxm_dim;
    Scheduler s(p);
    auto half_planes = [&](const Eigen::VectorXf& v) {
      return s.input(ElemType::f16, encode_lanes(v.array().cast<double>(), ElemType::f16));
    };
    // Values exactly representable as halves.
    Eigen::MatrixXf w = Eigen::MatrixXf::NullaryExpr(dim, dim, [](Eigen::Index r, Eigen::Index c) {
      return static_cast<float>((r * 13 + c * 7) % 61 - 30) / 16.0f;
    });
    Eigen::VectorXf x =
        Eigen::VectorXf::NullaryExpr(dim, [](Eigen::Index i) { return static_cast<float>(i % 23) / 8.0f - 1.0f; });
    std::vector<Vec> rows;
    rows.reserve(static_cast<std::size_t>(dim));
    for (int r = 0; r < dim; ++r) rows.push_back(half_planes(w.row(r).transpose()));
    Vec xv = half_planes(x);
    const std::vector<Vec> y = s.matvec(rows, {&xv, &xv});
    CHECK(y[0].type == ElemType::f32);
    Ran run(p, s);
    const Eigen::VectorXf want = (w.cast<double>().transpose() * x.cast<double>()).cast<float>();
    for (const Vec& v : y) {
      const auto got = read_lanes(run.chip, v);
      for (int l = 0; l < dim; ++l) CHECK(got[static_cast<std::size_t>(l)] == want[l]);
    }
  }
}

// A tile stored in the west goes to the west MXM (at position 0, fed by
// westward streams) on one of its planes: tsp-v1's planes 2 and 3, tiny's 1.
// Its activation may sit on either side; rows split over both are refused.
TEST_CASE("scheduler: a tile in the west hemisphere runs on the west MXM") {
  for (const char* name : {"tsp_v1", "tiny"}) {
    CAPTURE(name);
    const LpuParams p = preset(name);
    const int dim = p.mxm_dim;
    Scheduler s(p);
    Eigen::MatrixXi w(dim, dim);
    std::vector<Vec> rows;
    for (int r = 0; r < dim; ++r) {
      std::vector<std::int8_t> row(static_cast<std::size_t>(dim));
      for (int c = 0; c < dim; ++c) {
        w(r, c) = (r * 7 + c * 3) % 31 - 15;
        row[static_cast<std::size_t>(c)] = static_cast<std::int8_t>(w(r, c));
      }
      rows.push_back(s.input_i8(row, Hemisphere::west));
    }
    std::vector<std::int8_t> x(static_cast<std::size_t>(dim));
    Eigen::VectorXi xe(dim);
    for (int k = 0; k < dim; ++k) x[static_cast<std::size_t>(k)] = static_cast<std::int8_t>(xe[k] = k % 9 - 4);
    const Vec x_east = s.input_i8(x), x_west = s.input_i8(x, Hemisphere::west);
    std::vector<Vec> mixed = rows;
    mixed.back() = x_east;
    CHECK_THROWS_AS(s.matvec(mixed, {&x_east}), std::invalid_argument);
    const std::vector<Vec> y = s.matvec(rows, {&x_east, &x_west});
    const Program program = [&] {
      Scheduler copy = s;
      return copy.take();
    }();
    for (const QueueCode& q : program.queues) {
      if (q.id.unit != Unit::mxm) continue;
      CHECK(q.id.hemisphere == Hemisphere::west);
      CHECK(q.id.index >= (p.mxm_planes + 1) / 2);
    }
    Ran r(p, s);
    const Eigen::VectorXi want = w.transpose() * xe;
    for (const Vec& v : y) {
      const auto got = read_lanes(r.chip, v);
      for (int l = 0; l < dim; ++l) CHECK(got[static_cast<std::size_t>(l)] == want[l]);
    }
  }
}

}  // namespace
}  // namespace tokenfab::lpu
