#include "serving/request_trace.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <fstream>
#include <optional>

#include "core/csv.h"
#include "core/diagnostics.h"

namespace tokenfab {
namespace {

// Days from 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

std::int64_t whole_tokens(const std::string& file, int line, const std::string& column, const std::string& text,
                          std::int64_t least) {
  try {
    std::size_t used = 0;
    const double v = std::stod(text, &used);
    if (used == text.size() && std::isfinite(v) && v == std::floor(v) && v >= static_cast<double>(least) && v < 1e12)
      return static_cast<std::int64_t>(v);
  } catch (const std::exception&) {
  }
  throw InputError({"trace"}, fmt::format("{}:{}: {}: expected a whole number of tokens of at least {}, got '{}'", file,
                                          line, column, least, text));
}

// Arrivals in file order, from the first one's; each no earlier than the one before.
void rebase(const std::string& file, const std::vector<int>& lines, std::vector<double>& times,
            std::vector<Request>& out) {
  for (std::size_t i = 1; i < times.size(); ++i) {
    if (times[i] < times[i - 1]) {
      throw InputError({"trace"}, fmt::format("{}:{}: the timestamp is earlier than the one before it (line {}): a "
                                              "trace is in order of arrival",
                                              file, lines[i], lines[i - 1]));
    }
  }
  for (std::size_t i = 0; i < out.size(); ++i) out[i].arrival = Seconds(times[i] - times.front());
}

RequestTrace csv_trace(const std::string& file) {
  std::ifstream in(file);
  std::string first;
  while (std::getline(in, first) && (first.empty() || first[0] == '#')) {
  }
  RequestTrace t;
  t.format = first.starts_with("TIMESTAMP") ? RequestTraceFormat::azure : RequestTraceFormat::burstgpt;
  const bool azure = t.format == RequestTraceFormat::azure;
  const std::string time = azure ? "TIMESTAMP" : "Timestamp";
  const std::string input = azure ? "ContextTokens" : "Request tokens";
  const std::string output = azure ? "GeneratedTokens" : "Response tokens";
  std::vector<double> times;
  std::vector<int> lines;
  for (const CsvRow& row : read_csv_file(file, {time, input, output}, "trace")) {
    const std::string& stamp = row.cell.at(time);
    std::optional<double> at;
    if (azure) {
      at = parse_datetime(stamp);
    } else {
      try {
        std::size_t used = 0;
        const double v = std::stod(stamp, &used);
        if (used == stamp.size() && std::isfinite(v) && v >= 0) at = v;
      } catch (const std::exception&) {
      }
    }
    if (!at) {
      throw InputError(
          {"trace"},
          fmt::format("{}:{}: {}: expected {}, got '{}'", file, row.line, time,
                      azure ? "a datetime like 2023-11-16 18:15:46.6805900" : "seconds from the trace's start", stamp));
    }
    const std::int64_t out_tokens = whole_tokens(file, row.line, output, row.cell.at(output), azure ? 1 : 0);
    if (out_tokens == 0) {  // BurstGPT marks a failed request with 0 response tokens
      ++t.skipped;
      continue;
    }
    t.requests.push_back({std::ssize(t.requests),
                          Seconds(0),
                          whole_tokens(file, row.line, input, row.cell.at(input), 1),
                          out_tokens,
                          {}});
    times.push_back(*at);
    lines.push_back(row.line);
  }
  rebase(file, lines, times, t.requests);
  return t;
}

RequestTrace jsonl_trace(const std::string& file) {
  std::ifstream in(file);
  if (!in) throw InputError({"trace"}, file + ": cannot read the file");
  RequestTrace t;
  t.format = RequestTraceFormat::mooncake;
  t.prefix_block_tokens = 512;
  std::vector<double> times;
  std::vector<int> lines;
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    if (line.empty()) continue;
    nlohmann::json j;
    try {
      j = nlohmann::json::parse(line);
    } catch (const nlohmann::json::exception& e) {
      throw InputError({"trace"}, fmt::format("{}:{}: {}", file, n, e.what()));
    }
    auto field = [&](const char* key) -> std::string {
      if (!j.is_object() || !j.contains(key)) {
        throw InputError({"trace"}, fmt::format("{}:{}: expected an object with \"{}\" (Mooncake: timestamp in ms, "
                                                "input_length, output_length)",
                                                file, n, key));
      }
      return j.at(key).is_string() ? j.at(key).get<std::string>() : j.at(key).dump();
    };
    const std::string stamp = field("timestamp");
    double ms = -1;
    try {
      std::size_t used = 0;
      ms = std::stod(stamp, &used);
      if (used != stamp.size() || !std::isfinite(ms)) ms = -1;
    } catch (const std::exception&) {
    }
    if (ms < 0)
      throw InputError({"trace"}, fmt::format("{}:{}: timestamp: expected milliseconds, got '{}'", file, n, stamp));
    // hash_ids, where given: the prompt's 512-token blocks for a prefix cache.
    std::vector<std::int64_t> blocks;
    if (j.contains("hash_ids")) {
      const auto& ids = j.at("hash_ids");
      bool whole = ids.is_array();
      for (std::size_t i = 0; whole && i < ids.size(); ++i) {
        whole = ids[i].is_number_integer();
        if (whole) blocks.push_back(ids[i].get<std::int64_t>());
      }
      if (!whole)
        throw InputError({"trace"}, fmt::format("{}:{}: hash_ids: expected a list of whole numbers", file, n));
    }
    t.requests.push_back({std::ssize(t.requests), Seconds(0),
                          whole_tokens(file, n, "input_length", field("input_length"), 1),
                          whole_tokens(file, n, "output_length", field("output_length"), 1), std::move(blocks)});
    times.push_back(ms * 1e-3);
    lines.push_back(n);
  }
  if (t.requests.empty()) throw InputError({"trace"}, file + ": no requests");
  rebase(file, lines, times, t.requests);
  return t;
}

}  // namespace

std::optional<double> parse_datetime(const std::string& s) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, consumed = 0;
  double sec = 0;
  if (std::sscanf(s.c_str(), "%4d-%2d-%2d %2d:%2d:%lf%n", &y, &mo, &d, &h, &mi, &sec, &consumed) != 6)
    return std::nullopt;
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec < 0 || sec >= 61) return std::nullopt;
  double offset = 0;
  const std::string zone = s.substr(static_cast<std::size_t>(consumed));
  if (zone == "Z" || zone.empty()) {
  } else {
    int oh = 0, om = 0, used = 0;
    if ((zone[0] != '+' && zone[0] != '-') || std::sscanf(zone.c_str() + 1, "%2d:%2d%n", &oh, &om, &used) != 2 ||
        used + 1 != static_cast<int>(zone.size()))
      return std::nullopt;
    offset = (zone[0] == '+' ? 1 : -1) * (oh * 3600.0 + om * 60.0);
  }
  return static_cast<double>(days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d))) * 86400.0 +
         h * 3600.0 + mi * 60.0 + sec - offset;
}

RequestTrace read_request_trace(const std::string& file) {
  if (file.ends_with(".jsonl")) return jsonl_trace(file);
  if (file.ends_with(".csv")) {
    RequestTrace t = csv_trace(file);
    if (t.requests.empty()) throw InputError({"trace"}, file + ": no requests");
    return t;
  }
  throw InputError({"trace"}, file + ": expected a .csv (Azure, BurstGPT) or .jsonl (Mooncake) request trace");
}

void scale_arrivals(std::vector<Request>& requests, double speedup) {
  if (!(speedup > 0) || !std::isfinite(speedup)) throw InputError({"speedup"}, "expected a positive speed-up");
  for (auto& r : requests) r.arrival = r.arrival / speedup;
}

}  // namespace tokenfab
