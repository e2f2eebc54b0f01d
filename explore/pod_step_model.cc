#include "explore/pod_step_model.h"

#include <algorithm>

#include "core/diagnostics.h"

namespace tokenfab {

const PodEstimate& PodStepModel::estimate_for(const Workload& w) {
  const auto key = std::make_tuple(w.batch, w.tokens, w.context);
  auto it = done_.find(key);
  if (it == done_.end()) {
    PodInput at = input_;
    at.workload = w;
    it = done_.emplace(key, estimate_pod(at)).first;
  }
  return it->second;
}

StepResult PodStepModel::time_step(const Batch& batch) {
  if (batch.sequences.empty()) throw InputError({"batch"}, "a step of the pod needs at least one sequence");
  const auto n = std::ssize(batch.sequences);
  std::int64_t tokens = 0, context = 0;
  for (const Sequence& s : batch.sequences) {
    tokens += s.new_tokens;
    context += s.context;
  }
  const std::int64_t mean_context = (context + n - 1) / n;
  const Workload w{Phase::decode, n, (tokens + n - 1) / n,
                   std::max<std::int64_t>(bucket_, (mean_context + bucket_ - 1) / bucket_ * bucket_)};
  const PodEstimate& e = estimate_for(w);
  StepResult r;
  r.time = e.step;
  r.breakdown = e.attention.breakdown;
  r.breakdown += e.ffn.breakdown;
  r.breakdown[Resource::scale_out] += e.crossing * static_cast<double>(e.crossings);
  r.bound = r.breakdown.largest();
  r.capacity = e.attention.capacity;
  r.fits = e.attention.fits && e.ffn.fits;
  return r;
}

}  // namespace tokenfab
