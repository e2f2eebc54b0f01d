#include "hw/link/fabric_timing.h"

#include <algorithm>

namespace tokenfab {

FabricTiming::FabricTiming(const LinkConfig& link, int devices)
    : link_(link), egress_(static_cast<std::size_t>(devices)), ingress_(static_cast<std::size_t>(devices)) {}

Seconds FabricTiming::leave(int src, Bytes bytes, Seconds ready) {
  return egress_[static_cast<std::size_t>(src)].reserve(ready, serialise(bytes));
}

Seconds FabricTiming::enter(int dst, Bytes bytes, Seconds first_byte) {
  const Seconds d = serialise(bytes);
  return ingress_[static_cast<std::size_t>(dst)].reserve(first_byte, d) + d;
}

Seconds FabricTiming::send(int src, int dst, Bytes bytes, Seconds ready) {
  // The head reaches the far port one traversal after it leaves; the tail
  // follows at port rate, later still if the ingress is busy.
  return enter(dst, bytes, leave(src, bytes, ready) + link_.latency);
}

}  // namespace tokenfab
