#include "hw/link/fabric_config.h"

namespace tokenfab {

const Schema<DirectLinks>& direct_schema() {
  static const Schema<DirectLinks> schema = [] {
    Schema<DirectLinks> s("chips joined by their own links, no switch");
    s.add("node", &DirectLinks::node, "chips per node, each with one link to every other").at_least(1);
    s.add("global_links", &DirectLinks::global_links, "links of each chip towards other nodes").at_least(1);
    s.add("global_hops", &DirectLinks::global_hops, "link traversals between chips of different nodes").at_least(1);
    return s;
  }();
  return schema;
}

const Schema<FabricConfig>& fabric_schema() {
  static const Schema<FabricConfig> schema = [] {
    Schema<FabricConfig> s("a fabric joining chips");
    s.add("domain", &FabricConfig::domain, "chips that reach each other on this fabric").at_least(1);
    s.add(
         "switch_hops", &FabricConfig::switch_hops,
         "switch traversals between two chips (0: direct links); informational: the link latency already includes them")
        .default_value(1)
        .at_least(0);
    s.add("collective_overhead", &FabricConfig::collective_overhead,
          "software and synchronisation time of one collective, before any byte moves")
        .at_least(Seconds(0));
    s.add("all_reduce", &FabricConfig::all_reduce, "all-reduce algorithm").default_value(AllReduceAlgorithm::ring);
    s.add("in_network_reduction", &FabricConfig::in_network_reduction, "switches reduce in the network (NVLink SHARP)")
        .default_value(false);
    s.section("direct", &FabricConfig::direct, direct_schema());
    s.check([](const FabricConfig& f, Checker& k) {
      if (f.all_reduce == AllReduceAlgorithm::in_switch && !f.in_network_reduction) {
        k.fail("all_reduce", "in_switch all-reduce needs in_network_reduction: true");
      }
      if (f.all_reduce == AllReduceAlgorithm::direct && !f.direct) {
        k.fail("all_reduce", "a direct all-reduce needs a 'direct' section (node, global_links, global_hops)");
      }
    });
    return s;
  }();
  return schema;
}

}  // namespace tokenfab
