#include "workloads/op.h"

namespace tokenfab {

void OpTotals::add(const Op& op) {
  flops += op.flops;
  weight_bytes += op.weight_bytes;
  activation_bytes += op.activation_bytes;
  kv_read += op.kv_read;
  kv_write += op.kv_write;
  if (op.collective) {
    collective_bytes += op.collective->bytes;
    ++collectives;
  }
}

OpTotals totals(const std::vector<Op>& ops) {
  OpTotals t;
  for (const auto& op : ops) t.add(op);
  return t;
}

}  // namespace tokenfab
