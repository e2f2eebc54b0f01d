// What one device must hold in memory for a step: its share of the weights
// and the KV cache of the sequences it serves.
//
//   Footprint f = device_footprint(model, precision, mapping, workload, 0);
//   f.total() <= chip.weight_memory().capacity
#pragma once

#include "workloads/batch.h"
#include "workloads/model.h"
#include "workloads/op.h"

namespace tokenfab {

struct Footprint {
  Bytes weights;
  Bytes kv_cache;
  Bytes activations;  // peak transient working set of one layer, BF16
  Bytes total() const { return weights + kv_cache + activations; }
};

// Resident bytes on `device` (index within the replica, as in trace_gen.h):
// attention and dense FFN split over tp (MLA's q_a/kv_a projections and the
// latent cache are replicated), experts by ep and expert tensor parallelism,
// embeddings and LM head vocabulary-split over tp on the first and last stage.
// Activations: the residual stream and its normalised copy, plus the widest
// intermediate of a layer (query/key/value, the FFN's gate and up halves, or
// the expert rows this device receives), for the tokens of one pass.
Footprint device_footprint(const ModelSpec& model, const Precision& precision, const Mapping& mapping,
                           const Workload& workload, int device);
// The same for a device whose attention rank holds `load` of a placed Batch.
Footprint device_footprint(const ModelSpec& model, const Precision& precision, const Mapping& mapping,
                           const RankLoad& load, std::int64_t stage_tokens, int device);

}  // namespace tokenfab
