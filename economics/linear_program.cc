#include "economics/linear_program.h"

#include <cmath>
#include <cstddef>
#include <sstream>
#include <stdexcept>

namespace tokenfab {
namespace {

// Every row and the objective are rescaled so that their largest magnitude
// lies in [0.5, 1); a tableau entry or reduced cost below this tolerance is
// then rounding noise of about 1e4 ulps, whatever the units: prices of 1e-6
// $/token and throughputs of 1e6 tokens/s per MW would make any absolute
// threshold either swallow real coefficients or trust noise. The scale is a
// power of two, so rescaling is exact and the same problem in other units
// pivots the same way.
constexpr double kTolerance = 1e-12;

template <class... Parts>
[[noreturn]] void reject(const Parts&... parts) {
  std::ostringstream message;
  message << "linear program: ";
  (message << ... << parts);
  throw std::invalid_argument(message.str());
}

void check(const LinearProgram& lp) {
  const std::size_t n = lp.objective.size();
  for (std::size_t j = 0; j < n; ++j)
    if (!std::isfinite(lp.objective[j])) reject("objective coefficient ", j, " is ", lp.objective[j]);
  if (lp.limits.size() != lp.rows.size()) reject(lp.rows.size(), " rows but ", lp.limits.size(), " limits");
  for (std::size_t i = 0; i < lp.rows.size(); ++i) {
    const std::vector<double>& row = lp.rows[i];
    if (row.size() != n) reject("row ", i, " has ", row.size(), " coefficients, the objective ", n);
    for (std::size_t j = 0; j < n; ++j)
      if (!std::isfinite(row[j])) reject("coefficient ", j, " of row ", i, " is ", row[j]);
    if (!std::isfinite(lp.limits[i]) || lp.limits[i] < 0)
      reject("limit of row ", i, " is ", lp.limits[i], ", expected a finite value >= 0");
  }
}

// The power of two that brings the largest magnitude of `values` into [0.5, 1).
double unit_scale(const std::vector<double>& values) {
  double largest = 0;
  for (double v : values) largest = std::fmax(largest, std::fabs(v));
  if (largest == 0) return 1;
  int exponent = 0;
  std::frexp(largest, &exponent);
  return std::ldexp(1.0, -exponent);
}

}  // namespace

LinearSolution maximise(const LinearProgram& lp) {
  check(lp);
  const std::size_t n = lp.objective.size(), m = lp.rows.size(), width = n + m;

  // tableau[i] = [scaled row i | slack unit column | scaled limit]; the
  // slacks form the first basis, so each row's basic variable is n + i.
  std::vector<std::vector<double>> tableau(m, std::vector<double>(width + 1, 0.0));
  std::vector<std::size_t> basis(m);
  for (std::size_t i = 0; i < m; ++i) {
    const double scale = unit_scale(lp.rows[i]);
    for (std::size_t j = 0; j < n; ++j) tableau[i][j] = lp.rows[i][j] * scale;
    tableau[i][n + i] = 1;
    tableau[i][width] = lp.limits[i] * scale;
    basis[i] = n + i;
  }
  // Reduced costs: a variable with a positive one raises the objective.
  std::vector<double> reduced(width, 0.0);
  const double objective_scale = unit_scale(lp.objective);
  for (std::size_t j = 0; j < n; ++j) reduced[j] = lp.objective[j] * objective_scale;

  bool bounded = true;
  for (;;) {
    // Bland: the lowest-indexed improving column enters...
    std::size_t entering = width;
    for (std::size_t j = 0; j < width && entering == width; ++j)
      if (reduced[j] > kTolerance) entering = j;
    if (entering == width) break;

    // ...and of the rows that bound it most tightly, the one whose basic
    // variable has the lowest index leaves.
    std::size_t leaving = m;
    double tightest = 0;
    for (std::size_t i = 0; i < m; ++i) {
      const double a = tableau[i][entering];
      if (a <= kTolerance) continue;
      const double ratio = tableau[i][width] / a;
      if (leaving == m || ratio < tightest || (ratio == tightest && basis[i] < basis[leaving])) {
        leaving = i;
        tightest = ratio;
      }
    }
    if (leaving == m) {
      bounded = false;  // nothing limits the entering column
      break;
    }

    std::vector<double>& pivot_row = tableau[leaving];
    const double pivot = pivot_row[entering];
    for (double& v : pivot_row) v /= pivot;
    pivot_row[entering] = 1;
    for (std::size_t i = 0; i < m; ++i) {
      if (i == leaving || tableau[i][entering] == 0) continue;
      const double factor = tableau[i][entering];
      for (std::size_t j = 0; j <= width; ++j) tableau[i][j] -= factor * pivot_row[j];
      tableau[i][entering] = 0;
      // The ratio test keeps every limit >= 0 in exact arithmetic; a
      // rounding-negative one would win the next ratio test wrongly.
      tableau[i][width] = std::fmax(tableau[i][width], 0.0);
    }
    const double factor = reduced[entering];
    for (std::size_t j = 0; j < width; ++j) reduced[j] -= factor * pivot_row[j];
    reduced[entering] = 0;
    basis[leaving] = entering;
  }

  // Rows were scaled, columns were not: the basic values are x itself.
  LinearSolution solution;
  solution.bounded = bounded;
  solution.x.assign(n, 0.0);
  for (std::size_t i = 0; i < m; ++i)
    if (basis[i] < n) solution.x[basis[i]] = tableau[i][width];
  for (std::size_t j = 0; j < n; ++j) solution.value += lp.objective[j] * solution.x[j];
  return solution;
}

}  // namespace tokenfab
