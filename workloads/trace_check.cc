#include "workloads/trace_check.h"

#include <set>

#include "workloads/trace_gen.h"

namespace tokenfab {

void check_trace(const Trace& t, const ModelSpec& model, const std::string& file, Diagnostics& diags) {
  const Location at{file};
  if (t.model != model.name) {
    diags.error(at, "model", "the trace is of '" + t.model + "' but the run's model is '" + model.name + "'");
  }
  validate_mapping(t.mapping, model, diags, at);
  if (!diags.ok()) return;  // the checks below divide by the mapping's sizes
  const Mapping& map = t.mapping;
  std::set<int> seen;
  for (const auto& d : t.devices) {
    const std::string where = "device " + std::to_string(d.device);
    if (!seen.insert(d.device).second) {
      diags.error(at, where, "its rows are split by another device's; keep each device's ops together");
    }
    if (d.device >= map.replica_devices()) {
      diags.error(
          at, where,
          "is outside the replica of " + std::to_string(map.replica_devices()) + " devices (" + map.str() + ")");
      continue;
    }
    const DeviceCoords expected = map.coords(d.device);
    if (d.stage != expected.stage || d.tp_rank != expected.tp_rank || d.attn_rank != expected.attn_rank) {
      diags.error(at, where, "stage, attn_rank or tp_rank do not match the device index under " + map.str());
    }
    for (const Op& op : d.ops) {
      const std::string op_where = where + ", " + op.name;
      if (op.layer < -1 || op.layer > model.layers) {
        diags.error(at, op_where,
                    "layer " + std::to_string(op.layer) + " is outside -1.." + std::to_string(model.layers));
      }
      if (!op.collective) continue;
      const Collective& c = *op.collective;
      switch (c.group) {
        case CollectiveGroup::tp:
          if (c.group_size != map.tp) {
            diags.error(at, op_where, "a tp collective needs group_size " + std::to_string(map.tp));
          }
          break;
        case CollectiveGroup::ep:
          if (c.group_size != map.stage_devices()) {
            diags.error(at, op_where,
                        "an ep collective spans the stage: group_size " + std::to_string(map.stage_devices()));
          }
          break;
        case CollectiveGroup::pp:
          if (c.group_size != 2 || d.stage + 1 >= map.pp) {
            diags.error(at, op_where, "a pp send needs group_size 2 and a next stage");
          }
          break;
        case CollectiveGroup::pod:
          diags.error(at, op_where,
                      "a crossing between a pod's pools is not part of a replica's trace (group tp, ep or pp)");
          break;
      }
    }
  }
  for (int d = 0; d < map.replica_devices(); ++d) {
    if (!seen.contains(d)) {
      diags.error(at, "device " + std::to_string(d), "has no ops; a trace covers every device of the replica");
      break;
    }
  }
}

}  // namespace tokenfab
