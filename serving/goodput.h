// Goodput as DistServe defines it: the highest request rate at which a
// deployment still serves at least `attainment` of requests within their
// SLOs. Found by doubling the rate from `start` until the attainment falls
// below the target (or halving until it holds), then bisecting between the
// last rate that held and the first that did not, to `tolerance` of it.
// Attainment need not fall monotonically with the rate in a finite run; the
// search reports the rate where it first crossed, as DistServe's does.
//
//   double rate = goodput_rate([&](double r) { return run_at(r).slo_attainment; }, 0.9, 1.0);
#pragma once

#include <functional>

namespace tokenfab {

// Throws InputError when no rate down to start / 2^20 holds the target.
double goodput_rate(const std::function<double(double rate)>& attainment_at, double attainment, double start,
                    double tolerance = 0.02);

}  // namespace tokenfab
