#include "core/diagnostics.h"

#include <doctest/doctest.h>

#include <algorithm>

namespace tokenfab {
namespace {

std::size_t lines(const std::string& s) { return static_cast<std::size_t>(std::count(s.begin(), s.end(), '\n')); }

TEST_CASE("diagnostics: at most 20 errors a file are printed, then a count of the rest") {
  Diagnostics d;
  // 2,864 errors in a.yaml (a dropped key repeated down a list), 3 in b.yaml.
  for (int i = 1; i <= 2864; ++i) d.error({"a.yaml", i, 3}, "points." + std::to_string(i), "missing 'model'");
  for (int i = 1; i <= 3; ++i) d.error({"b.yaml", i, 1}, "", "unknown key");
  CHECK(d.errors().size() == 2867);  // every error is kept; only the printing is capped
  const std::string out = d.render();
  // 20 of a.yaml, 3 of b.yaml, and one line for the 2,844 left out of a.yaml.
  CHECK(lines(out) == 24);
  CHECK(out.find("error: a.yaml:20:3: points.20: missing 'model'\n") != std::string::npos);
  CHECK(out.find("a.yaml:21:3") == std::string::npos);
  CHECK(out.find("error: b.yaml:3:1: unknown key\n") != std::string::npos);
  CHECK(out.ends_with("error: a.yaml: ... and 2,844 more errors in the same file\n"));
}

TEST_CASE("diagnostics: the count line reads well for one and for millions") {
  CHECK(more_errors(1) == "... and 1 more error in the same file");
  CHECK(more_errors(999) == "... and 999 more errors in the same file");
  CHECK(more_errors(1000) == "... and 1,000 more errors in the same file");
  CHECK(more_errors(250453) == "... and 250,453 more errors in the same file");
  CHECK(more_errors(12345678) == "... and 12,345,678 more errors in the same file");
}

}  // namespace
}  // namespace tokenfab
