// A small dense linear program in the one form a power allocation needs:
//
//   maximise c.x  subject to  A x <= b,  x >= 0,  with every b >= 0,
//
// e.g. a data center's power over supplies x price tiers (about 15 variables
// and 20 rows). With b >= 0 the origin is feasible, so a primal simplex can
// start from the slack basis with no phase one. It runs on a full tableau
// and picks both the entering and the leaving variable by Bland's rule
// (lowest index), which never cycles on a degenerate vertex (Chvatal,
// Linear Programming, 1983, ch. 3).
//
// Limits: no equality or >= rows and no free variables (they need a phase
// one); dense, O(rows x (columns + rows)) a pivot, and Bland's rule may take
// many pivots, so it is meant for tens of variables, not thousands. Each row
// and the objective are rescaled by a power of two so that one tolerance
// serves any units (linear_program.cc says why); columns are not, so a
// variable whose coefficients span many decades more than its neighbours'
// can be misjudged. Same input, same output bit for bit.
//
//   LinearProgram lp{{3, 5}, {{1, 0}, {0, 2}, {3, 2}}, {4, 12, 18}};
//   LinearSolution s = maximise(lp);  // s.x = {2, 6}, s.value = 36
#pragma once

#include <vector>

namespace tokenfab {

struct LinearProgram {
  std::vector<double> objective;          // c: maximise c.x
  std::vector<std::vector<double>> rows;  // A: each as long as the objective
  std::vector<double> limits;             // b: rows[i].x <= limits[i], each finite and >= 0
};

struct LinearSolution {
  // An optimal vertex. When the problem is unbounded, the last vertex
  // visited: feasible, but the objective grows without limit from it.
  std::vector<double> x;
  double value = 0;  // c.x
  bool bounded = true;
};

// Throws std::invalid_argument on a row whose length differs from the
// objective's, a count of limits that differs from the rows', a negative
// limit or any value that is not finite.
LinearSolution maximise(const LinearProgram& lp);

}  // namespace tokenfab
