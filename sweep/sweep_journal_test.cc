#include "sweep/sweep_journal.h"

#include <doctest/doctest.h>

#include <fstream>

namespace tokenfab {
namespace {

TEST_CASE("sweep journal: entries survive a reopening, and a torn last line is cut off") {
  const auto file = std::filesystem::temp_directory_path() / "tokenfab_journal_test" / "points.jsonl";
  std::filesystem::remove(file);
  {
    SweepJournal j(file);
    j.append(nlohmann::ordered_json::object({{"index", 1}, {"key", "a"}}));
    j.append(nlohmann::ordered_json::object({{"index", 0}, {"key", "b"}}));
  }
  // A write cut short, as a lost machine would leave it.
  std::ofstream(file, std::ios::app) << R"({"index": 2, "ke)";
  SweepJournal j(file);
  REQUIRE(j.done().size() == 2);
  CHECK(j.done().begin()->second["key"] == "b");
  j.append(nlohmann::ordered_json::object({{"index", 2}, {"key", "c"}}));
  SweepJournal again(file);
  CHECK(again.done().size() == 3);
}

TEST_CASE("fnv1a_hex: the published 64-bit FNV-1a of 'a'") { CHECK(fnv1a_hex("a") == "af63dc4c8601ec8c"); }

}  // namespace
}  // namespace tokenfab
