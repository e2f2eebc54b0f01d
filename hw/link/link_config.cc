#include "hw/link/link_config.h"

namespace tokenfab {

const Schema<LinkConfig>& link_schema() {
  static const Schema<LinkConfig> schema = [] {
    Schema<LinkConfig> s("a link: NVLink, NIC, chip-to-chip");
    s.add("name", &LinkConfig::name, "display name");
    s.add("kind", &LinkConfig::kind, "link technology");
    s.add("bandwidth", &LinkConfig::bandwidth, "bandwidth per direction per device").positive();
    s.add("lanes", &LinkConfig::lanes,
          "links or ports that make up the bandwidth; informational: the bandwidth is their sum")
        .at_least(1);
    s.add("efficiency", &LinkConfig::efficiency, "achievable fraction of bandwidth for large transfers")
        .at_least(0.01)
        .at_most(1.0);
    s.add("latency", &LinkConfig::latency, "one device-to-device traversal, switch hops included").at_least(Seconds(0));
    return s;
  }();
  return schema;
}

}  // namespace tokenfab
