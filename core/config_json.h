// A config tree as JSON, for the "config" and "provenance" parts of
// results.json: numbers without units become JSON numbers, true/false
// booleans, everything else strings as written ("8 TB/s").
#pragma once

#include <nlohmann/json.hpp>

#include "core/config_node.h"
#include "core/value_codec.h"

namespace tokenfab {

nlohmann::ordered_json to_json(const ConfigNode& node);
nlohmann::ordered_json to_json(const std::vector<Provenance>& provenance);

}  // namespace tokenfab
