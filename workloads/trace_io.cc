#include "workloads/trace_io.h"

#include <nlohmann/json.hpp>

#include <charconv>
#include <cstdio>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>

namespace tokenfab {
namespace {

std::string show_number(double v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

// One column of the flat (device, op) row; set() returns an error message or "".
struct Column {
  const char* name;
  std::function<std::string(const DeviceTrace&, const Op&)> get;
  std::function<std::string(DeviceTrace&, Op&, const std::string&)> set;
};

template <class I>
std::string parse_int(const std::string& s, I& out, I min) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  if (ec != std::errc() || p != s.data() + s.size() || out < min) {
    return "expected an integer >= " + std::to_string(min) + ", got '" + s + "'";
  }
  return "";
}

std::string parse_real(const std::string& s, double& out) {
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
Column int_column(const char* name, F field, std::int64_t min) {
  return {name, [field](const DeviceTrace& d, const Op& o) { return std::to_string(*field(d, o)); },
          [field, min](DeviceTrace& d, Op& o, const std::string& s) {
            auto* slot = field(d, o);
            using I = std::remove_reference_t<decltype(*slot)>;
            return parse_int<I>(s, *slot, static_cast<I>(min));
          }};
}

template <class Q>
Column quantity_column(const char* name, Q Op::*member) {
  return {name, [member](const DeviceTrace&, const Op& o) { return show_number((o.*member).value()); },
          [member](DeviceTrace&, Op& o, const std::string& s) {
            double v = 0;
            std::string err = parse_real(s, v);
            o.*member = Q(v);
            return err;
          }};
}

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
          "sequences", [](auto& d, auto&) { return &d.sequences; }, 0),
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
          "m", [](auto&, auto& o) { return &o.m; }, 0),
      int_column(
          "n", [](auto&, auto& o) { return &o.n; }, 0),
      int_column(
          "k", [](auto&, auto& o) { return &o.k; }, 0),
      int_column(
          "count", [](auto&, auto& o) { return &o.count; }, 1),
      quantity_column("flops", &Op::flops),
      quantity_column("weight_bytes", &Op::weight_bytes),
      quantity_column("activation_bytes", &Op::activation_bytes),
      quantity_column("kv_read_bytes", &Op::kv_read),
      quantity_column("kv_write_bytes", &Op::kv_write),
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
         std::string err = parse_real(s, v);
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

std::vector<std::pair<std::string, int>> split_csv(const std::string& line) {
  std::vector<std::pair<std::string, int>> out;
  std::size_t start = 0;
  while (true) {
    std::size_t comma = line.find(',', start);
    out.emplace_back(line.substr(start, comma == std::string::npos ? std::string::npos : comma - start),
                     static_cast<int>(start) + 1);
    if (comma == std::string::npos) return out;
    start = comma + 1;
  }
}

// A trace without these cannot be timed; the rest have defaults.
void require_metadata(const std::set<std::string>& given, const std::string& file, Diagnostics& diags) {
  for (const char* key : {"model", "phase", "batch", "mapping"}) {
    if (!given.count(key)) diags.error({file, 1, 1}, key, "missing trace metadata");
  }
}

// Calls fn(line_no, line) for each non-empty line, CR/LF endings alike.
template <class F>
void for_each_line(const std::string& text, F fn) {
  std::istringstream in(text);
  std::string line;
  int line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (!line.empty()) fn(line_no, line);
  }
}

std::string header_line() {
  std::string header;
  for (const auto& c : columns()) header += (header.empty() ? "" : ",") + std::string(c.name);
  return header;
}

Trace read_csv(const std::string& text, const std::string& file, Diagnostics& diags) {
  Trace t;
  std::set<std::string> given;
  bool header_seen = false;
  for_each_line(text, [&](int line_no, const std::string& line) {
    if (line[0] == '#') {
      auto colon = line.find(':');
      if (colon == std::string::npos) return;  // a comment
      auto trim = [](std::string s) {
        s.erase(0, s.find_first_not_of(' '));
        s.erase(s.find_last_not_of(' ') + 1);
        return s;
      };
      std::string key = trim(line.substr(1, colon - 1)), value = trim(line.substr(colon + 1));
      Location at{file, line_no, static_cast<int>(colon) + 2};
      given.insert(key);
      if (std::string err = apply_meta(t, key, value, diags, at); !err.empty()) diags.error(at, key, err);
      return;
    }
    auto cells = split_csv(line);
    if (!header_seen) {
      header_seen = true;
      if (line != header_line()) diags.error({file, line_no, 1}, "", "expected the header '" + header_line() + "'");
      return;
    }
    if (cells.size() != columns().size()) {
      diags.error({file, line_no, 1}, "",
                  "expected " + std::to_string(columns().size()) + " fields, got " + std::to_string(cells.size()));
      return;
    }
    DeviceTrace d;
    Op op;
    for (std::size_t i = 0; i < cells.size(); ++i) {
      if (std::string err = columns()[i].set(d, op, cells[i].first); !err.empty()) {
        diags.error({file, line_no, cells[i].second}, columns()[i].name, err);
      }
    }
    append(t, d, std::move(op));
  });
  if (!header_seen) diags.error({file, 1, 1}, "", "no header line: not a tokenfab CSV trace");
  require_metadata(given, file, diags);
  return t;
}

Location json_error_location(const std::string& file, int line_no, const std::string& what) {
  // nlohmann reports "... at line 1, column 17: ..."; lift the column.
  int col = 1;
  if (auto pos = what.find("column "); pos != std::string::npos) col = std::atoi(what.c_str() + pos + 7);
  return {file, line_no, col};
}

Trace read_jsonl(const std::string& text, const std::string& file, Diagnostics& diags) {
  Trace t;
  std::set<std::string> given;
  bool header_seen = false;
  bool stop = false;
  for_each_line(text, [&](int line_no, const std::string& line) {
    if (stop) return;
    nlohmann::json j;
    try {
      j = nlohmann::json::parse(line);
    } catch (const nlohmann::json::parse_error& e) {
      diags.error(json_error_location(file, line_no, e.what()), "", "syntax error: " + std::string(e.what()));
      return;
    }
    if (!j.is_object()) {
      diags.error({file, line_no, 1}, "", "expected a JSON object");
      return;
    }
    Location at{file, line_no, 1};
    if (!header_seen) {
      header_seen = true;
      if (j.value("format", "") != "tokenfab-trace") {
        diags.error(at, "format", "expected a first line {\"format\": \"tokenfab-trace\", ...}");
        stop = true;
        return;
      }
      for (auto& [key, value] : j.items()) {
        if (key == "format") continue;
        std::string v = value.is_string() ? value.get<std::string>() : value.dump();
        given.insert(key);
        if (std::string err = apply_meta(t, key, v, diags, at); !err.empty()) diags.error(at, key, err);
      }
      return;
    }
    DeviceTrace d;
    Op op;
    for (const auto& c : columns()) {
      auto it = j.find(c.name);
      std::string v = it == j.end() || it->is_null() ? "" : it->is_string() ? it->get<std::string>() : it->dump();
      if (std::string err = c.set(d, op, v); !err.empty()) diags.error(at, c.name, err);
    }
    for (auto& [key, value] : j.items()) {
      bool known = false;
      for (const auto& c : columns()) known = known || key == c.name;
      if (!known) diags.error(at, key, "unknown op field");
    }
    append(t, d, std::move(op));
  });
  if (!header_seen)
    diags.error({file, 1, 1}, "", "empty trace: expected a first line {\"format\": \"tokenfab-trace\", ...}");
  if (header_seen && diags.ok()) require_metadata(given, file, diags);
  return t;
}

}  // namespace

std::string write_trace(const Trace& trace, TraceFormat format) {
  std::string out;
  if (format == TraceFormat::csv) {
    out += "# tokenfab trace\n";
    for (const auto& [k, v] : metadata(trace)) out += "# " + k + ": " + v + "\n";
    out += header_line() + "\n";
    for (const auto& d : trace.devices) {
      for (const auto& op : d.ops) {
        std::string row;
        for (const auto& c : columns()) row += (row.empty() ? "" : ",") + c.get(d, op);
        out += row + "\n";
      }
    }
    return out;
  }
  nlohmann::ordered_json head;
  head["format"] = "tokenfab-trace";
  for (const auto& [k, v] : metadata(trace)) head[k] = v;
  out += head.dump() + "\n";
  for (const auto& d : trace.devices) {
    for (const auto& op : d.ops) {
      nlohmann::ordered_json row;
      for (const auto& c : columns()) {
        std::string v = c.get(d, op);
        if (v.empty()) continue;
        double num = 0;
        auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), num);
        if (ec == std::errc() && p == v.data() + v.size()) {
          row[c.name] = nlohmann::ordered_json::parse(v);
        } else {
          row[c.name] = v;
        }
      }
      out += row.dump() + "\n";
    }
  }
  return out;
}

Trace read_trace_text(const std::string& text, TraceFormat format, const std::string& file) {
  Diagnostics diags;
  Trace t = format == TraceFormat::csv ? read_csv(text, file, diags) : read_jsonl(text, file, diags);
  diags.throw_if_any();
  return t;
}

TraceFormat trace_format_for(const std::filesystem::path& file) {
  return file.extension() == ".csv" ? TraceFormat::csv : TraceFormat::jsonl;
}

Trace read_trace_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw InputError({file.string()}, "cannot open trace file");
  std::ostringstream ss;
  ss << in.rdbuf();
  return read_trace_text(ss.str(), trace_format_for(file), file.string());
}

}  // namespace tokenfab
