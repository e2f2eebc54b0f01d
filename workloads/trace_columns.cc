#include "workloads/trace_columns.h"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <limits>

namespace tokenfab::trace_detail {
namespace {

// Physical limits per kind of column. A value beyond one is a slip (a stray
// exponent, a unit mistaken for another), and timing it prints nonsense such
// as "4.04e+06 Es" per token. Each limit is one no real op of any model on
// any system reaches, by orders of magnitude: the largest op of an extreme
// step, Llama-3.1-405B prefilling 64 prompts of 128k tokens on one chip
// (`tokenfab trace`, tp=1), does 3.6e16 FLOP, moves 2.7e12 bytes and spans
// 4.5e11 elements (an elementwise op over 64 x 131072 tokens x 53248 features).
struct Limit {
  double max;
  const char* what;  // the limit, its unit and why, for the message
};
// A zettaFLOP: over a day of one chip at 1e16 FLOP/s (the FP4 peak of the
// fastest, 2025), for one op of one step.
constexpr Limit kFlopsPerOp{1e21, "1e21 FLOP per op (a zettaFLOP: over a day of the fastest chip)"};
// A petabyte: a thousand times the memory of the largest accelerator (about
// 1 TB of HBM) and most of a minute even at 20 TB/s, the fastest HBM.
constexpr Limit kBytesPerOp{1e15, "1e15 bytes per op (a petabyte: a thousand times any chip's memory)"};
// Rows, features, context positions, GEMMs and sequences: each is at least
// one element of at least half a byte (FP4), so 1e15 of them is 500 TB.
constexpr Limit kElements{1e15, "1e15 elements (500 TB even at FP4: hundreds of times any chip's memory)"};

std::string beyond(const std::string& s, const Limit& limit) {
  return "'" + s + "' is beyond the physical limit of " + std::string(limit.what);
}

// Whether s is a number above max, spellings too large for a double ("1e400")
// included; an underflow ("1e-400") is not above anything.
bool above(const std::string& s, double max) {
  double v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || p != s.data() + s.size()) return false;
  if (ec == std::errc::result_out_of_range) return std::strtod(s.c_str(), nullptr) > max;
  return ec == std::errc() && v > max;
}

std::string show_number(double v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

// `limit` also catches a count written as a real ("1e40") or too long for 64
// bits, so that the message says which limit rather than "expected an integer".
template <class I>
std::string parse_int(const std::string& s, I& out, I min, const Limit* limit = nullptr) {
  if (limit && above(s, limit->max)) return beyond(s, *limit);
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  if (ec == std::errc::result_out_of_range) {
    return "expected an integer from " + std::to_string(min) + " to " + std::to_string(std::numeric_limits<I>::max()) +
           ", got '" + s + "'";
  }
  if (ec != std::errc() || p != s.data() + s.size() || out < min) {
    return "expected an integer >= " + std::to_string(min) + ", got '" + s + "'";
  }
  return "";
}

std::string parse_real(const std::string& s, double& out, const Limit& limit) {
  if (above(s, limit.max)) return beyond(s, limit);  // "inf" too
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  if (ec != std::errc() || p != s.data() + s.size() || !(out >= 0)) return "expected a number >= 0, got '" + s + "'";
  return "";
}

template <class E>
std::string parse_enum(const std::string& s, E& out) {
  if (auto v = enum_from_name<E>(s)) {
    out = *v;
    return "";
  }
  std::string names;
  for (const auto& n : enum_names<E>()) names += (names.empty() ? "" : ", ") + n;
  std::string near = nearest_name(s, enum_names<E>());
  return "expected one of " + names + ", got '" + s + "'" + (near.empty() ? "" : "; did you mean '" + near + "'?");
}

template <class F>
Column int_column(const char* name, F field, std::int64_t min, const Limit* limit = nullptr) {
  return {name, [field](const DeviceTrace& d, const Op& o) { return std::to_string(*field(d, o)); },
          [field, min, limit](DeviceTrace& d, Op& o, const std::string& s) {
            auto* slot = field(d, o);
            using I = std::remove_reference_t<decltype(*slot)>;
            return parse_int<I>(s, *slot, static_cast<I>(min), limit);
          }};
}

template <class Q>
Column quantity_column(const char* name, Q Op::*member, const Limit& limit) {
  return {name, [member](const DeviceTrace&, const Op& o) { return show_number((o.*member).value()); },
          [member, limit = &limit](DeviceTrace&, Op& o, const std::string& s) {
            double v = 0;
            std::string err = parse_real(s, v, *limit);
            o.*member = Q(v);
            return err;
          }};
}

}  // namespace

const std::vector<Column>& columns() {
  static const std::vector<Column> cols = {
      int_column(
          "device", [](auto& d, auto&) { return &d.device; }, 0),
      int_column(
          "stage", [](auto& d, auto&) { return &d.stage; }, 0),
      int_column(
          "attn_rank", [](auto& d, auto&) { return &d.attn_rank; }, 0),
      int_column(
          "tp_rank", [](auto& d, auto&) { return &d.tp_rank; }, 0),
      int_column(
          "sequences", [](auto& d, auto&) { return &d.sequences; }, 0, &kElements),
      int_column(
          "layer", [](auto&, auto& o) { return &o.layer; }, -1),
      {"name", [](const DeviceTrace&, const Op& o) { return o.name; },
       [](DeviceTrace&, Op& o, const std::string& s) {
         o.name = s;
         return s.empty() ? std::string("expected an op name") : std::string();
       }},
      {"kind", [](const DeviceTrace&, const Op& o) { return std::string(enum_name(o.kind)); },
       [](DeviceTrace&, Op& o, const std::string& s) { return parse_enum(s, o.kind); }},
      {"dtype", [](const DeviceTrace&, const Op& o) { return std::string(enum_name(o.dtype)); },
       [](DeviceTrace&, Op& o, const std::string& s) { return parse_enum(s, o.dtype); }},
      int_column(
          "m", [](auto&, auto& o) { return &o.m; }, 0, &kElements),
      int_column(
          "n", [](auto&, auto& o) { return &o.n; }, 0, &kElements),
      int_column(
          "k", [](auto&, auto& o) { return &o.k; }, 0, &kElements),
      int_column(
          "count", [](auto&, auto& o) { return &o.count; }, 1, &kElements),
      quantity_column("flops", &Op::flops, kFlopsPerOp),
      quantity_column("weight_bytes", &Op::weight_bytes, kBytesPerOp),
      quantity_column("activation_bytes", &Op::activation_bytes, kBytesPerOp),
      quantity_column("kv_read_bytes", &Op::kv_read, kBytesPerOp),
      quantity_column("kv_write_bytes", &Op::kv_write, kBytesPerOp),
      {"collective",
       [](const DeviceTrace&, const Op& o) { return o.collective ? std::string(enum_name(o.collective->kind)) : ""; },
       [](DeviceTrace&, Op& o, const std::string& s) {
         if (s.empty()) return std::string();
         if (!o.collective) o.collective.emplace();
         return parse_enum(s, o.collective->kind);
       }},
      {"group",
       [](const DeviceTrace&, const Op& o) {
         return o.collective ? std::string(enum_name(o.collective->group)) : std::string();
       },
       [](DeviceTrace&, Op& o, const std::string& s) {
         if (!o.collective) return s.empty() ? std::string() : std::string("a group needs a collective");
         return parse_enum(s, o.collective->group);
         return std::string();
       }},
      {"group_size",
       [](const DeviceTrace&, const Op& o) { return o.collective ? std::to_string(o.collective->group_size) : ""; },
       [](DeviceTrace&, Op& o, const std::string& s) {
         if (!o.collective) return s.empty() ? std::string() : std::string("a group size needs a collective");
         return parse_int<int>(s, o.collective->group_size, 2);
       }},
      {"comm_bytes",
       [](const DeviceTrace&, const Op& o) { return o.collective ? show_number(o.collective->bytes.value()) : ""; },
       [](DeviceTrace&, Op& o, const std::string& s) {
         if (!o.collective) return s.empty() ? std::string() : std::string("comm bytes need a collective");
         double v = 0;
         std::string err = parse_real(s, v, kBytesPerOp);
         o.collective->bytes = Bytes(v);
         return err;
       }},
  };
  return cols;
}

// Metadata shared by both formats, as ordered key/value pairs.
std::vector<std::pair<std::string, std::string>> metadata(const Trace& t) {
  const Precision& p = t.precision;
  return {{"model", t.model},
          {"phase", std::string(enum_name(t.workload.phase))},
          {"batch", std::to_string(t.workload.batch)},
          {"tokens", std::to_string(t.workload.tokens)},
          {"context", std::to_string(t.workload.context)},
          {"mapping", t.mapping.str()},
          {"weights", std::string(enum_name(p.weights))},
          {"attention_weights", std::string(enum_name(p.attention_weights))},
          {"embeddings", std::string(enum_name(p.embeddings))},
          {"kv_cache", std::string(enum_name(p.kv_cache))},
          {"activations", std::string(enum_name(p.activations))}};
}

std::string apply_meta(Trace& t, const std::string& key, const std::string& value, Diagnostics& diags,
                       const Location& at) {
  Workload& w = t.workload;
  Precision& p = t.precision;
  if (key == "model")
    t.model = value;
  else if (key == "phase")
    return parse_enum(value, w.phase);
  else if (key == "batch")
    return parse_int<std::int64_t>(value, w.batch, 1);
  else if (key == "tokens")
    return parse_int<std::int64_t>(value, w.tokens, 1);
  else if (key == "context")
    return parse_int<std::int64_t>(value, w.context, 0);
  else if (key == "mapping")
    t.mapping = parse_mapping(value, diags, at);
  else if (key == "weights")
    return parse_enum(value, p.weights);
  else if (key == "attention_weights")
    return parse_enum(value, p.attention_weights);
  else if (key == "embeddings")
    return parse_enum(value, p.embeddings);
  else if (key == "kv_cache")
    return parse_enum(value, p.kv_cache);
  else if (key == "activations")
    return parse_enum(value, p.activations);
  else {
    std::vector<std::string> keys;
    for (const auto& [k, v] : metadata(Trace{})) keys.push_back(k);
    std::string near = nearest_name(key, keys);
    return "unknown trace metadata key '" + key + "'" + (near.empty() ? "" : "; did you mean '" + near + "'?");
  }
  return "";
}

// Adds one op to the trace, opening a new device when the index changes.
void append(Trace& t, const DeviceTrace& d, Op op) {
  if (t.devices.empty() || t.devices.back().device != d.device) {
    DeviceTrace fresh = d;
    fresh.ops.clear();
    t.devices.push_back(std::move(fresh));
  }
  t.devices.back().ops.push_back(std::move(op));
}

void require_metadata(const std::set<std::string>& given, const std::string& file, Diagnostics& diags) {
  for (const char* key : {"model", "phase", "batch", "mapping"}) {
    if (!given.contains(key)) diags.error({file, 1, 1}, key, "missing trace metadata");
  }
}

std::string header_line() {
  std::string header;
  for (const auto& c : columns()) header += (header.empty() ? "" : ",") + std::string(c.name);
  return header;
}

void FileErrors::take(const Diagnostics& more) {
  for (const auto& e : more.errors()) {
    if (shown_.errors().size() < Diagnostics::kShownPerFile) {
      shown_.error(e.loc, e.path, e.message);
    } else {
      ++more_;
    }
  }
}

Diagnostics FileErrors::finish() const {
  Diagnostics out = shown_;
  out.more(file_, more_);
  return out;
}

}  // namespace tokenfab::trace_detail
