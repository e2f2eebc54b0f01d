#include "core/value_codec.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>

namespace tokenfab::codec_detail {

namespace {
bool scalar_or_error(const ConfigNode& n, const std::string& path, const std::string& expected, BindContext& ctx) {
  if (n.is_scalar()) return true;
  ctx.diags.error(n.loc, path, "expected " + expected + ", got " + n.kind_name());
  return false;
}
}  // namespace

const ConfigNode* number_node(const ConfigNode& n, const std::string& path, BindContext& ctx) {
  if (!n.is_map()) {
    record(n, path, ctx);
    return &n;
  }
  // {value: ..., source: ..., status: ...}: a number with its own provenance.
  const ConfigNode* value = n.find("value");
  for (const auto& e : n.entries) {
    if (e.key != "value" && e.key != "source" && e.key != "status") {
      std::string near = nearest_name(e.key, {"value", "source", "status"});
      ctx.diags.error(
          e.key_loc, path + "." + e.key,
          "unknown key in a number with provenance" +
              (near.empty() ? std::string(" (keys: value, source, status)") : "; did you mean '" + near + "'?"));
    }
  }
  if (!value) {
    ctx.diags.error(n.loc, path, "a number written as a map needs a 'value' key");
    return nullptr;
  }
  BindContext inner{ctx.diags, ctx.provenance, ctx.source, ctx.status};
  if (const ConfigNode* s = n.find("source"); s && s->is_scalar()) inner.source = s->scalar;
  if (const ConfigNode* s = n.find("status"); s && s->is_scalar()) {
    if (!read_enum_text(*s, {kStatusNames.begin(), kStatusNames.end()}, path + ".status", ctx)) return nullptr;
    inner.status = s->scalar;
  }
  record(*value, path, inner);
  return value;
}

void record(const ConfigNode& value, const std::string& path, BindContext& ctx) {
  if (!ctx.provenance) return;
  // A value given on the command line is the user's, whatever the file
  // around it says.
  if (value.loc.file.starts_with("--set ")) {
    ctx.provenance->push_back({path, value.scalar, value.loc.file, "overridden", value.loc});
    return;
  }
  ctx.provenance->push_back({path, value.scalar, ctx.source, ctx.status, value.loc});
}

std::optional<std::int64_t> read_integer(const ConfigNode& raw, const std::string& path, BindContext& ctx) {
  const ConfigNode* n = number_node(raw, path, ctx);
  if (!n || !scalar_or_error(*n, path, "an integer", ctx)) return std::nullopt;
  std::int64_t v = 0;
  const std::string& s = n->scalar;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) {
    ctx.diags.error(n->loc, path, "expected an integer, got '" + s + "'");
    return std::nullopt;
  }
  return v;
}

std::optional<double> read_real(const ConfigNode& raw, const std::string& path, BindContext& ctx) {
  const ConfigNode* n = number_node(raw, path, ctx);
  if (!n || !scalar_or_error(*n, path, "a number", ctx)) return std::nullopt;
  auto parsed = parse_quantity(n->scalar);
  if (std::holds_alternative<std::string>(parsed)) {
    ctx.diags.error(n->loc, path, "expected a number, got '" + n->scalar + "'");
    return std::nullopt;
  }
  const auto& q = std::get<ParsedQuantity>(parsed);
  if (!(q.dims == kScalarDims)) {
    ctx.diags.error(n->loc, path, "expected a plain number, got " + dimension_name(q.dims) + " '" + n->scalar + "'");
    return std::nullopt;
  }
  return q.value_si;
}

std::optional<ParsedQuantity> read_quantity(const ConfigNode& raw, Dims dims, const std::string& path,
                                            BindContext& ctx) {
  const ConfigNode* n = number_node(raw, path, ctx);
  std::string expected = dimension_name(dims) + " such as '" + dimension_example(dims) + "'";
  if (!n || !scalar_or_error(*n, path, expected, ctx)) return std::nullopt;
  auto parsed = parse_quantity(n->scalar);
  if (auto* err = std::get_if<std::string>(&parsed)) {
    ctx.diags.error(n->loc, path, *err);
    return std::nullopt;
  }
  const auto& q = std::get<ParsedQuantity>(parsed);
  if (q.dims == kScalarDims && !(dims == kScalarDims)) {
    ctx.diags.error(n->loc, path, "expected " + expected + ", got '" + n->scalar + "' without a unit");
    return std::nullopt;
  }
  if (!(q.dims == dims)) {
    ctx.diags.error(n->loc, path, "expected " + expected + ", got " + dimension_name(q.dims) + " '" + n->scalar + "'");
    return std::nullopt;
  }
  return q;
}

std::optional<std::string> read_enum_text(const ConfigNode& n, const std::vector<std::string>& names,
                                          const std::string& path, BindContext& ctx) {
  std::string list;
  for (const auto& name : names) list += (list.empty() ? "" : ", ") + name;
  if (!scalar_or_error(n, path, "one of " + list, ctx)) return std::nullopt;
  if (std::find(names.begin(), names.end(), n.scalar) != names.end()) return n.scalar;
  std::string near = nearest_name(n.scalar, names);
  ctx.diags.error(n.loc, path,
                  "expected one of " + list + ", got '" + n.scalar + "'" +
                      (near.empty() ? std::string() : "; did you mean '" + near + "'?"));
  return std::nullopt;
}

std::string show_real(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

}  // namespace tokenfab::codec_detail

namespace tokenfab {

std::optional<bool> Codec<bool>::read(const ConfigNode& n, const std::string& path, BindContext& ctx) {
  if (n.is_scalar() && !n.quoted && (n.scalar == "true" || n.scalar == "false")) return n.scalar == "true";
  ctx.diags.error(n.loc, path, "expected true or false, got " + n.kind_name());
  return std::nullopt;
}

std::optional<std::string> Codec<std::string>::read(const ConfigNode& n, const std::string& path, BindContext& ctx) {
  if (n.is_scalar()) return n.scalar;
  ctx.diags.error(n.loc, path, "expected a string, got " + n.kind_name());
  return std::nullopt;
}

}  // namespace tokenfab
