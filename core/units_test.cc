#include "core/units.h"

#include <doctest/doctest.h>

namespace tokenfab {
namespace {

template <class Q>
double si(std::string_view text) {
  auto r = parse_quantity_as<Q>(text);
  REQUIRE_MESSAGE(std::holds_alternative<Q>(r), std::get<std::string>(r));
  return std::get<Q>(r).value();
}

std::string parse_error(std::string_view text) {
  auto r = parse_quantity(text);
  REQUIRE(std::holds_alternative<std::string>(r));
  return std::get<std::string>(r);
}

TEST_CASE("units: prefixes, bits and binary sizes") {
  CHECK(si<Bytes>("288 GB") == doctest::Approx(288e9));
  CHECK(si<Bytes>("220 MiB") == doctest::Approx(220.0 * 1024 * 1024));
  CHECK(si<BytesPerSecond>("22 TB/s") == doctest::Approx(22e12));
  CHECK(si<BytesPerSecond>("1.8 TB/s") == doctest::Approx(1.8e12));
  // 400 Gb/s is 50 GB/s: a bit is an eighth of a byte.
  CHECK(si<BytesPerSecond>("400 Gb/s") == doctest::Approx(50e9));
  CHECK(si<Hertz>("900 MHz") == doctest::Approx(9e8));
  CHECK(si<FlopsPerSecond>("50 PFLOP/s") == doctest::Approx(5e16));
  CHECK(si<FlopsPerSecond>("750 TOPS") == doctest::Approx(7.5e14));
  CHECK(si<Watts>("1.2 kW") == doctest::Approx(1200.0));
  // 2.21 $/h = 2.21 / 3600 $/s.
  CHECK(si<DollarsPerSecond>("2.21 $/h") == doctest::Approx(2.21 / 3600.0));
  CHECK(si<DollarsPerToken>("3 $/Mtok") == doctest::Approx(3e-6));
  CHECK(si<Seconds>("1.5 us") == doctest::Approx(1.5e-6));
  CHECK(si<Seconds>("2 ms") == doctest::Approx(2e-3));
  CHECK(si<Seconds>("1 min") == doctest::Approx(60.0));
}

TEST_CASE("units: wrong dimension and unknown units are errors") {
  auto r = parse_quantity_as<BytesPerSecond>("22 TB");
  REQUIRE(std::holds_alternative<std::string>(r));
  CHECK(std::get<std::string>(r) == "expected a bandwidth such as '22 TB/s', got a size in bytes '22 TB'");
  CHECK(parse_error("22 TQ/s").find("unknown unit 'TQ'") != std::string::npos);
  CHECK(parse_error("fast").find("expected a number") == 0);
}

TEST_CASE("units: algebra keeps dimensions") {
  Bytes weights(7e9);
  BytesPerSecond hbm(22e12);
  Seconds t = weights / hbm;  // 7 GB / 22 TB/s = 318 us
  CHECK(t.value() == doctest::Approx(3.1818e-4).epsilon(1e-4));
  Bytes back = hbm * t;
  CHECK(back.value() == doctest::Approx(7e9));
  double ratio = Bytes(3.0) / Bytes(2.0);
  CHECK(ratio == 1.5);
  Hertz f = 1.0 / Seconds(1e-9);
  CHECK(f.value() == doctest::Approx(1e9));
  static_assert(!std::is_invocable_v<std::plus<>, Bytes, Seconds>, "bytes + seconds must not compile");
  static_assert(std::is_same_v<decltype(Watts(1) * Seconds(1)), Joules>);
}

TEST_CASE("units: formatting picks an engineering prefix") {
  CHECK(to_string(Bytes(7.16e9)) == "7.16 GB");
  CHECK(to_string(BytesPerSecond(22e12)) == "22 TB/s");
  CHECK(to_string(Seconds(12.5e-6)) == "12.5 us");
  CHECK(to_string(Watts(1200)) == "1.2 kW");
  CHECK(to_string(DollarsPerToken(3e-6)) == "3 $/Mtok");
}

}  // namespace
}  // namespace tokenfab
