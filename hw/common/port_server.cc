#include "hw/common/port_server.h"

#include <algorithm>

namespace tokenfab {

Seconds PortServer::reserve(Seconds ready, Seconds duration) {
  Seconds start = std::max(ready, next_free_);
  next_free_ = start + duration;
  return start;
}

}  // namespace tokenfab
