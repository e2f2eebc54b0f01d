#include "economics/linear_program.h"

#include <cmath>
#include <cstddef>
#include <limits>
#include <stdexcept>
#include <vector>

#include <doctest/doctest.h>

namespace tokenfab {
namespace {

TEST_CASE("linear program: a textbook two-variable problem reaches the best vertex") {
  // Hillier and Lieberman's Wyndor Glass: maximise 3x + 5y with x <= 4,
  // 2y <= 12, 3x + 2y <= 18. The feasible region's vertices and their values:
  //   (0, 0) 0;  (4, 0) 12;  (4, 3) 27;  (2, 6) 36;  (0, 6) 30.
  // The best is (2, 6) at 36. Every step is exact in binary (the scaled rows
  // and the pivots are small dyadic fractions), so the answer is too.
  const LinearSolution s = maximise({{3, 5}, {{1, 0}, {0, 2}, {3, 2}}, {4, 12, 18}});
  CHECK(s.bounded);
  REQUIRE(s.x.size() == 2);
  CHECK(s.x[0] == 2);
  CHECK(s.x[1] == 6);
  CHECK(s.value == 36);
}

TEST_CASE("linear program: a fractional knapsack fills by value per weight") {
  // Items of value 60, 100, 120 and weight 10, 20, 30 (ratios 6, 5, 4), a
  // capacity of 50 and at most one of each: greedy by ratio is optimal for
  // the fractional knapsack, so all of the first two (weight 30) and 20/30 of
  // the third: 60 + 100 + 120 x 2/3 = 240.
  const LinearSolution s = maximise({{60, 100, 120}, {{10, 20, 30}, {1, 0, 0}, {0, 1, 0}, {0, 0, 1}}, {50, 1, 1, 1}});
  CHECK(s.bounded);
  REQUIRE(s.x.size() == 3);
  CHECK(s.x[0] == doctest::Approx(1).epsilon(1e-12));
  CHECK(s.x[1] == doctest::Approx(1).epsilon(1e-12));
  CHECK(s.x[2] == doctest::Approx(2.0 / 3).epsilon(1e-12));
  CHECK(s.value == doctest::Approx(240).epsilon(1e-12));
}

TEST_CASE("linear program: a 2 x 3 transportation problem where greedy by profit falls short") {
  // Supplies 10 and 15, demands 10 each, profit per unit:
  //          d1  d2  d3
  //   s1      8   7   3
  //   s2      7   2   4
  // x[3i + j] ships from s(i+1) to d(j+1), each row's total at most its limit.
  // Greedy by profit sends s1's 10 to d1 (80), then s2 to d3 (40) and d2 (5 x 2):
  // 130. Better: s1 -> d2 10 (70), s2 -> d1 10 (70), s2 -> d3 5 (20): 160.
  // Optimal, by a dual certificate: prices u = (5, 4) on the supplies and
  // v = (3, 2, 0) on the demands cover every profit (u_i + v_j >= p_ij: 8, 7,
  // 5 >= 3; 7, 6 >= 2, 4) and cost 10 x 5 + 15 x 4 + 10 x 3 + 10 x 2 = 160,
  // so no shipment earns more.
  const LinearProgram lp{
      {8, 7, 3, 7, 2, 4},
      {{1, 1, 1, 0, 0, 0}, {0, 0, 0, 1, 1, 1}, {1, 0, 0, 1, 0, 0}, {0, 1, 0, 0, 1, 0}, {0, 0, 1, 0, 0, 1}},
      {10, 15, 10, 10, 10}};
  const LinearSolution s = maximise(lp);
  CHECK(s.bounded);
  CHECK(s.x == std::vector<double>{0, 10, 0, 10, 0, 5});
  CHECK(s.value == 160);
}

TEST_CASE("linear program: degenerate vertices and tied ratio tests end at the optimum") {
  // Chvatal (Linear Programming, 1983, p. 31): maximise 10a - 57b - 9c - 24d with
  //   0.5a - 5.5b - 2.5c + 9d <= 0,  0.5a - 1.5b - 0.5c + d <= 0,  a <= 1.
  // Two zero limits make the origin degenerate, and the first ratio test is a
  // tie (both rows bound a at 0). On this tableau as stated, entering by the
  // largest reduced cost returns to the slack basis after six pivots and
  // cycles for ever (checked in exact arithmetic); Bland's rule reaches
  // a = c = 1, b = d = 0, value 10 - 9 = 1. Optimal, by the dual
  // y = (0, 18, 1): y.A >= c column by column (10 >= 10, -27 >= -57,
  // -9 >= -9, 18 >= -24) and y.b = 1.
  // Not a guard on the rule itself: scaling the rows changes the slacks'
  // reduced costs, so a largest-coefficient variant of this solver happens
  // not to cycle here (tried, and on Beale's below too); the next case pins
  // Bland's choice.
  const LinearSolution s =
      maximise({{10, -57, -9, -24}, {{0.5, -5.5, -2.5, 9}, {0.5, -1.5, -0.5, 1}, {1, 0, 0, 0}}, {0, 0, 1}});
  CHECK(s.bounded);
  CHECK(s.x == std::vector<double>{1, 0, 1, 0});
  CHECK(s.value == 1);

  // Beale's example, as stated, cycles the same way: maximise 3/4 a - 150b + c/50 - 6d with
  // a/4 - 60b - c/25 + 9d <= 0, a/2 - 90b - c/50 + 3d <= 0, c <= 1. The optimum
  // a = 1/25, c = 1 (value 3/100 + 2/100 = 1/20) has the dual y = (0, 3/2, 1/20):
  // 3/4 >= 3/4, -135 >= -150, -3/100 + 1/20 = 1/50 >= 1/50, 9/2 >= -6.
  const LinearSolution beale =
      maximise({{0.75, -150, 0.02, -6}, {{0.25, -60, -0.04, 9}, {0.5, -90, -0.02, 3}, {0, 0, 1, 0}}, {0, 0, 1}});
  CHECK(beale.bounded);
  CHECK(beale.x[0] == doctest::Approx(0.04).epsilon(1e-12));
  CHECK(beale.x[1] == 0);
  CHECK(beale.x[2] == doctest::Approx(1).epsilon(1e-12));
  CHECK(beale.x[3] == 0);
  CHECK(beale.value == doctest::Approx(0.05).epsilon(1e-12));
}

TEST_CASE("linear program: ties go to the lowest index, and a zero limit pins its variables") {
  // x + 2y <= 2 with profits 1 and 2: every point of the edge from (2, 0) to
  // (0, 1) earns 2. Bland's rule enters x first (the lowest index that
  // improves, though y improves more per unit); x fills the row and y then
  // gains nothing: (2, 0). A largest-coefficient rule would stop at (0, 1).
  const LinearSolution tie = maximise({{1, 2}, {{1, 2}}, {2}});
  CHECK(tie.x == std::vector<double>{2, 0});
  CHECK(tie.value == 2);
  // y <= 0 holds y at 0 though it pays more; x takes the rest.
  const LinearSolution s = maximise({{1, 5}, {{1, 1}, {0, 1}}, {3, 0}});
  CHECK(s.x == std::vector<double>{3, 0});
  CHECK(s.value == 3);
}

TEST_CASE("linear program: an unbounded objective is reported, from a feasible vertex") {
  // -x + y <= 1 never limits x, which pays 1.
  CHECK_FALSE(maximise({{1, -1}, {{-1, 1}}, {1}}).bounded);
  // x - y <= 2: x rises to 2, then y may rise for ever taking x with it
  // (x = 2 + y), each unit of y paying 1 + 1 = 2. The last vertex, (2, 0), is
  // feasible.
  const LinearSolution s = maximise({{1, 1}, {{1, -1}}, {2}});
  CHECK_FALSE(s.bounded);
  CHECK(s.x == std::vector<double>{2, 0});
}

TEST_CASE("linear program: a zero objective, or no variables, leaves x at 0") {
  const LinearSolution s = maximise({{0, 0, 0}, {{1, 2, 3}, {-1, 0, 4}}, {5, 6}});
  CHECK(s.bounded);
  CHECK(s.x == std::vector<double>{0, 0, 0});
  CHECK(s.value == 0);
  const LinearSolution empty = maximise({{}, {{}}, {7}});
  CHECK(empty.x.empty());
  CHECK(empty.value == 0);
}

TEST_CASE("linear program: the units do not change the answer") {
  // The same problem with the objective or a row in other units. Rescaling
  // by a power of two is exact, so the pivots and x are the same bit for bit;
  // another factor only rounds differently. An objective of 1e-15 a unit
  // (dollars per token, say) sits below an absolute tolerance of 1e-12 and
  // would read as zero without the rescaling.
  // The problem: the profits of the transportation case above, supplies
  // 10.3 and 15.1 and only d1 limited, to 9.7. A unit of d1 is worth 3 more
  // to s2 (7 against its next best 4) than 1 more to s1 (8 against 7), so
  // s2 -> d1 9.7 and its other 5.4 to d3, s1 -> d2 10.3: 67.9 + 21.6 + 72.1
  // = 161.6.
  const LinearProgram lp{
      {8, 7, 3, 7, 2, 4}, {{1, 1, 1, 0, 0, 0}, {0, 0, 0, 1, 1, 1}, {1, 0, 0, 1, 0, 0}}, {10.3, 15.1, 9.7}};
  const LinearSolution base = maximise(lp);
  const std::vector<double> expected{0, 10.3, 0, 9.7, 0, 5.4};
  for (std::size_t j = 0; j < expected.size(); ++j) CHECK(base.x[j] == doctest::Approx(expected[j]).epsilon(1e-12));
  CHECK(base.value == doctest::Approx(161.6).epsilon(1e-12));
  LinearProgram binary = lp;
  for (double& c : binary.objective) c = std::ldexp(c, 20);
  for (double& a : binary.rows[1]) a = std::ldexp(a, -30);
  binary.limits[1] = std::ldexp(binary.limits[1], -30);
  CHECK(maximise(binary).x == base.x);
  LinearProgram decimal = lp;
  for (double& c : decimal.objective) c *= 1e-15;
  for (double& a : decimal.rows[0]) a *= 1e12;
  decimal.limits[0] *= 1e12;
  const LinearSolution d = maximise(decimal);
  for (std::size_t j = 0; j < base.x.size(); ++j) CHECK(d.x[j] == doctest::Approx(base.x[j]).epsilon(1e-12));
}

TEST_CASE("linear program: malformed input is refused with what is wrong") {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  CHECK_THROWS_WITH_AS(maximise({{1, 1}, {{1, 1}, {1}}, {1, 1}}),
                       doctest::Contains("row 1 has 1 coefficients, the objective 2"), std::invalid_argument);
  CHECK_THROWS_WITH_AS(maximise({{1}, {{1}}, {1, 2}}), doctest::Contains("1 rows but 2 limits"), std::invalid_argument);
  CHECK_THROWS_WITH_AS(maximise({{1}, {{1}}, {-1}}), doctest::Contains("limit of row 0 is -1"), std::invalid_argument);
  CHECK_THROWS_WITH_AS(maximise({{1}, {{1}}, {inf}}), doctest::Contains("limit of row 0 is inf"),
                       std::invalid_argument);
  CHECK_THROWS_WITH_AS(maximise({{1}, {{1}}, {nan}}), doctest::Contains("limit of row 0 is nan"),
                       std::invalid_argument);
  CHECK_THROWS_WITH_AS(maximise({{1, 1}, {{1, nan}}, {1}}), doctest::Contains("coefficient 1 of row 0 is nan"),
                       std::invalid_argument);
  CHECK_THROWS_WITH_AS(maximise({{inf}, {{1}}, {1}}), doctest::Contains("objective coefficient 0 is inf"),
                       std::invalid_argument);
}

}  // namespace
}  // namespace tokenfab
