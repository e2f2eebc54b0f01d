// How one YAML scalar becomes one typed value, and how that value is shown.
//
// A Codec<V> reads a ConfigNode into V and reports what it expected on
// failure. Numbers (quantities, integers, ratios) may be written plainly,
// `bandwidth: 8 TB/s`, or with their provenance inline,
// `bandwidth: {value: 8 TB/s, source: "NVIDIA B200 datasheet", status: spec}`;
// the reader records where each number came from (see Provenance).
//
// Enumerations declare their names once through EnumNames<E>:
//
//   template <> struct EnumNames<Dtype> {
//     static constexpr std::array<std::pair<Dtype, std::string_view>, 3> table{...};
//   };
#pragma once

#include <array>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/config_node.h"
#include "core/units.h"

namespace tokenfab {

// Where a number in a config came from; `status` is spec, reported,
// projection, assumed, or fitted (set by a fit on calibration data, the fit
// written down where the value is).
struct Provenance {
  std::string path;
  std::string value;
  std::string source;
  std::string status;
  Location loc;
};

inline constexpr std::array<std::string_view, 5> kStatusNames = {"spec", "reported", "projection", "assumed", "fitted"};

struct BindContext {
  Diagnostics& diags;
  std::vector<Provenance>* provenance = nullptr;  // recorded when set
  std::string source;                             // inherited from the enclosing section
  std::string status;
};

template <class E>
struct EnumNames;  // specialise with `static constexpr std::array<std::pair<E, std::string_view>, N> table`

template <class E>
std::string_view enum_name(E value) {
  for (const auto& [v, name] : EnumNames<E>::table) {
    if (v == value) return name;
  }
  return "?";
}

template <class E>
std::optional<E> enum_from_name(std::string_view name) {
  for (const auto& [v, n] : EnumNames<E>::table) {
    if (n == name) return v;
  }
  return std::nullopt;
}

template <class E>
std::vector<std::string> enum_names() {
  std::vector<std::string> out;
  out.reserve(EnumNames<E>::table.size());
  for (const auto& [v, n] : EnumNames<E>::table) out.emplace_back(n);
  return out;
}

namespace codec_detail {
// Returns the node holding the number itself, unwrapping {value, source,
// status} and recording provenance; nullptr after reporting an error.
const ConfigNode* number_node(const ConfigNode& n, const std::string& path, BindContext& ctx);
void record(const ConfigNode& value, const std::string& path, BindContext& ctx);
std::optional<std::int64_t> read_integer(const ConfigNode& raw, const std::string& path, BindContext& ctx);
std::optional<double> read_real(const ConfigNode& raw, const std::string& path, BindContext& ctx);
std::optional<ParsedQuantity> read_quantity(const ConfigNode& raw, Dims dims, const std::string& path,
                                            BindContext& ctx);
std::optional<std::string> read_enum_text(const ConfigNode& n, const std::vector<std::string>& names,
                                          const std::string& path, BindContext& ctx);
std::string show_real(double v);
}  // namespace codec_detail

template <class V, class = void>
struct Codec;

template <Dims D>
struct Codec<Quantity<D>> {
  static std::optional<Quantity<D>> read(const ConfigNode& n, const std::string& path, BindContext& ctx) {
    auto q = codec_detail::read_quantity(n, D, path, ctx);
    if (!q) return std::nullopt;
    return Quantity<D>(q->value_si);
  }
  static std::string type_name() { return dimension_name(D); }
  static std::string show(Quantity<D> v) { return to_string(v); }
  static double order(Quantity<D> v) { return v.value(); }
};

template <>
struct Codec<std::int64_t> {
  static std::optional<std::int64_t> read(const ConfigNode& n, const std::string& path, BindContext& ctx) {
    return codec_detail::read_integer(n, path, ctx);
  }
  static std::string type_name() { return "an integer"; }
  static std::string show(std::int64_t v) { return std::to_string(v); }
  static double order(std::int64_t v) { return static_cast<double>(v); }
};

template <>
struct Codec<int> {
  static std::optional<int> read(const ConfigNode& n, const std::string& path, BindContext& ctx) {
    auto v = codec_detail::read_integer(n, path, ctx);
    if (!v) return std::nullopt;
    if (*v < std::numeric_limits<int>::min() || *v > std::numeric_limits<int>::max()) {
      ctx.diags.error(n.loc, path, "expected an integer that fits in 32 bits, got " + std::to_string(*v));
      return std::nullopt;
    }
    return static_cast<int>(*v);
  }
  static std::string type_name() { return "an integer"; }
  static std::string show(int v) { return std::to_string(v); }
  static double order(int v) { return v; }
};

template <>
struct Codec<double> {
  static std::optional<double> read(const ConfigNode& n, const std::string& path, BindContext& ctx) {
    return codec_detail::read_real(n, path, ctx);
  }
  static std::string type_name() { return "a number"; }
  static std::string show(double v) { return codec_detail::show_real(v); }
  static double order(double v) { return v; }
};

template <>
struct Codec<bool> {
  static std::optional<bool> read(const ConfigNode& n, const std::string& path, BindContext& ctx);
  static std::string type_name() { return "true or false"; }
  static std::string show(bool v) { return v ? "true" : "false"; }
};

template <>
struct Codec<std::string> {
  static std::optional<std::string> read(const ConfigNode& n, const std::string& path, BindContext& ctx);
  static std::string type_name() { return "a string"; }
  static std::string show(const std::string& v) { return "\"" + v + "\""; }
};

// A list of scalars ("[30, 100]", "[$45, $150]"): each item read as one V.
template <class V>
struct Codec<std::vector<V>> {
  static std::optional<std::vector<V>> read(const ConfigNode& n, const std::string& path, BindContext& ctx) {
    if (!n.is_sequence()) {
      ctx.diags.error(n.loc, path, "expected a list of " + Codec<V>::type_name() + ", got " + n.kind_name());
      return std::nullopt;
    }
    std::vector<V> out;
    bool ok = true;
    for (std::size_t i = 0; i < n.items.size(); ++i) {
      auto v = Codec<V>::read(n.items[i], path + "[" + std::to_string(i) + "]", ctx);
      if (v) out.push_back(*v);
      ok = ok && v.has_value();
    }
    if (!ok) return std::nullopt;
    return out;
  }
  static std::string type_name() { return "a list of " + Codec<V>::type_name(); }
  static std::string show(const std::vector<V>& v) {
    std::string out = "[";
    for (const V& x : v) out += (out.size() > 1 ? ", " : "") + Codec<V>::show(x);
    return out + "]";
  }
};

template <class E>
struct Codec<E, std::enable_if_t<std::is_enum_v<E>>> {
  static std::optional<E> read(const ConfigNode& n, const std::string& path, BindContext& ctx) {
    auto text = codec_detail::read_enum_text(n, enum_names<E>(), path, ctx);
    if (!text) return std::nullopt;
    return enum_from_name<E>(*text);
  }
  static std::string type_name() {
    std::string out = "one of";
    for (const auto& n : enum_names<E>()) out += " " + n;
    return out;
  }
  static std::string show(E v) { return std::string(enum_name(v)); }
};

}  // namespace tokenfab
