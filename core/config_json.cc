#include "core/config_json.h"

#include <charconv>

namespace tokenfab {

nlohmann::ordered_json to_json(const ConfigNode& node) {
  switch (node.kind) {
    case ConfigNode::Kind::Null:
      return nullptr;
    case ConfigNode::Kind::Scalar: {
      if (node.quoted) return node.scalar;
      if (node.scalar == "true" || node.scalar == "false") return node.scalar == "true";
      const std::string& s = node.scalar;
      std::int64_t i = 0;
      if (auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), i);
          ec == std::errc() && p == s.data() + s.size()) {
        return i;
      }
      double d = 0;
      if (auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), d);
          ec == std::errc() && p == s.data() + s.size()) {
        return d;
      }
      return s;
    }
    case ConfigNode::Kind::Map: {
      nlohmann::ordered_json out = nlohmann::ordered_json::object();
      for (const auto& e : node.entries) out[e.key] = to_json(e.value);
      return out;
    }
    case ConfigNode::Kind::Sequence: {
      nlohmann::ordered_json out = nlohmann::ordered_json::array();
      for (const auto& item : node.items) out.push_back(to_json(item));
      return out;
    }
  }
  return nullptr;
}

nlohmann::ordered_json to_json(const std::vector<Provenance>& provenance) {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const auto& p : provenance) {
    out.push_back(
        {{"path", p.path}, {"value", p.value}, {"source", p.source}, {"status", p.status}, {"at", p.loc.str()}});
  }
  return out;
}

}  // namespace tokenfab
