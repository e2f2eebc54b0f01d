// Field-by-field comparison of a golden result with a new one, for the golden
// tests of tests/golden/cases.txt.
//
//   CompareRules rules;                      // 1e-9 relative on numbers
//   rules.renames.push_back({"summary.tokens_per_s_per_user", "summary.tokens_per_s.per_user"});
//   Comparison c = compare_json(read_result_file("golden.json"), read_result_file("out/results.json"), rules);
//   for (const auto& m : c.mismatches) std::cout << m.path << ": " << m.message << "\n";
//
// Every leaf of the golden document is looked up in the new one, after the
// renames, so that a schema change keeps comparing the old values with the
// renamed fields. Numbers compare within a relative tolerance, unless both
// are integers (then exactly); strings, booleans and nulls compare exactly,
// except that a boolean equals the integer 1 or 0 (CSV writes flags so).
// An array must keep its length. Fields only the new document has are
// reported as notes, not failures: adding a field changes no number.
//
// Paths read `ops[12].start_s`; in a rule, `[*]` matches any index and `*`
// any key, and a rule on a path covers everything under it.
#pragma once

#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tokenfab::golden {

struct CompareRules {
  double relative_tolerance = 1e-9;
  std::vector<std::string> ignored;                          // golden paths not compared
  std::vector<std::pair<std::string, std::string>> renames;  // golden path -> new path, first match wins
};

struct Mismatch {
  std::string path;  // in the golden document
  std::string message;
};

struct Comparison {
  std::vector<Mismatch> mismatches;
  std::vector<std::string> new_fields;  // leaves of the new document no golden leaf maps to
  std::int64_t compared = 0;            // golden leaves compared
};

Comparison compare_json(const nlohmann::json& golden, const nlohmann::json& actual, const CompareRules& rules);

// A CSV file as an array of objects, one per row, keyed by the header;
// integers and decimals become numbers, true and false booleans, anything
// else a string.
nlohmann::json parse_csv(std::string_view text);

// A .json file parsed, a .csv file through parse_csv.
nlohmann::json read_result_file(const std::filesystem::path& file);

}  // namespace tokenfab::golden
