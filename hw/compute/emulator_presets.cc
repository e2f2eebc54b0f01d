#include "hw/compute/emulator_presets.h"

#include <algorithm>
#include <map>
#include <mutex>
#include <utility>
#include <vector>

namespace tokenfab {

const lpu::LpuParams& emulator_preset(const std::string& preset, const std::string& changes) {
  static std::mutex mutex;
  static std::map<std::pair<std::string, std::string>, lpu::LpuParams> presets;
  const std::lock_guard<std::mutex> lock(mutex);
  const auto key = std::make_pair(preset, changes);
  auto it = presets.find(key);
  if (it == presets.end()) {
    std::vector<std::string> sets;
    for (std::size_t pos = 0; pos < changes.size();) {
      const std::size_t end = std::min(changes.find(';', pos), changes.size());
      sets.push_back(changes.substr(pos, end - pos));
      pos = end + 1;
    }
    it = presets.emplace(key, lpu::load_lpu_params(preset, sets)).first;
  }
  return it->second;
}

}  // namespace tokenfab
