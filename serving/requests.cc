#include "serving/requests.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "core/diagnostics.h"

namespace tokenfab {

std::uint64_t RequestRandom::next() {
  std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

double RequestRandom::uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

std::int64_t RequestRandom::between(const LengthRange& r) {
  const auto span = static_cast<std::uint64_t>(r.high - r.low) + 1;
  return r.low + static_cast<std::int64_t>(next() % span);
}

double RequestRandom::exponential(double mean) { return -mean * std::log1p(-uniform()); }

double RequestRandom::normal() {
  const double u = 1.0 - uniform();  // (0, 1]
  const double v = uniform();
  return std::sqrt(-2.0 * std::log(u)) * std::cos(2.0 * 3.14159265358979323846 * v);
}

double RequestRandom::gamma(double shape, double scale) {
  if (shape < 1.0) return gamma(shape + 1.0, scale) * std::pow(1.0 - uniform(), 1.0 / shape);
  const double d = shape - 1.0 / 3.0, c = 1.0 / std::sqrt(9.0 * d);
  while (true) {
    const double x = normal();
    const double v = std::pow(1.0 + c * x, 3);
    if (v <= 0) continue;
    const double u = 1.0 - uniform();
    if (std::log(u) < 0.5 * x * x + d - d * v + d * std::log(v)) return d * v * scale;
  }
}

LengthRange nominal_lengths(std::int64_t nominal, double ratio) {
  return {std::max<std::int64_t>(1, std::llround(ratio * static_cast<double>(nominal))), nominal};
}

void check_lengths(const LengthRange& r, const char* what) {
  if (r.low < 1 || r.high < r.low) {
    throw InputError({std::string(what)},
                     "expected 1 <= low <= high tokens, got " + std::to_string(r.low) + ".." + std::to_string(r.high));
  }
}

std::vector<Request> poisson_requests(const PoissonLoad& load) {
  if (!(load.rate > 0) || !std::isfinite(load.rate)) throw InputError({"rate"}, "expected a positive request rate");
  if (load.count < 1) throw InputError({"requests"}, "expected at least one request");
  if (!(load.cv > 0) || !std::isfinite(load.cv))
    throw InputError({"cv"}, "expected a positive coefficient of variation of the arrival gaps");
  check_lengths(load.input, "input tokens");
  check_lengths(load.output, "output tokens");
  RequestRandom random(load.seed);
  std::vector<Request> out;
  out.reserve(static_cast<std::size_t>(load.count));
  double t = 0;
  for (std::int64_t i = 0; i < load.count; ++i) {
    // cv 1 keeps the exponential draw itself, so Poisson runs stay as they were.
    const double shape = 1.0 / (load.cv * load.cv);
    t += load.cv == 1.0 ? random.exponential(1.0 / load.rate) : random.gamma(shape, 1.0 / (load.rate * shape));
    out.push_back({i, Seconds(t), random.between(load.input), random.between(load.output), {}});
  }
  return out;
}

}  // namespace tokenfab
