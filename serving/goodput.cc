#include "serving/goodput.h"

#include <cmath>

#include "core/diagnostics.h"

namespace tokenfab {

double goodput_rate(const std::function<double(double rate)>& attainment_at, double attainment, double start,
                    double tolerance) {
  if (!(start > 0) || !(attainment > 0 && attainment <= 1))
    throw InputError({"goodput"}, "expected a positive starting rate and an attainment in (0, 1]");
  constexpr int kSteps = 20;
  double held = 0, failed = 0;
  if (attainment_at(start) >= attainment) {
    held = start;
    for (int i = 0; i < kSteps && failed == 0; ++i) {
      const double r = held * 2;
      (attainment_at(r) >= attainment ? held : failed) = r;
    }
    if (failed == 0) return held;  // holds at every rate tried
  } else {
    failed = start;
    for (int i = 0; i < kSteps && held == 0; ++i) {
      const double r = failed / 2;
      (attainment_at(r) >= attainment ? held : failed) = r;
    }
    if (held == 0) throw InputError({"goodput"}, "no request rate tried meets the SLO attainment asked");
  }
  while (failed - held > tolerance * held) {
    const double mid = 0.5 * (held + failed);
    (attainment_at(mid) >= attainment ? held : failed) = mid;
  }
  return held;
}

}  // namespace tokenfab
