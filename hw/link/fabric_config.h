// A fabric joining chips: an NVSwitch plane, a chip-to-chip network, a
// scale-out Ethernet/InfiniBand network. The link (link_config.h) gives
// bandwidth and latency; the fabric gives its reach, its per-collective
// software cost and how it reduces.
#pragma once

#include "core/schema.h"

namespace tokenfab {

enum class AllReduceAlgorithm { ring, tree, in_switch };

template <>
struct EnumNames<AllReduceAlgorithm> {
  static constexpr std::array<std::pair<AllReduceAlgorithm, std::string_view>, 3> table{
      {{AllReduceAlgorithm::ring, "ring"},
       {AllReduceAlgorithm::tree, "tree"},
       {AllReduceAlgorithm::in_switch, "in_switch"}}};
};

struct FabricConfig {
  int domain = 1;               // chips that reach each other on this fabric
  int switch_hops = 1;          // switch traversals between two chips (0: direct links)
  Seconds collective_overhead;  // software and synchronisation cost of one collective
  AllReduceAlgorithm all_reduce = AllReduceAlgorithm::ring;
  bool in_network_reduction = false;  // switches can reduce (NVLink SHARP)
};

const Schema<FabricConfig>& fabric_schema();

}  // namespace tokenfab
