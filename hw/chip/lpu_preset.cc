#include "hw/chip/lpu_preset.h"

#include <fmt/format.h>

#include <algorithm>
#include <exception>
#include <filesystem>
#include <vector>

#include "core/schema.h"
#include "emulator/isa/chip_params.h"

namespace tokenfab {

namespace {

struct Derived {
  std::string section, key;
  std::string value;  // in units the schema parses, at full precision
  std::string how;    // appended to the source
  std::string status;
};

std::vector<Derived> derived_figures(const lpu::LpuParams& p) {
  const auto si = [](double v, const char* unit) { return fmt::format("{:.17g} {}", v, unit); };
  const double install_share = p.weight_install_rate() / p.sram_read_bandwidth();
  return {
      {"compute", "clock", si(p.clock.value(), "Hz"), "clock", "spec"},
      {"sram", "capacity", si(p.sram_capacity().value(), "B"),
       fmt::format("2 x {} slices x {} tiles x {} banks x {} words x {} B", p.mem_slices, p.superlanes, p.banks,
                   p.words_per_bank, p.lanes_per_superlane),
       "spec"},
      {"sram", "bandwidth", si(p.sram_read_bandwidth().value(), "B/s"),
       fmt::format("{} slices each reading a {}-B vector a cycle", 2 * p.mem_slices, p.vector_bytes()), "reported"},
      {"sram", "stacks", std::to_string(2 * p.mem_slices), "MEM slices of both hemispheres", "spec"},
      {"sram", "efficiency", fmt::format("{:.17g}", install_share),
       fmt::format("weights stream no faster than the MXM installs them: {} B a cycle of {} B read",
                   p.mxm_install_per_cycle.value(), 2 * p.mem_slices * p.vector_bytes()),
       "reported"},
      {"scale_up", "bandwidth", si(p.c2c_bandwidth().value(), "B/s"),
       fmt::format("{} links x {}", p.c2c_links, to_string(p.c2c_link_bandwidth)), "reported"},
      {"scale_up", "lanes", std::to_string(p.c2c_links), "C2C links", "reported"},
      {"scale_up", "efficiency", "1", "the per-link rate is already the rate the link sustains", "reported"},
      {"scale_up", "latency", si(p.c2c_hop_time().value(), "s"),
       fmt::format("{} cycles a hop at {}", p.c2c_hop_latency, to_string(p.clock)), "assumed"},
  };
}

ConfigNode scalar(std::string text, const Location& loc) {
  ConfigNode n;
  n.kind = ConfigNode::Kind::Scalar;
  n.scalar = std::move(text);
  n.loc = loc;
  return n;
}

ConfigNode& section_of(ConfigNode& chip, const std::string& key, const Location& loc) {
  if (ConfigNode* s = chip.find(key)) return *s;
  ConfigNode map;
  map.kind = ConfigNode::Kind::Map;
  map.loc = loc;
  chip.entries.push_back({key, loc, std::move(map)});
  return chip.entries.back().value;
}

}  // namespace

void derive_from_emulator_preset(ConfigNode& chip, const std::string& path, BindContext& ctx) {
  const ConfigNode* named = chip.find("emulator_preset");
  if (!named || !named->is_scalar()) return;
  const Location at = named->loc;
  const std::filesystem::path file = (std::filesystem::path(at.file).parent_path() / named->scalar).lexically_normal();
  // Changes to the preset, as its own --set assignments; the map is taken
  // out of the chip (it is the preset's, not a chip key).
  std::vector<std::string> changes;
  const auto set_entry = std::find_if(chip.entries.begin(), chip.entries.end(),
                                      [](const ConfigNode::Entry& e) { return e.key == "emulator_set"; });
  if (set_entry != chip.entries.end()) {
    if (!set_entry->value.is_map()) {
      ctx.diags.error(set_entry->value.loc, schema_detail::join(path, "emulator_set"),
                      "expected a map of emulator preset keys to values");
      return;
    }
    for (const auto& e : set_entry->value.entries) {
      if (!e.value.is_scalar()) {
        ctx.diags.error(e.value.loc, schema_detail::join(path, "emulator_set." + e.key), "expected a value");
        return;
      }
      changes.push_back(e.key + "=" + e.value.scalar);
    }
    chip.entries.erase(set_entry);
  }
  lpu::LpuParams params;
  try {
    params = lpu::load_lpu_params(file, changes);
  } catch (const std::exception& e) {
    ctx.diags.error(at, schema_detail::join(path, "emulator_preset"),
                    "cannot load the emulator preset: " + std::string(e.what()));
    return;
  }
  for (const Derived& d : derived_figures(params)) {
    ConfigNode& section = section_of(chip, d.section, at);
    const std::string section_path = schema_detail::join(path, d.section);
    const std::string key_path = schema_detail::join(section_path, d.key);
    if (!section.is_map()) {
      ctx.diags.error(section.loc, section_path, "expected a map");
      return;
    }
    if (const ConfigNode* stated = section.find(d.key)) {
      ctx.diags.error(stated->loc, key_path,
                      "derived from the emulator preset " + file.string() + " (" + d.how + "); remove it here");
      continue;
    }
    ConfigNode leaf;
    leaf.kind = ConfigNode::Kind::Map;
    leaf.loc = at;
    leaf.entries.push_back({"value", at, scalar(d.value, at)});
    leaf.entries.push_back({"source", at, scalar("derived from " + file.string() + ": " + d.how, at)});
    leaf.entries.push_back({"status", at, scalar(d.status, at)});
    section.entries.push_back({d.key, at, std::move(leaf)});
  }
  // The preset also times the chip's matrix ops (hw/compute/emulated_mxm.h).
  ConfigNode& compute = section_of(chip, "compute", at);
  const std::string compute_path = schema_detail::join(path, "compute");
  if (!compute.is_map()) return;  // reported above
  for (const char* key : {"emulator", "emulator_set"}) {
    if (const ConfigNode* stated = compute.find(key)) {
      ctx.diags.error(stated->loc, schema_detail::join(compute_path, key),
                      "set from emulator_preset " + file.string() + "; remove it here");
      return;
    }
  }
  compute.entries.push_back({"emulator", at, scalar(file.string(), at)});
  std::string joined;
  for (const auto& c : changes) joined += (joined.empty() ? "" : ";") + c;
  compute.entries.push_back({"emulator_set", at, scalar(joined, at)});
}

}  // namespace tokenfab
