#include "hw/system/system_config.h"

namespace tokenfab {

namespace {
const Schema<SystemEconomics>& economics_schema() {
  static const Schema<SystemEconomics> schema = [] {
    Schema<SystemEconomics> s("power and cost");
    s.add("all_in_power_per_chip", &SystemEconomics::all_in_power_per_chip,
          "power per chip including host, network and cooling share")
        .positive();
    s.add("system_power", &SystemEconomics::system_power,
          "IT power of the whole system; the all-in power of its chips must cover it (throughput per MW uses the "
          "all-in power per chip)")
        .positive();
    s.add("price", &SystemEconomics::price,
          "purchase price of the system, from which economics/tco.h builds the cost of ownership")
        .positive();
    s.add("tco_per_chip", &SystemEconomics::tco_per_chip,
          "a published total cost of ownership per chip-hour, for comparison: the economics library builds its own")
        .positive();
    return s;
  }();
  return schema;
}
}  // namespace

const Schema<SystemConfig>& system_schema() {
  static const Schema<SystemConfig> schema = [] {
    Schema<SystemConfig> s("a system of identical chips");
    s.add("name", &SystemConfig::name, "display name");
    s.section("chip", &SystemConfig::chip, chip_schema());
    s.add("chips", &SystemConfig::chips, "chips in the system").at_least(1);
    s.section("scale_up", &SystemConfig::scale_up, fabric_schema());
    s.section("scale_out", &SystemConfig::scale_out, fabric_schema());
    s.section("economics", &SystemConfig::economics, economics_schema());
    s.check([](const SystemConfig& c, Checker& k) {
      if (c.scale_up.domain > c.chips) k.fail("scale_up", "a scale-up domain cannot hold more chips than the system");
      if (c.chips > c.scale_up.domain && !c.scale_out) {
        k.fail("scale_out", "a system of several scale-up domains needs a scale_out fabric");
      }
      if (c.scale_out && !c.chip.scale_out) k.fail("scale_out", "a scale_out fabric needs chip.scale_out (the NIC)");
      // All-in power is the system's own share plus host, network and
      // cooling: below the system's IT power, one of the two is wrong.
      if (c.economics.system_power &&
          c.economics.all_in_power_per_chip * static_cast<double>(c.chips) < *c.economics.system_power) {
        k.fail("economics.all_in_power_per_chip",
               "all-in power per chip x " + std::to_string(c.chips) +
                   " chips = " + to_string(c.economics.all_in_power_per_chip * static_cast<double>(c.chips)) +
                   " is below the system's own power of " + to_string(*c.economics.system_power));
      }
    });
    return s;
  }();
  return schema;
}

}  // namespace tokenfab
