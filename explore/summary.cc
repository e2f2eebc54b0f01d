#include "explore/summary.h"

#include <algorithm>

#include "core/csv.h"

namespace tokenfab {

Summary summarize(const Estimate& e, const SystemConfig& system, const Mapping& mapping) {
  Summary s;
  s.step_time = e.step_time;
  s.per_user = e.tokens_per_second_per_user;
  s.per_replica = e.tokens_per_second_per_replica;
  s.per_device = e.tokens_per_second_per_device;
  s.per_system = e.tokens_per_second_per_system;
  s.per_watt = e.tokens_per_second_per_device / system.economics.all_in_power_per_chip;
  s.bound = e.bound;
  s.breakdown = e.breakdown;
  s.devices_per_replica = mapping.replica_devices();
  s.capacity = e.capacity;
  s.footprint = e.footprint;
  s.fits = e.fits;
  return s;
}

nlohmann::ordered_json breakdown_json(const ResourceTimes& t, const SystemConfig& system) {
  nlohmann::ordered_json out = nlohmann::ordered_json::object();
  for (Resource r : kResources) {
    if (r == Resource::scale_out && !system.chip.scale_out) continue;
    out[resource_key(r, system)] = t[r].value();
  }
  return out;
}

const std::vector<SummaryField>& summary_fields() {
  using J = nlohmann::ordered_json;
  static const std::vector<SummaryField> fields = {
      {"step_time_s", "s",
       "decode: one step (a token per user, more with speculative decoding); prefill: time to first token",
       [](const Summary& s, const SystemConfig&) { return J(s.step_time.value()); }},
      {"tokens_per_s_per_user", "tok/s", "decode: new tokens of one user per second; prefill: 0",
       [](const Summary& s, const SystemConfig&) { return J(s.per_user.value()); }},
      {"tokens_per_s_per_replica", "tok/s", "new tokens of the whole batch per second",
       [](const Summary& s, const SystemConfig&) { return J(s.per_replica.value()); }},
      {"tokens_per_s_per_device", "tok/s", "per replica divided by the replica's devices",
       [](const Summary& s, const SystemConfig&) { return J(s.per_device.value()); }},
      {"tokens_per_s_per_system", "tok/s", "the system's whole replicas (or its share of a larger one) at this rate",
       [](const Summary& s, const SystemConfig&) { return J(s.per_system.value()); }},
      {"tokens_per_s_per_mw", "tok/s/MW", "per device over the system's all-in power per chip",
       [](const Summary& s, const SystemConfig&) { return J((s.per_watt * 1e6).value()); }},
      {"bound", "", "the resource with the most time in the step",
       [](const Summary& s, const SystemConfig& sys) { return J(resource_key(s.bound, sys)); }},
      {"breakdown_s", "s", "time by resource, adding up to one pass through the stages",
       [](const Summary& s, const SystemConfig& sys) { return breakdown_json(s.breakdown, sys); }},
      {"devices_per_replica", "", "tp * attn_dp * pp",
       [](const Summary& s, const SystemConfig&) { return J(s.devices_per_replica); }},
      {"memory", "bytes", "the fullest device: capacity_bytes, weight_bytes, kv_cache_bytes, activation_bytes, fits",
       [](const Summary& s, const SystemConfig&) {
         return J{{"capacity_bytes", s.capacity.value()},
                  {"weight_bytes", s.footprint.weights.value()},
                  {"kv_cache_bytes", s.footprint.kv_cache.value()},
                  {"activation_bytes", s.footprint.activations.value()},
                  {"fits", s.fits}};
       }},
  };
  return fields;
}

nlohmann::ordered_json summary_json(const Summary& s, const SystemConfig& system) {
  nlohmann::ordered_json out = nlohmann::ordered_json::object();
  for (const auto& field : summary_fields()) out[std::string(field.key)] = field.value(s, system);
  return out;
}

nlohmann::ordered_json flatten_object(const nlohmann::ordered_json& object) {
  nlohmann::ordered_json out = nlohmann::ordered_json::object();
  auto walk = [&](auto& self, const nlohmann::ordered_json& v, const std::string& prefix) -> void {
    if (v.is_object()) {
      for (const auto& [k, child] : v.items()) self(self, child, prefix.empty() ? k : prefix + "." + k);
      return;
    }
    out[prefix] = v;
  };
  walk(walk, object, "");
  return out;
}

std::vector<std::pair<std::string, std::string>> flatten_json(const nlohmann::ordered_json& object) {
  std::vector<std::pair<std::string, std::string>> out;
  const nlohmann::ordered_json flat = flatten_object(object);  // named: items() refers to it
  for (const auto& [key, v] : flat.items()) {
    out.emplace_back(key, v.is_string() ? v.get<std::string>() : v.dump());
  }
  return out;
}

std::string rows_csv(const nlohmann::ordered_json& rows, const nlohmann::ordered_json& common) {
  std::vector<std::string> columns;
  std::vector<std::vector<std::pair<std::string, std::string>>> flat;
  for (const auto& row : rows) {
    nlohmann::ordered_json merged = common;
    for (const auto& [k, v] : row.items()) merged[k] = v;
    flat.push_back(flatten_json(merged));
    for (const auto& [key, text] : flat.back()) {
      if (std::find(columns.begin(), columns.end(), key) == columns.end()) columns.push_back(key);
    }
  }
  std::string out;
  for (const auto& c : columns) out += (out.empty() ? "" : ",") + csv_cell(c);
  out += "\n";
  for (const auto& cells : flat) {
    std::string line;
    for (std::size_t i = 0; i < columns.size(); ++i) {
      auto it = std::find_if(cells.begin(), cells.end(), [&](const auto& c) { return c.first == columns[i]; });
      line += (i ? "," : "") + (it == cells.end() ? std::string() : csv_cell(it->second));
    }
    out += line + "\n";
  }
  return out;
}

}  // namespace tokenfab
