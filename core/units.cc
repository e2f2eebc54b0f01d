#include "core/units.h"

#include <array>
#include <charconv>
#include <cstdio>
#include <optional>

namespace tokenfab {
namespace {

struct BaseUnit {
  std::string_view symbol;
  double scale;  // SI value of one unit
  Dims dims;
};

// Longest symbols first where one is a prefix of another ("FLOPS" before
// "FLOP") so that the exact match wins before prefix splitting is tried.
constexpr std::array kBaseUnits = {
    BaseUnit{"FLOPS", 1.0, {.second = -1, .flop = 1}},
    BaseUnit{"FLOP", 1.0, {.flop = 1}},
    BaseUnit{"OPS", 1.0, {.second = -1, .flop = 1}},
    BaseUnit{"OP", 1.0, {.flop = 1}},
    BaseUnit{"tokens", 1.0, {.token = 1}},
    BaseUnit{"token", 1.0, {.token = 1}},
    BaseUnit{"tok", 1.0, {.token = 1}},
    BaseUnit{"bit", 0.125, {.byte = 1}},
    BaseUnit{"min", 60.0, {.second = 1}},
    // TCO conventions: a year of 8,760 hours, a month of a twelfth of it.
    BaseUnit{"month", 730.0 * 3600.0, {.second = 1}},
    BaseUnit{"yr", 8760.0 * 3600.0, {.second = 1}},
    BaseUnit{"Hz", 1.0, {.second = -1}},
    BaseUnit{"USD", 1.0, {.dollar = 1}},
    BaseUnit{"Wh", 3600.0, {.joule = 1}},
    BaseUnit{"B", 1.0, {.byte = 1}},
    BaseUnit{"b", 0.125, {.byte = 1}},
    BaseUnit{"s", 1.0, {.second = 1}},
    BaseUnit{"h", 3600.0, {.second = 1}},
    BaseUnit{"W", 1.0, {.second = -1, .joule = 1}},
    BaseUnit{"J", 1.0, {.joule = 1}},
    BaseUnit{"$", 1.0, {.dollar = 1}},
};

struct Prefix {
  std::string_view symbol;
  double scale;
};
constexpr std::array kPrefixes = {
    Prefix{"Ki", 1024.0},
    Prefix{"Mi", 1048576.0},
    Prefix{"Gi", 1073741824.0},
    Prefix{"Ti", 1099511627776.0},
    Prefix{"Pi", 1125899906842624.0},
    Prefix{"k", 1e3},
    Prefix{"K", 1e3},
    Prefix{"M", 1e6},
    Prefix{"G", 1e9},
    Prefix{"T", 1e12},
    Prefix{"P", 1e15},
    Prefix{"E", 1e18},
    Prefix{"m", 1e-3},
    Prefix{"u", 1e-6},
    Prefix{"µ", 1e-6},
    Prefix{"n", 1e-9},
    Prefix{"p", 1e-12},
};

struct Term {
  double scale;
  Dims dims;
};

std::optional<Term> parse_term(std::string_view s) {
  for (const auto& base : kBaseUnits) {
    if (s == base.symbol) return Term{base.scale, base.dims};
  }
  for (const auto& prefix : kPrefixes) {
    if (s.size() <= prefix.symbol.size() || s.substr(0, prefix.symbol.size()) != prefix.symbol) {
      continue;
    }
    std::string_view rest = s.substr(prefix.symbol.size());
    for (const auto& base : kBaseUnits) {
      if (rest == base.symbol) return Term{prefix.scale * base.scale, base.dims};
    }
  }
  return std::nullopt;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

ParseResult<ParsedQuantity> parse_quantity(std::string_view text) {
  std::string_view s = trim(text);
  double number = 0.0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), number);
  if (ec != std::errc() || !std::isfinite(number)) {
    return "expected a number followed by a unit, got '" + std::string(text) + "'";
  }
  std::string_view unit = trim(std::string_view(end, s.data() + s.size() - end));
  ParsedQuantity out{number, {}};
  if (unit.empty()) return out;
  if (unit == "%") {
    out.value_si = number / 100.0;
    return out;
  }
  // unit := term ('/' term)*; the first term may be omitted ("1/s").
  bool numerator = true;
  std::size_t pos = 0;
  while (pos <= unit.size()) {
    std::size_t slash = unit.find('/', pos);
    std::string_view piece = trim(unit.substr(pos, slash == std::string_view::npos ? std::string_view::npos : slash - pos));
    if (!(numerator && piece == "1" && pos == 0)) {
      auto term = parse_term(piece);
      if (!term) {
        return "unknown unit '" + std::string(piece) + "' in '" + std::string(text) +
               "' (units: B, b, bit, s, min, h, Hz, FLOP, FLOP/s, OP, W, J, Wh, $, tok; prefixes k M "
               "G T P E, Ki Mi Gi Ti, m u n p)";
      }
      out.value_si = numerator ? out.value_si * term->scale : out.value_si / term->scale;
      out.dims = numerator ? out.dims + term->dims : out.dims - term->dims;
    }
    if (slash == std::string_view::npos) break;
    numerator = false;
    pos = slash + 1;
  }
  return out;
}

std::string unit_symbol(Dims d) {
  std::string num, den;
  auto add = [&](int power, std::string_view sym) {
    std::string& side = power > 0 ? num : den;
    for (int i = 0; i < std::abs(power); ++i) {
      if (!side.empty()) side += "*";
      side += sym;
    }
  };
  add(d.dollar, "$");
  add(d.byte, "B");
  add(d.flop, "FLOP");
  add(d.joule, "J");
  add(d.token, "tok");
  add(d.second, "s");
  // Watts read better than J/s.
  if (d == Dims{.second = -1, .joule = 1}) return "W";
  if (d == Dims{.second = -1}) return "Hz";
  if (den.empty()) return num;
  return (num.empty() ? "1" : num) + "/" + den;
}

namespace {
struct NamedDims {
  Dims dims;
  const char* name = nullptr;
  const char* example = nullptr;
};
constexpr std::array kNamedDims = {
    NamedDims{{}, "a plain number", "0.9"},
    NamedDims{{.byte = 1}, "a size in bytes", "288 GB"},
    NamedDims{{.second = 1}, "a time", "1.5 us"},
    NamedDims{{.second = -1}, "a frequency", "900 MHz"},
    NamedDims{{.byte = 1, .second = -1}, "a bandwidth", "22 TB/s"},
    NamedDims{{.flop = 1}, "an operation count", "2 GFLOP"},
    NamedDims{{.second = -1, .flop = 1}, "a compute rate", "50 PFLOP/s"},
    NamedDims{{.joule = 1}, "an energy", "1 kWh"},
    NamedDims{{.second = -1, .joule = 1}, "a power", "1.2 kW"},
    NamedDims{{.dollar = 1}, "a cost", "3.5 M$"},
    NamedDims{{.second = -1, .dollar = 1}, "a cost rate", "2.21 $/h"},
    NamedDims{{.token = 1}, "a token count", "1 Mtok"},
    NamedDims{{.second = -1, .token = 1}, "a token rate", "400 tok/s"},
    NamedDims{{.dollar = 1, .token = -1}, "a price per token", "3 $/Mtok"},
};
const NamedDims* find_named(Dims d) {
  for (const auto& n : kNamedDims) {
    if (n.dims == d) return &n;
  }
  return nullptr;
}
}  // namespace

std::string dimension_name(Dims d) {
  const NamedDims* n = find_named(d);
  return n ? n->name : "a quantity in " + unit_symbol(d);
}

std::string dimension_example(Dims d) {
  const NamedDims* n = find_named(d);
  return n ? n->example : "1 " + unit_symbol(d);
}

std::string format_si(double v, Dims d) {
  char buf[64];
  // Prices read per million tokens ("3 $/Mtok").
  if (d == Dims{.dollar = 1, .token = -1}) {
    std::snprintf(buf, sizeof buf, "%.3g $/Mtok", v * 1e6);
    return buf;
  }
  static constexpr std::array<std::pair<double, const char*>, 11> kSteps = {{{1e18, "E"},
                                                                             {1e15, "P"},
                                                                             {1e12, "T"},
                                                                             {1e9, "G"},
                                                                             {1e6, "M"},
                                                                             {1e3, "k"},
                                                                             {1.0, ""},
                                                                             {1e-3, "m"},
                                                                             {1e-6, "u"},
                                                                             {1e-9, "n"},
                                                                             {1e-12, "p"}}};
  double scale = 1.0;
  const char* prefix = "";
  if (double mag = std::fabs(v); mag > 0.0) {
    for (const auto& [s, p] : kSteps) {
      if (mag >= s * 0.9995) {
        scale = s;
        prefix = p;
        break;
      }
    }
  }
  std::string unit = unit_symbol(d);
  if (unit.empty()) {
    std::snprintf(buf, sizeof buf, "%.4g", v);
    return buf;
  }
  std::snprintf(buf, sizeof buf, "%.3g %s", v / scale, prefix);
  return buf + unit;
}

}  // namespace tokenfab
