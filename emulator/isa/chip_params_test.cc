// Every shipped LPU preset loads, and every number in it names its source
// and status.
#include <doctest/doctest.h>

#include <filesystem>

#include "core/config_loader.h"
#include "emulator/isa/chip_params.h"

namespace tokenfab::lpu {
namespace {

TEST_CASE("presets: every LPU preset loads with sourced numbers") {
  int presets = 0;
  for (const auto& e : std::filesystem::directory_iterator("configs/lpu")) {
    if (e.path().extension() != ".yaml") continue;
    ++presets;
    CAPTURE(e.path());
    std::vector<Provenance> prov;
    load_config(e.path(), lpu_params_schema(), {}, &prov);
    CHECK(!prov.empty());
    for (const auto& p : prov) {
      INFO(p.loc.str() << ": " << p.path);
      CHECK(!p.source.empty());
      CHECK(!p.status.empty());
    }
  }
  CHECK(presets >= 3);
}

TEST_CASE("presets: a delay table must cover every opcode") {
  try {
    load_lpu_params("configs/lpu/tiny.yaml", {"delays=[{op: read, d_func: 3}]"});
    FAIL("expected an error");
  } catch (const InputError& e) {
    CHECK(std::string(e.what()).find("no delay for opcode 'nop'") != std::string::npos);
  }
}

TEST_CASE("presets: a producer's result cannot land before it reads its operands") {
  try {
    // delays.4 is `read` in tsp_v1.yaml: d_func 3.
    load_lpu_params("configs/lpu/tiny.yaml", {"delays.4.d_skew=3"});
    FAIL("expected an error");
  } catch (const InputError& e) {
    CHECK(std::string(e.what()).find("'read' must have d_func > d_skew (3 <= 3)") != std::string::npos);
  }
}

}  // namespace
}  // namespace tokenfab::lpu
