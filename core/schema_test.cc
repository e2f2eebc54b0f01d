#include "core/schema.h"

#include <doctest/doctest.h>

namespace tokenfab {
namespace {

enum class Fabric { nvlink, ethernet };
}  // namespace
template <>
struct EnumNames<Fabric> {
  static constexpr std::array<std::pair<Fabric, std::string_view>, 2> table{
      {{Fabric::nvlink, "nvlink"}, {Fabric::ethernet, "ethernet"}}};
};
namespace {

struct Mem {
  Bytes capacity;
  BytesPerSecond bandwidth;
  double efficiency = 0;
  int stacks = 0;
};
struct Chip {
  std::string name;
  Mem hbm;
  Fabric fabric = Fabric::nvlink;
  std::optional<Watts> power;
};

const Schema<Mem>& mem_schema() {
  static const Schema<Mem> schema = [] {
    Schema<Mem> s("memory");
    s.add("capacity", &Mem::capacity, "usable capacity").positive();
    s.add("bandwidth", &Mem::bandwidth, "peak bandwidth").positive();
    s.add("efficiency", &Mem::efficiency, "achievable fraction").default_value(0.9).at_least(0.01).at_most(1.0);
    s.add("stacks", &Mem::stacks, "stacks").at_least(1);
    return s;
  }();
  return schema;
}

const Schema<Chip>& chip_schema() {
  static const Schema<Chip> schema = [] {
    Schema<Chip> s("chip");
    s.add("name", &Chip::name, "display name");
    s.section("hbm", &Chip::hbm, mem_schema());
    s.add("fabric", &Chip::fabric, "scale-up fabric").default_value(Fabric::nvlink);
    s.add("power", &Chip::power, "board power");
    s.check([](const Chip& c, Checker& k) {
      if (c.hbm.stacks > 16) k.fail("hbm", "more than 16 stacks do not fit a package");
    });
    return s;
  }();
  return schema;
}

Diagnostics read(const std::string& text, Chip& out, std::vector<Provenance>* prov = nullptr) {
  Diagnostics d;
  ConfigNode n = parse_config_text(text, "c.yaml", d);
  BindContext ctx{d, prov, "", ""};
  out = chip_schema().read(n, "", ctx);
  return d;
}

TEST_CASE("schema: reads typed values and applies defaults") {
  Chip c;
  Diagnostics d = read("name: B200\nhbm: {capacity: 186 GB, bandwidth: 8 TB/s, stacks: 8}\n", c);
  REQUIRE_MESSAGE(d.ok(), d.render());
  CHECK(c.hbm.capacity.value() == doctest::Approx(186e9));
  CHECK(c.hbm.efficiency == 0.9);
  CHECK(c.fabric == Fabric::nvlink);
  CHECK(!c.power);
}

TEST_CASE("schema: collects every error with its position") {
  Chip c;
  Diagnostics d = read("name: B200\nhbm:\n  capacity: 186\n  bandwith: 8 TB/s\n  stacks: 0\nfabric: ethernt\n", c);
  std::string all = d.render();
  CHECK(all.find(
            "error: c.yaml:3:13: hbm.capacity: expected a size in bytes such as '288 GB', got '186' without a unit") !=
        std::string::npos);
  CHECK(all.find("error: c.yaml:4:3: hbm.bandwith: unknown key; did you mean 'bandwidth'?") != std::string::npos);
  CHECK(all.find("error: c.yaml:5:11: hbm.stacks: expected an integer >= 1, got '0'") != std::string::npos);
  CHECK(all.find("hbm: missing required key 'bandwidth'") != std::string::npos);
  CHECK(all.find(
            "error: c.yaml:6:9: fabric: expected one of nvlink, ethernet, got 'ethernt'; did you mean 'ethernet'?") !=
        std::string::npos);
  CHECK(d.errors().size() == 5);
}

TEST_CASE("schema: cross-field checks point at the offending key") {
  Chip c;
  Diagnostics d = read("name: X\nhbm: {capacity: 1 GB, bandwidth: 1 TB/s, stacks: 17}\n", c);
  REQUIRE(d.errors().size() == 1);
  CHECK(d.errors()[0].str() == "error: c.yaml:2:6: hbm: more than 16 stacks do not fit a package");
}

TEST_CASE("schema: provenance is inherited from sections and overridden per value") {
  Chip c;
  std::vector<Provenance> prov;
  Diagnostics d = read(
      "source: datasheet\nstatus: spec\nname: X\npower: 1 kW\n"
      "hbm: {capacity: 1 GB, stacks: 8, bandwidth: {value: 1 TB/s, source: blog, status: reported}}\n",
      c, &prov);
  REQUIRE_MESSAGE(d.ok(), d.render());
  REQUIRE(prov.size() == 4);
  CHECK(prov[0].path == "hbm.capacity");
  CHECK(prov[0].source == "datasheet");
  CHECK(prov[1].path == "hbm.bandwidth");
  CHECK(prov[1].source == "blog");
  CHECK(prov[1].status == "reported");
  CHECK(prov[3].path == "power");
  CHECK(prov[3].status == "spec");
}

TEST_CASE("schema: a value set on the command line is recorded as overridden, with its assignment") {
  Diagnostics d;
  ConfigNode n = parse_config_text(
      "source: datasheet\nstatus: spec\nname: X\npower: 1 kW\n"
      "hbm: {capacity: 1 GB, stacks: 8, bandwidth: {value: 1 TB/s, source: blog, status: reported}}\n",
      "c.yaml", d);
  apply_override(n, "hbm.bandwidth=2 TB/s", d);
  std::vector<Provenance> prov;
  BindContext ctx{d, &prov, "", ""};
  chip_schema().read(n, "", ctx);
  REQUIRE_MESSAGE(d.ok(), d.render());
  CHECK(prov[1].path == "hbm.bandwidth");
  CHECK(prov[1].value == "2 TB/s");
  CHECK(prov[1].status == "overridden");
  CHECK(prov[1].source == "--set 'hbm.bandwidth=2 TB/s'");
  CHECK(prov[0].status == "spec");  // its neighbours keep theirs
}

TEST_CASE("schema: documentation rows come from the same declarations") {
  auto rows = chip_schema().document();
  REQUIRE(rows.size() == 8);
  CHECK(rows[1].key == "hbm");
  CHECK(rows[4].key == "hbm.efficiency");
  CHECK(rows[4].default_text == "0.9");
  CHECK(rows[4].range == ">= 0.01, <= 1");
  CHECK(rows[2].type == "a size in bytes");
}

}  // namespace
}  // namespace tokenfab
