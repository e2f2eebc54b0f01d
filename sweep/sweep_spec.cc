#include "sweep/sweep_spec.h"

#include <fmt/format.h>

#include <cmath>
#include <random>
#include <variant>

#include "core/config_loader.h"
#include "core/config_node.h"
#include "core/units.h"

namespace tokenfab {
namespace {

// Rejects keys of `node` not in `known`, with the nearest one.
void check_keys(const ConfigNode& node, const std::string& path, const std::vector<std::string>& known,
                Diagnostics& d) {
  for (const auto& e : node.entries) {
    if (std::find(known.begin(), known.end(), e.key) != known.end()) continue;
    const std::string near = nearest_name(e.key, known);
    d.error(e.key_loc, path.empty() ? e.key : path + "." + e.key,
            "unknown key" + (near.empty() ? std::string() : "; did you mean '" + near + "'?"));
  }
}

const ConfigNode* scalar(const ConfigNode& map, const std::string& key, const std::string& path, Diagnostics& d,
                         bool required) {
  const ConfigNode* n = map.find(key);
  if (!n) {
    if (required) d.error(map.loc, path, "missing required key '" + key + "'");
    return nullptr;
  }
  if (!n->is_scalar()) {
    d.error(n->loc, path + "." + key, "expected a value, got " + n->kind_name());
    return nullptr;
  }
  return n;
}

// A number with or without a unit.
struct Magnitude {
  double value = 0;
  Dims dims;
  bool integer = false;  // no unit, and written as an integer
};

std::variant<Magnitude, std::string> magnitude(const std::string& text) {
  char* end = nullptr;
  const double plain = std::strtod(text.c_str(), &end);
  if (end && *end == '\0' && !text.empty()) {
    return Magnitude{plain, {}, text.find_first_of(".eE") == std::string::npos};
  }
  auto q = parse_quantity(text);
  if (auto* err = std::get_if<std::string>(&q)) return *err;
  const auto& p = std::get<ParsedQuantity>(q);
  return Magnitude{p.value_si, p.dims, false};
}

std::string write_magnitude(double v, const Magnitude& like) {
  if (like.integer) return fmt::format("{}", static_cast<std::int64_t>(std::llround(v)));
  const std::string number = fmt::format("{:.15g}", v);
  return like.dims == Dims{} ? number : number + " " + unit_symbol(like.dims);
}

// Random draws for `samples:`, the same on every machine: mt19937_64 is
// specified bit for bit, and the draws use its raw output, not a library
// distribution.
struct Sampler {
  std::int64_t count = 0;  // 0: no sampling
  bool latin = false;
  std::mt19937_64 rng;
  double unit() { return static_cast<double>(rng() >> 11) * 0x1.0p-53; }
  // `count` values in [0, 1): independent, or one in each of `count` strata
  // in a random order (Latin hypercube, one axis at a time).
  std::vector<double> draw() {
    std::vector<double> u(static_cast<std::size_t>(count));
    std::vector<std::size_t> stratum(u.size());
    for (std::size_t i = 0; i < u.size(); ++i) stratum[i] = i;
    for (std::size_t i = u.size(); latin && i > 1; --i) std::swap(stratum[i - 1], stratum[rng() % i]);
    for (std::size_t i = 0; i < u.size(); ++i) {
      u[i] = latin ? (static_cast<double>(stratum[i]) + unit()) / static_cast<double>(count) : unit();
    }
    return u;
  }
};

// range: {from, to, step | count, scale}; under `samples:` only from, to
// and scale, the values drawn.
void read_range(const ConfigNode& r, const std::string& path, SweepAxis& axis, Sampler& sampler, Diagnostics& d) {
  check_keys(r, path, {"from", "to", "step", "count", "scale"}, d);
  const ConfigNode* from = scalar(r, "from", path, d, true);
  const ConfigNode* to = scalar(r, "to", path, d, true);
  const ConfigNode* step = scalar(r, "step", path, d, false);
  const ConfigNode* count = scalar(r, "count", path, d, false);
  const ConfigNode* scale = scalar(r, "scale", path, d, false);
  if (!from || !to) return;
  const bool log = scale && scale->scalar == "log";
  if (scale && !log && scale->scalar != "linear") {
    d.error(scale->loc, path + ".scale", "expected one of linear, log, got '" + scale->scalar + "'");
  }
  if (sampler.count > 0 && (step || count)) {
    d.error(r.loc, path, "under samples: a range takes from and to (and scale), not step or count");
    return;
  }
  if (sampler.count == 0 && (step != nullptr) == (count != nullptr)) {
    d.error(r.loc, path, "give exactly one of step and count");
    return;
  }
  if (log && step) d.error(step->loc, path + ".step", "a log range takes count, not step");
  auto a = magnitude(from->scalar), b = magnitude(to->scalar);
  bool parsed = true;
  for (auto [m, n] : {std::pair{&a, from}, std::pair{&b, to}}) {
    if (auto* err = std::get_if<std::string>(m)) {
      d.error(n->loc, path, *err);
      parsed = false;
    }
  }
  if (!parsed) return;
  Magnitude lo = std::get<Magnitude>(a), hi = std::get<Magnitude>(b);
  if (!(lo.dims == hi.dims)) {
    d.error(to->loc, path + ".to",
            "from and to differ in kind: " + dimension_name(lo.dims) + " and " + dimension_name(hi.dims));
    return;
  }
  lo.integer = lo.integer && hi.integer;
  std::vector<double> values;
  if (sampler.count > 0) {
    if (log && (lo.value <= 0 || hi.value <= 0)) {
      d.error(from->loc, path, "a log range needs from and to above zero");
      return;
    }
    for (double u : sampler.draw()) {
      const double v = log ? lo.value * std::pow(hi.value / lo.value, u) : lo.value + u * (hi.value - lo.value);
      values.push_back(lo.integer ? std::round(v) : v);
    }
  } else if (count) {
    char* end = nullptr;
    const long n = std::strtol(count->scalar.c_str(), &end, 10);
    if (*end != '\0' || n < 2 || n > 1000000) {
      d.error(count->loc, path + ".count", "expected an integer from 2 to 1,000,000, got '" + count->scalar + "'");
      return;
    }
    if (log && (lo.value <= 0 || hi.value <= 0)) {
      d.error(from->loc, path, "a log range needs from and to above zero");
      return;
    }
    for (long i = 0; i < n; ++i) {
      const double f = static_cast<double>(i) / static_cast<double>(n - 1);
      values.push_back(log ? lo.value * std::pow(hi.value / lo.value, f) : lo.value + f * (hi.value - lo.value));
    }
    if (lo.integer && (std::fmod(hi.value - lo.value, static_cast<double>(n - 1)) != 0 || log)) lo.integer = false;
  } else {
    auto s = magnitude(step->scalar);
    if (auto* err = std::get_if<std::string>(&s)) {
      d.error(step->loc, path + ".step", *err);
      return;
    }
    const Magnitude st = std::get<Magnitude>(s);
    if (!(st.dims == lo.dims) || st.value <= 0) {
      d.error(step->loc, path + ".step", "expected a positive step of the same kind as from and to");
      return;
    }
    lo.integer = lo.integer && st.integer;
    const double n = std::floor((hi.value - lo.value) / st.value * (1 + 1e-12)) + 1;
    if (n < 1 || n > 1000000) {
      d.error(step->loc, path + ".step", fmt::format("gives {:.0f} values; expected 1 to 1,000,000", n));
      return;
    }
    for (int i = 0; i < static_cast<int>(n); ++i) values.push_back(lo.value + i * st.value);
  }
  for (double v : values) axis.values.push_back({write_magnitude(v, lo), r.loc});
}

SweepAxis read_axis(const ConfigNode& n, const std::string& path, Sampler& sampler, Diagnostics& d) {
  SweepAxis axis;
  axis.loc = n.loc;
  if (!n.is_map()) {
    d.error(n.loc, path, "expected a map with key and values, range or files, got " + n.kind_name());
    return axis;
  }
  check_keys(n, path, {"key", "values", "range", "files"}, d);
  if (const ConfigNode* k = scalar(n, "key", path, d, true)) axis.key = k->scalar;
  const int given = (n.find("values") != nullptr) + (n.find("range") != nullptr) + (n.find("files") != nullptr);
  if (given != 1) {
    d.error(n.loc, path, "give exactly one of values, range and files");
    return axis;
  }
  if (const ConfigNode* r = n.find("range")) {
    if (!r->is_map()) d.error(r->loc, path + ".range", "expected a map: {from, to, step or count, scale}");
    if (r->is_map()) read_range(*r, path + ".range", axis, sampler, d);
    return axis;
  }
  if (sampler.count > 0) {
    d.error(n.loc, path, "samples are drawn from ranges: give this axis a range");
    return axis;
  }
  axis.files = n.find("files") != nullptr;
  if (axis.files && axis.key != "system" && axis.key != "model") {
    d.error(n.find("files")->loc, path + ".files", "files replace the system or the model, not '" + axis.key + "'");
  }
  const ConfigNode& list = *n.find(axis.files ? "files" : "values");
  if (!list.is_sequence() || list.items.empty()) {
    d.error(list.loc, path, "expected a non-empty list");
    return axis;
  }
  for (const ConfigNode& v : list.items) {
    if (!v.is_scalar()) {
      d.error(v.loc, path, "expected a value, got " + v.kind_name());
      continue;
    }
    // Files are relative to the spec, like the run.
    axis.values.push_back({axis.files ? path_beside(&v, v.scalar) : v.scalar, v.loc});
  }
  return axis;
}

bool holds(const std::string& op, double a, double b) {
  if (op == "==") return a == b;
  if (op == "!=") return a != b;
  if (op == "<") return a < b;
  if (op == "<=") return a <= b;
  if (op == ">") return a > b;
  return a >= b;
}

}  // namespace

SweepSpec load_sweep_spec(const std::filesystem::path& file) {
  Diagnostics d;
  const ConfigNode root = load_config_file(file, d);
  d.throw_if_any();
  SweepSpec spec;
  spec.file = file;
  if (!root.is_map()) throw InputError(root.loc, "expected a sweep description (a map)");
  check_keys(root, "", {"run", "command", "engine", "combine", "samples", "axes", "filters", "metrics", "max_batch"},
             d);
  Sampler sampler;
  if (const ConfigNode* sm = root.find("samples")) {
    if (!sm->is_map()) d.error(sm->loc, "samples", "expected {method, count, seed}");
    check_keys(*sm, "samples", {"method", "count", "seed"}, d);
    const ConfigNode* method = scalar(*sm, "method", "samples", d, true);
    const ConfigNode* count = scalar(*sm, "count", "samples", d, true);
    const ConfigNode* seed = scalar(*sm, "seed", "samples", d, true);
    if (method) {
      sampler.latin = method->scalar == "latin_hypercube";
      if (!sampler.latin && method->scalar != "random")
        d.error(method->loc, "samples.method", "expected one of random, latin_hypercube, got '" + method->scalar + "'");
    }
    char* end = nullptr;
    if (count) sampler.count = std::strtoll(count->scalar.c_str(), &end, 10);
    if (count && (*end != '\0' || sampler.count < 1 || sampler.count > 1000000))
      d.error(count->loc, "samples.count", "expected an integer from 1 to 1,000,000");
    if (seed) sampler.rng.seed(std::strtoull(seed->scalar.c_str(), &end, 10));
    if (seed && *end != '\0') d.error(seed->loc, "samples.seed", "expected a non-negative integer");
    if (root.find("combine")) d.error(root.find("combine")->loc, "combine", "samples are points already: no combine");
    if (!d.ok()) sampler.count = 0;
    spec.zip = true;
  }
  if (const ConfigNode* r = scalar(root, "run", "", d, true)) spec.run = path_beside(r, r->scalar);
  if (const ConfigNode* c = scalar(root, "command", "", d, false)) {
    if (c->scalar == "ceiling")
      spec.command = SweepCommand::ceiling;
    else if (c->scalar != "run")
      d.error(c->loc, "command", "expected one of run, ceiling, got '" + c->scalar + "'");
  }
  if (const ConfigNode* e = scalar(root, "engine", "", d, false)) {
    spec.systemc = e->scalar == "systemc";
    if (!spec.systemc && e->scalar != "analytical")
      d.error(e->loc, "engine", "expected one of analytical, systemc, got '" + e->scalar + "'");
    if (spec.systemc && spec.command != SweepCommand::run)
      d.error(e->loc, "engine", "the SystemC engine times single steps: use it with command: run");
  }
  if (const ConfigNode* c = scalar(root, "combine", "", d, false)) {
    spec.zip = c->scalar == "zip";
    if (!spec.zip && c->scalar != "grid")
      d.error(c->loc, "combine", "expected one of grid, zip, got '" + c->scalar + "'");
  }
  if (const ConfigNode* m = scalar(root, "max_batch", "", d, false)) {
    char* end = nullptr;
    spec.max_batch = std::strtoll(m->scalar.c_str(), &end, 10);
    if (*end != '\0' || spec.max_batch < 1) d.error(m->loc, "max_batch", "expected an integer >= 1");
  }
  const ConfigNode* axes = root.find("axes");
  if (!axes || !axes->is_sequence() || axes->items.empty()) {
    d.error(axes ? axes->loc : root.loc, "axes", "expected a non-empty list of axes");
  } else {
    for (std::size_t i = 0; i < axes->items.size(); ++i) {
      spec.axes.push_back(read_axis(axes->items[i], fmt::format("axes.{}", i), sampler, d));
    }
  }
  if (spec.zip) {
    for (const auto& a : spec.axes) {
      if (a.values.size() != spec.axes.front().values.size())
        d.error(a.loc, "axes",
                fmt::format("zip needs axes of one length: {} has {}, the first {}", a.key, a.values.size(),
                            spec.axes.front().values.size()));
    }
  }
  if (const ConfigNode* f = root.find("filters")) {
    if (!f->is_sequence()) d.error(f->loc, "filters", "expected a list of {key, op, value}");
    for (std::size_t i = 0; f->is_sequence() && i < f->items.size(); ++i) {
      const ConfigNode& n = f->items[i];
      const std::string path = fmt::format("filters.{}", i);
      if (!n.is_map()) {
        d.error(n.loc, path, "expected {key, op, value}");
        continue;
      }
      check_keys(n, path, {"key", "op", "value"}, d);
      SweepFilter filter;
      filter.loc = n.loc;
      const ConfigNode* k = scalar(n, "key", path, d, true);
      const ConfigNode* o = scalar(n, "op", path, d, true);
      const ConfigNode* v = scalar(n, "value", path, d, true);
      if (!k || !o || !v) continue;
      filter = {k->scalar, o->scalar, v->scalar, n.loc};
      const std::vector<std::string> ops = {"==", "!=", "<", "<=", ">", ">="};
      if (std::find(ops.begin(), ops.end(), filter.op) == ops.end())
        d.error(o->loc, path + ".op", "expected one of ==, !=, <, <=, >, >=, got '" + filter.op + "'");
      filter.on_axis = std::any_of(spec.axes.begin(), spec.axes.end(),
                                   [&](const SweepAxis& a) { return a.key == filter.key && !a.files; });
      if (std::holds_alternative<std::string>(magnitude(filter.value)))
        d.error(v->loc, path + ".value", std::get<std::string>(magnitude(filter.value)));
      spec.filters.push_back(filter);
    }
  }
  if (const ConfigNode* m = root.find("metrics")) {
    if (!m->is_sequence()) d.error(m->loc, "metrics", "expected a list of result keys");
    for (const ConfigNode& n : m->items) spec.metrics.push_back(n.scalar);
  }
  d.throw_if_any();
  return spec;
}

bool filter_holds(const SweepFilter& f, const std::string& value, const Location& where) {
  auto x = magnitude(value), y = magnitude(f.value);
  if (std::holds_alternative<std::string>(x)) {
    throw InputError(where, "filter on " + f.key + ": '" + value + "' is not a number: " + std::get<std::string>(x));
  }
  const Magnitude& mx = std::get<Magnitude>(x);
  const Magnitude& my = std::get<Magnitude>(y);
  if (!(mx.dims == my.dims)) {
    throw InputError(f.loc, "filter on " + f.key + ": " + f.value + " is not of the kind of " + value);
  }
  return holds(f.op, mx.value, my.value);
}

std::vector<std::string> SweepPoint::sets() const {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < axes.size(); ++i) {
    if (!axes[i]->files) out.push_back(axes[i]->key + "=" + values[i]->text);
  }
  return out;
}

std::string SweepPoint::file(const std::string& key) const {
  for (std::size_t i = 0; i < axes.size(); ++i) {
    if (axes[i]->files && axes[i]->key == key) return values[i]->text;
  }
  return {};
}

std::string SweepPoint::label() const {
  std::string out;
  for (std::size_t i = 0; i < axes.size(); ++i) {
    out += (i ? ", " : "") + axes[i]->key + "=" + values[i]->text;
  }
  return out;
}

std::vector<SweepPoint> sweep_points(const SweepSpec& spec) {
  std::vector<SweepPoint> out;
  std::vector<std::size_t> at(spec.axes.size(), 0);
  const std::size_t zip_length = spec.axes.front().values.size();
  for (std::size_t n = 0;; ++n) {
    if (spec.zip && n == zip_length) break;
    SweepPoint p;
    for (std::size_t a = 0; a < spec.axes.size(); ++a) {
      p.axes.push_back(&spec.axes[a]);
      p.values.push_back(&spec.axes[a].values[spec.zip ? n : at[a]]);
    }
    bool keep = true;
    for (const SweepFilter& f : spec.filters) {
      for (std::size_t a = 0; a < p.axes.size(); ++a) {
        if (p.axes[a]->key == f.key) keep = keep && filter_holds(f, p.values[a]->text, p.values[a]->loc);
      }
    }
    if (keep) {
      p.index = static_cast<int>(out.size());
      out.push_back(std::move(p));
    }
    if (spec.zip) continue;
    // The last axis varies fastest.
    std::size_t a = spec.axes.size();
    while (a > 0) {
      --a;
      if (++at[a] < spec.axes[a].values.size()) break;
      at[a] = 0;
      if (a == 0) return out;
    }
  }
  return out;
}

}  // namespace tokenfab
