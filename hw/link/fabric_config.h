// A fabric joining chips: an NVSwitch plane, a chip-to-chip network, a
// scale-out Ethernet/InfiniBand network. The link (link_config.h) gives
// bandwidth and latency; the fabric gives its reach, its per-collective
// software cost and how it reduces.
#pragma once

#include <optional>

#include "core/schema.h"

namespace tokenfab {

enum class AllReduceAlgorithm { ring, tree, in_switch, direct };

template <>
struct EnumNames<AllReduceAlgorithm> {
  static constexpr std::array<std::pair<AllReduceAlgorithm, std::string_view>, 4> table{
      {{AllReduceAlgorithm::ring, "ring"},
       {AllReduceAlgorithm::tree, "tree"},
       {AllReduceAlgorithm::in_switch, "in_switch"},
       {AllReduceAlgorithm::direct, "direct"}}};
};

// Chips that are their own routers (LPU chip-to-chip links, no switch):
// nodes of `node` chips, each chip with one link to every node peer, and
// `global_links` links towards other nodes, `global_hops` link traversals
// away. The link's `lanes` are the chip's links; one carries
// bandwidth / lanes.
struct DirectLinks {
  int node = 1;
  int global_links = 1;
  int global_hops = 1;
};

struct FabricConfig {
  int domain = 1;               // chips that reach each other on this fabric
  int switch_hops = 1;          // switch traversals between two chips (0: direct links)
  Seconds collective_overhead;  // software and synchronisation cost of one collective
  AllReduceAlgorithm all_reduce = AllReduceAlgorithm::ring;
  bool in_network_reduction = false;  // switches can reduce (NVLink SHARP)
  std::optional<DirectLinks> direct;  // chips as routers; all_reduce: direct
};

const Schema<FabricConfig>& fabric_schema();

}  // namespace tokenfab
