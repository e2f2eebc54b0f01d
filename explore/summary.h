// The answer of a step, one schema for every command: `run` writes it as the
// `summary` of results.json; `ceiling`, `pareto` and `validate` write it for
// each point they report, after the point's mapping and batch. Quantities are
// typed here; units appear only in the written keys (`_s`, `tokens_per_s_`).
//
//   Summary s = summarize(estimate, system, mapping);
//   nlohmann::ordered_json j = summary_json(s, system);  // every field of summary_fields()
//   std::string csv = rows_csv({point_json(p, system)});  // a CSV is a flattening of the JSON
//
// Tokens per MW come from the throughput per device and the system's all-in
// power per chip. Nothing here costs anything: cost per token belongs to the
// economics library of a later issue.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "hw/analytical/estimate.h"

namespace tokenfab {

struct Summary {
  Seconds step_time;  // decode: between two tokens of a user; prefill: to the first token
  TokensPerSecond per_user, per_replica, per_device, per_system;
  TokensPerJoule per_watt;  // per device over the all-in power per chip
  Resource bound = Resource::memory;
  ResourceTimes breakdown;  // of one pass through the stages
  int devices_per_replica = 1;
  Bytes capacity;       // weight memory per chip
  Footprint footprint;  // the fullest device
  bool fits = true;
};

Summary summarize(const Estimate& e, const SystemConfig& system, const Mapping& mapping);

// The one description of the summary: each written key with its unit, what
// it means, and how it is read from a Summary on a system (whose resource
// names key the breakdown). docs/results.md lists the same table.
struct SummaryField {
  std::string_view key;
  std::string_view unit;
  std::string_view description;
  std::function<nlohmann::ordered_json(const Summary&, const SystemConfig&)> value;
};
const std::vector<SummaryField>& summary_fields();

nlohmann::ordered_json summary_json(const Summary& s, const SystemConfig& system);

// Time by resource, keyed by the system's resource names; scale-out only
// when the chip has a NIC.
nlohmann::ordered_json breakdown_json(const ResourceTimes& t, const SystemConfig& system);

// A JSON object's leaves under their dotted keys (`breakdown_s.hbm`), values
// as they are; and the same as (key, text) pairs, strings bare, numbers and
// booleans as JSON writes them.
nlohmann::ordered_json flatten_object(const nlohmann::ordered_json& object);
std::vector<std::pair<std::string, std::string>> flatten_json(const nlohmann::ordered_json& object);

// One CSV row per object of `rows`, flattened; `common` (an object) opens
// every row. Columns in order of first appearance; a row without a column
// leaves its cell empty; cells with commas or quotes are quoted.
std::string rows_csv(const nlohmann::ordered_json& rows,
                     const nlohmann::ordered_json& common = nlohmann::ordered_json::object());

}  // namespace tokenfab
