#include "hw/common/device_classes.h"

#include <algorithm>
#include <map>

#include "hw/collective/all_reduce.h"

namespace tokenfab {

std::vector<TraceKey> trace_keys(const ModelSpec& model, const Mapping& mapping, const StepLoad& load) {
  std::vector<int> canonical(load.ranks.size());
  for (std::size_t r = 0; r < load.ranks.size(); ++r) {
    std::size_t first = 0;
    while (!(load.ranks[first] == load.ranks[r])) ++first;
    canonical[r] = static_cast<int>(first);
  }
  std::vector<TraceKey> keys;
  keys.reserve(static_cast<std::size_t>(mapping.replica_devices()));
  for (int d = 0; d < mapping.replica_devices(); ++d) {
    const DeviceCoords at = mapping.coords(d);
    const std::int64_t experts = model.moe ? local_experts(*model.moe, mapping, at.ep_rank) : 0;
    const bool hot = model.moe && expert_load(*model.moe, mapping, at.ep_rank) != 1.0 && at.ep_rank == 0;
    keys.push_back({at.stage, canonical[static_cast<std::size_t>(at.attn_rank)], experts, hot});
  }
  return keys;
}

std::vector<int> representatives(const Mapping& mapping, const SystemConfig& system, const std::vector<TraceKey>& keys,
                                 bool share) {
  const int devices = mapping.replica_devices();
  std::vector<int> rep(static_cast<std::size_t>(devices));
  for (int d = 0; d < devices; ++d) rep[static_cast<std::size_t>(d)] = d;
  if (!share) return rep;
  const bool symmetric_collectives = all_reduce_rule(system.scale_up.all_reduce).symmetric;
  const int tp = mapping.tp;
  std::map<std::vector<TraceKey>, int> first_group;
  for (int group = 0; group < mapping.pp * mapping.attn_dp; ++group) {
    const std::size_t base = static_cast<std::size_t>(group) * static_cast<std::size_t>(tp);
    const auto begin = keys.begin() + static_cast<std::ptrdiff_t>(base);
    std::vector<TraceKey> signature(begin, begin + tp);
    const bool uniform =
        std::all_of(signature.begin(), signature.end(), [&](const TraceKey& k) { return k == signature[0]; });
    const int first = first_group.emplace(std::move(signature), group).first->second;
    for (int r = 0; r < tp; ++r) {
      rep[base + static_cast<std::size_t>(r)] = first * tp + (uniform && symmetric_collectives ? 0 : r);
    }
  }
  return rep;
}

}  // namespace tokenfab
