#include "fuzz/lpu_presets.h"

#include <vector>

#include "fuzz/input_file.h"

namespace tokenfab::fuzz {

namespace {

const std::vector<lpu::LpuParams>& presets() {
  static const std::vector<lpu::LpuParams> all = [] {
    const auto dir = source_root() / "configs/lpu";
    // tsp_v1 first: the default when a program names no shipped preset.
    std::vector<lpu::LpuParams> p;
    for (const char* file : {"tsp_v1.yaml", "tiny.yaml", "small.yaml", "lp30.yaml"}) {
      p.push_back(lpu::load_lpu_params(dir / file));
    }
    return p;
  }();
  return all;
}

}  // namespace

const lpu::LpuParams& lpu_preset(std::string_view arch) {
  for (const auto& p : presets()) {
    if (p.name == arch) return p;
  }
  return presets().front();
}

}  // namespace tokenfab::fuzz
