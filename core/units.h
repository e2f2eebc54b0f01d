// Quantities with units as types.
//
// A Quantity carries a double in SI base units and its dimension as exponents
// of six base dimensions (byte, second, FLOP, joule, dollar, token), so
// bandwidth times time is bytes and adding bytes to seconds does not compile:
//
//   Bytes weights = parse_quantity_as<Bytes>("288 GB").value();
//   BytesPerSecond hbm = parse_quantity_as<BytesPerSecond>("22 TB/s").value();
//   Seconds sweep = weights / hbm;           // 13.1 ms
//   double n = weights / Bytes(1e9);         // dimensionless: plain double
//
// Dimension algebra after SST's UnitAlgebra and abseil's Duration, but checked
// at compile time. Parsing accepts SI prefixes (k M G T P E, m u µ n p) and
// binary ones (Ki Mi Gi Ti Pi); "b"/"bit" is an eighth of "B".
#pragma once

#include <cmath>
#include <compare>
#include <string>
#include <string_view>
#include <variant>

namespace tokenfab {

struct Dims {
  int byte = 0, second = 0, flop = 0, joule = 0, dollar = 0, token = 0;
  constexpr bool operator==(const Dims&) const = default;
};

constexpr Dims operator+(Dims a, Dims b) {
  return {a.byte + b.byte,   a.second + b.second, a.flop + b.flop,
          a.joule + b.joule, a.dollar + b.dollar, a.token + b.token};
}
constexpr Dims operator-(Dims a, Dims b) {
  return {a.byte - b.byte,   a.second - b.second, a.flop - b.flop,
          a.joule - b.joule, a.dollar - b.dollar, a.token - b.token};
}
inline constexpr Dims kScalarDims{};

template <Dims D>
class Quantity {
 public:
  static constexpr Dims dims = D;
  constexpr Quantity() = default;
  constexpr explicit Quantity(double value_si) : value_(value_si) {}
  // SI value (bytes, seconds, FLOP, joules, dollars, tokens and their ratios).
  constexpr double value() const { return value_; }

  constexpr Quantity operator+(Quantity o) const { return Quantity(value_ + o.value_); }
  constexpr Quantity operator-(Quantity o) const { return Quantity(value_ - o.value_); }
  constexpr Quantity operator-() const { return Quantity(-value_); }
  constexpr Quantity& operator+=(Quantity o) {
    value_ += o.value_;
    return *this;
  }
  constexpr Quantity& operator-=(Quantity o) {
    value_ -= o.value_;
    return *this;
  }
  constexpr Quantity operator*(double k) const { return Quantity(value_ * k); }
  constexpr Quantity operator/(double k) const { return Quantity(value_ / k); }
  constexpr Quantity& operator*=(double k) {
    value_ *= k;
    return *this;
  }
  friend constexpr Quantity operator*(double k, Quantity q) { return Quantity(k * q.value_); }
  constexpr auto operator<=>(const Quantity&) const = default;

 private:
  double value_ = 0.0;
};

namespace units_detail {
template <Dims D>
constexpr auto make(double v) {
  if constexpr (D == kScalarDims) {
    return v;  // a ratio of like quantities is a plain number
  } else {
    return Quantity<D>(v);
  }
}
}  // namespace units_detail

template <Dims A, Dims B>
constexpr auto operator*(Quantity<A> a, Quantity<B> b) {
  return units_detail::make<A + B>(a.value() * b.value());
}
template <Dims A, Dims B>
constexpr auto operator/(Quantity<A> a, Quantity<B> b) {
  return units_detail::make<A - B>(a.value() / b.value());
}
template <Dims A>
constexpr auto operator/(double k, Quantity<A> a) {
  return units_detail::make<kScalarDims - A>(k / a.value());
}

using Bytes = Quantity<Dims{.byte = 1}>;
using Seconds = Quantity<Dims{.second = 1}>;
using Hertz = Quantity<Dims{.second = -1}>;
using BytesPerSecond = Quantity<Dims{.byte = 1, .second = -1}>;
using Flops = Quantity<Dims{.flop = 1}>;
using FlopsPerSecond = Quantity<Dims{.second = -1, .flop = 1}>;
using Joules = Quantity<Dims{.joule = 1}>;
using Watts = Quantity<Dims{.second = -1, .joule = 1}>;
using Dollars = Quantity<Dims{.dollar = 1}>;
using DollarsPerSecond = Quantity<Dims{.second = -1, .dollar = 1}>;
using Tokens = Quantity<Dims{.token = 1}>;
using TokensPerSecond = Quantity<Dims{.second = -1, .token = 1}>;
using TokensPerJoule = Quantity<Dims{.joule = -1, .token = 1}>;  // tokens per second per watt
using DollarsPerToken = Quantity<Dims{.dollar = 1, .token = -1}>;
using DollarsPerJoule = Quantity<Dims{.joule = -1, .dollar = 1}>;  // electricity ($/kWh), facility ($/kW/month)

// A parsed "<number> <unit>" before its dimension is checked.
struct ParsedQuantity {
  double value_si = 0.0;
  Dims dims;
};

// Either a value or a message saying what was expected.
template <class T>
using ParseResult = std::variant<T, std::string>;

ParseResult<ParsedQuantity> parse_quantity(std::string_view text);

// Human name of a dimension ("bandwidth", "time") and an example literal.
std::string dimension_name(Dims d);
std::string dimension_example(Dims d);

template <class Q>
ParseResult<Q> parse_quantity_as(std::string_view text) {
  auto parsed = parse_quantity(text);
  if (auto* err = std::get_if<std::string>(&parsed)) return *err;
  const auto& p = std::get<ParsedQuantity>(parsed);
  if (!(p.dims == Q::dims)) {
    return "expected " + dimension_name(Q::dims) + " such as '" + dimension_example(Q::dims) + "', got " +
           dimension_name(p.dims) + " '" + std::string(text) + "'";
  }
  return Q(p.value_si);
}

// "7.16 GB", "22 TB/s", "12.5 us": three significant digits, engineering prefix.
std::string format_si(double value_si, Dims d);
template <Dims D>
std::string to_string(Quantity<D> q) {
  return format_si(q.value(), D);
}
// Unit symbol of a dimension in SI base form ("B/s", "FLOP/s", "$/tok").
std::string unit_symbol(Dims d);

}  // namespace tokenfab
