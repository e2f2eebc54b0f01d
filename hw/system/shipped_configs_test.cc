// Every shipped hardware config loads, and every number in it names its
// source and status.
#include <doctest/doctest.h>

#include <filesystem>

#include "core/config_loader.h"
#include "hw/system/pod_config.h"

namespace tokenfab {
namespace {

std::vector<std::filesystem::path> yaml_files(const std::string& dir) {
  std::vector<std::filesystem::path> out;
  for (const auto& e : std::filesystem::directory_iterator("configs/" + dir)) {
    if (e.path().extension() == ".yaml") out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

template <class T>
void check_all(const std::string& dir, const Schema<T>& schema, std::size_t at_least) {
  auto files = yaml_files(dir);
  CHECK(files.size() >= at_least);
  for (const auto& f : files) {
    CAPTURE(f);
    std::vector<Provenance> prov;
    try {
      load_config(f, schema, {}, &prov);
    } catch (const InputError& e) {
      FAIL_CHECK(e.what());
      continue;
    }
    CHECK(!prov.empty());
    for (const auto& p : prov) {
      INFO(p.loc.str() << ": " << p.path << " = " << p.value);
      CHECK(!p.source.empty());
      CHECK(!p.status.empty());
    }
  }
}

TEST_CASE("configs: every chip loads with sourced numbers") { check_all("chips", chip_schema(), 11); }
TEST_CASE("configs: every link loads with sourced numbers") { check_all("links", link_schema(), 10); }
TEST_CASE("configs: every system loads with sourced numbers") { check_all("systems", system_schema(), 11); }
TEST_CASE("configs: every pod loads with sourced numbers") { check_all("pods", pod_schema(), 1); }
TEST_CASE("configs: every pool of a pod loads with sourced numbers") { check_all("pods/pools", pool_schema(), 1); }

}  // namespace
}  // namespace tokenfab
