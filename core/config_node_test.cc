#include "core/config_node.h"

#include <doctest/doctest.h>

#include <fstream>

namespace tokenfab {
namespace {

std::filesystem::path write_temp(const std::string& name, const std::string& text) {
  auto dir = std::filesystem::temp_directory_path() / "tokenfab_config_node_test";
  std::filesystem::create_directories(dir);
  std::ofstream(dir / name) << text;
  return dir / name;
}

TEST_CASE("config: locations are 1-based file:line:col") {
  Diagnostics d;
  ConfigNode n = parse_config_text("a:\n  b: 3\n", "x.yaml", d);
  REQUIRE(d.ok());
  const ConfigNode* b = n.find("a")->find("b");
  REQUIRE(b);
  CHECK(b->loc.str() == "x.yaml:2:6");
}

TEST_CASE("config: duplicate keys and syntax errors are reported") {
  Diagnostics d;
  parse_config_text("a: 1\na: 2\n", "dup.yaml", d);
  REQUIRE(d.errors().size() == 1);
  CHECK(d.errors()[0].str() == "error: dup.yaml:2:1: a: duplicate key (each key may appear once in a map)");
  Diagnostics s;
  parse_config_text("{\"a\": 1\n", "bad.json", s);
  REQUIRE(!s.ok());
  CHECK(s.errors()[0].message.find("syntax error") == 0);
}

TEST_CASE("config: base inheritance merges maps and keeps each value's file") {
  write_temp("chip.yaml", "hbm:\n  capacity: 186 GB\n  bandwidth: 8 TB/s\npower: 1.2 kW\n");
  auto sys = write_temp("sys.yaml", "gpu:\n  base: chip.yaml\n  hbm:\n    bandwidth: 16 TB/s\n");
  Diagnostics d;
  ConfigNode n = load_config_file(sys, d);
  REQUIRE_MESSAGE(d.ok(), d.render());
  const ConfigNode* hbm = n.find("gpu")->find("hbm");
  CHECK(hbm->find("capacity")->scalar == "186 GB");
  CHECK(hbm->find("capacity")->loc.file.find("chip.yaml") != std::string::npos);
  CHECK(hbm->find("bandwidth")->scalar == "16 TB/s");
  CHECK(hbm->find("bandwidth")->loc.file.find("sys.yaml") != std::string::npos);
  CHECK(n.find("gpu")->find("power")->scalar == "1.2 kW");
}

TEST_CASE("config: an inheritance cycle is an error, not a hang") {
  write_temp("cyc_a.yaml", "base: cyc_b.yaml\nx: 1\n");
  auto b = write_temp("cyc_b.yaml", "base: cyc_a.yaml\ny: 2\n");
  Diagnostics d;
  load_config_file(b, d);
  REQUIRE(!d.ok());
  CHECK(d.render().find("inheritance cycle") != std::string::npos);
}

TEST_CASE("config: overrides walk maps and lists") {
  Diagnostics d;
  ConfigNode n = parse_config_text("gpu:\n  hbm: {bandwidth: 8 TB/s}\nlinks:\n  - {rate: 1}\n", "x.yaml", d);
  apply_override(n, "gpu.hbm.bandwidth=16 TB/s", d);
  apply_override(n, "links.0.rate=2", d);
  REQUIRE_MESSAGE(d.ok(), d.render());
  CHECK(n.find("gpu")->find("hbm")->find("bandwidth")->scalar == "16 TB/s");
  CHECK(n.find("links")->items[0].find("rate")->scalar == "2");
  apply_override(n, "gpu.hmb.bandwidth=1 TB/s", d);
  REQUIRE(d.errors().size() == 1);
  CHECK(d.errors()[0].str() ==
        "error: --set 'gpu.hmb.bandwidth=1 TB/s': gpu.hmb: no such section; did you mean 'hbm'?");
}

}  // namespace
}  // namespace tokenfab
