#include "tests/golden/json_compare.h"

#include <doctest/doctest.h>

namespace tokenfab::golden {
namespace {

using nlohmann::json;

TEST_CASE("json_compare: numbers within the relative tolerance pass, others are listed with their path") {
  const json golden = json::parse(R"({"summary": {"step_time_s": 1.0, "bound": "hbm"}, "ops": [{"n": 3}, {"n": 4}]})");
  // 1 + 5e-10 is 5e-10 relative away: inside 1e-9. 1 + 2e-9 is not.
  json near = golden;
  near["summary"]["step_time_s"] = 1.0 + 5e-10;
  CHECK(compare_json(golden, near, {}).mismatches.empty());
  CHECK(compare_json(golden, near, {}).compared == 4);
  json far = golden;
  far["summary"]["step_time_s"] = 1.0 + 2e-9;
  far["summary"]["bound"] = "compute";
  far["ops"][1]["n"] = 5;  // integers compare exactly
  const Comparison c = compare_json(golden, far, {});
  REQUIRE(c.mismatches.size() == 3);
  CHECK(c.mismatches[0].path == "ops[1].n");
  CHECK(c.mismatches[1].path == "summary.bound");
  CHECK(c.mismatches[2].path == "summary.step_time_s");
}

TEST_CASE("json_compare: a renamed field is compared at its new path; a missing one is a mismatch") {
  const json golden = json::parse(
      R"([{"tokens_per_s_per_user": 212.5, "mapping": "tp=1"}, {"tokens_per_s_per_user": 100, "mapping": "tp=2"}])");
  const json renamed = json::parse(R"({"points": [{"summary": {"tokens_per_s": {"per_user": 212.5}}, "mapping": "tp=1"},
                                                  {"summary": {"tokens_per_s": {"per_user": 100.0}}, "mapping": "tp=2"}]})");
  CompareRules rules;
  rules.renames = {{"[*].tokens_per_s_per_user", "points[*].summary.tokens_per_s.per_user"}, {"[*]", "points[*]"}};
  const Comparison c = compare_json(golden, renamed, rules);
  CHECK(c.mismatches.empty());
  CHECK(c.compared == 4);
  // Without the map, every golden value is missing from the new document.
  CHECK(compare_json(golden, renamed, {}).mismatches.size() == 4);
}

TEST_CASE("json_compare: ignored paths are skipped, new fields are notes, array lengths must match") {
  const json golden = json::parse(R"({"arguments": ["--out", "a"], "ops": [1, 2]})");
  const json actual = json::parse(R"({"arguments": ["--out", "b"], "ops": [1, 2, 3], "extra": true})");
  CompareRules rules;
  rules.ignored = {"arguments"};
  const Comparison c = compare_json(golden, actual, rules);
  REQUIRE(c.mismatches.size() == 1);
  CHECK(c.mismatches[0].path == "ops");
  CHECK(c.new_fields == std::vector<std::string>{"extra", "ops[2]"});
}

TEST_CASE("json_compare: CSV rows become objects, numbers become numbers, quotes are honoured") {
  const json rows = parse_csv("id,value,mapping,flag\nR1,2.5,\"tp=1,ep=2\",1\nR2,1e-3,\"say \"\"hi\"\"\",0\n");
  REQUIRE(rows.size() == 2);
  CHECK(rows[0]["id"] == "R1");
  CHECK(rows[0]["value"] == 2.5);
  CHECK(rows[0]["mapping"] == "tp=1,ep=2");
  CHECK(rows[0]["flag"].is_number_integer());
  CHECK(rows[1]["value"] == 1e-3);
  CHECK(rows[1]["mapping"] == "say \"hi\"");
  CHECK(parse_csv("flag\ntrue\n")[0]["flag"] == true);
}

TEST_CASE("json_compare: a CSV flag 1 or 0 equals a boolean; other numbers do not") {
  const json golden = json::parse(R"([{"frontier": 1}, {"frontier": 0}, {"frontier": 2}])");
  const json actual = json::parse(R"([{"frontier": true}, {"frontier": true}, {"frontier": true}])");
  const Comparison c = compare_json(golden, actual, {});
  REQUIRE(c.mismatches.size() == 2);
  CHECK(c.mismatches[0].path == "[1].frontier");
  CHECK(c.mismatches[1].path == "[2].frontier");
}

}  // namespace
}  // namespace tokenfab::golden
