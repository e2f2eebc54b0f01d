#include "workloads/trace_io.h"

#include <nlohmann/json.hpp>

#include <charconv>
#include <cstdio>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>

#include "core/text_lines.h"
#include "workloads/trace_check.h"
#include "workloads/trace_columns.h"

namespace tokenfab {
namespace {

using trace_detail::append;
using trace_detail::apply_meta;
using trace_detail::columns;
using trace_detail::FileErrors;
using trace_detail::header_line;
using trace_detail::metadata;
using trace_detail::require_metadata;

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

// Each line's errors go to `diags`; the callers cap them per file.
struct CsvReader {
  std::string file;
  Trace t;
  std::set<std::string> given;
  bool header_seen = false;
  bool stop = false;  // the header said this is no CSV trace: its rows would only repeat that

  void line(int line_no, const std::string& line, Diagnostics& diags) {
    if (stop) return;
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
      stop = !check_csv_header(cells, {file, line_no, 1}, diags);
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
  }
};

// Each line of `text` to the reader, its errors through the file's cap.
template <class Reader>
void feed(Reader& r, const std::string& text, FileErrors& errors) {
  for_each_line(text, [&](int line_no, const std::string& line) {
    Diagnostics diags;
    r.line(line_no, line, diags);
    errors.take(diags);
  });
}

Trace read_csv(const std::string& text, const std::string& file, FileErrors& errors) {
  CsvReader r;
  r.file = file;
  feed(r, text, errors);
  Diagnostics end;
  if (!r.header_seen) end.error({file, 1, 1}, "", "no header line: not a tokenfab CSV trace");
  if (!r.stop) require_metadata(r.given, file, end);
  errors.take(end);
  return std::move(r.t);
}

Location json_error_location(const std::string& file, int line_no, const std::string& what) {
  // nlohmann reports "... at line 1, column 17: ..."; lift the column.
  int col = 1;
  if (auto pos = what.find("column "); pos != std::string::npos) col = std::atoi(what.c_str() + pos + 7);
  return {file, line_no, col};
}

struct JsonlReader {
  std::string file;
  Trace t;
  std::set<std::string> given;
  bool header_seen = false;
  bool stop = false;  // the first line was no trace header: the rest would only repeat that

  void line(int line_no, const std::string& line, Diagnostics& diags) {
    if (stop) return;
    if (!header_seen && line[0] == '#') {
      diags.error({file, line_no, 1}, "",
                  "expected a first line {\"format\": \"tokenfab-trace\", ...}, found '#' metadata: a CSV trace is "
                  "read from a file named .csv");
      stop = true;
      return;
    }
    nlohmann::json j;
    try {
      j = nlohmann::json::parse(line);
    } catch (const nlohmann::json::parse_error& e) {
      diags.error(json_error_location(file, line_no, e.what()), "", "syntax error: " + std::string(e.what()));
      return;
    } catch (const nlohmann::json::out_of_range&) {
      // A number beyond a double (1e400): nlohmann gives no position for it.
      diags.error({file, line_no, 1}, "", "a number too large for a double (beyond about 1.8e308)");
      return;
    }
    if (!j.is_object()) {
      diags.error({file, line_no, 1}, "", "expected a JSON object");
      return;
    }
    Location at{file, line_no, 1};
    if (!header_seen) {
      header_seen = true;
      const auto format = j.find("format");
      if (format == j.end() || !format->is_string() || format->get<std::string>() != "tokenfab-trace") {
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
  }
};

Trace read_jsonl(const std::string& text, const std::string& file, FileErrors& errors) {
  JsonlReader r;
  r.file = file;
  feed(r, text, errors);
  Diagnostics end;
  if (!r.header_seen && !r.stop) {
    end.error({file, 1, 1}, "", "empty trace: expected a first line {\"format\": \"tokenfab-trace\", ...}");
  }
  if (r.header_seen && errors.empty()) require_metadata(r.given, file, end);
  errors.take(end);
  return std::move(r.t);
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
  FileErrors errors(file);
  Trace t = format == TraceFormat::csv ? read_csv(text, file, errors) : read_jsonl(text, file, errors);
  errors.finish().throw_if_any();
  // A trace is one phase: a prefill trace's attention runs over its prompt
  // (Op::over_prompt, which no column holds), as trace_gen marks it.
  if (t.workload.phase == Phase::prefill) {
    for (auto& d : t.devices)
      for (Op& op : d.ops) op.over_prompt = op.kind == OpKind::attention;
  }
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