// Runs one golden case of tests/golden/cases.txt (or all of them) and compares
// its output field by field with the committed golden file, or with --update
// replaces the golden file by the new output (scripts/update_golden.sh).
//
//   golden_check --cases tests/golden/cases.txt --tokenfab build/app/tokenfab --out build/golden run_default
//   golden_check --cases tests/golden/cases.txt --tokenfab build/app/tokenfab --out build/golden --update --all
//
// Run from the source root: the commands name files relative to it. Exit
// code 0 when every value matches, 1 on a mismatch, 2 on a broken case.
#include <fmt/format.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "tests/golden/json_compare.h"

namespace fs = std::filesystem;
using namespace tokenfab::golden;

namespace {

struct Case {
  std::string name, output, golden, args;
  CompareRules rules;
};

std::string trim(const std::string& s) {
  const auto first = s.find_first_not_of(" \t");
  if (first == std::string::npos) return "";
  return s.substr(first, s.find_last_not_of(" \t") - first + 1);
}

std::vector<std::string> fields(const std::string& line) {
  std::vector<std::string> out;
  std::stringstream ss(line);
  std::string f;
  while (std::getline(ss, f, '|')) out.push_back(trim(f));
  return out;
}

// The cases, each with the ignore, rename and tolerance lines that name it
// or `*` (the format is documented at the top of cases.txt).
std::vector<Case> read_cases(const fs::path& file) {
  std::ifstream in(file);
  if (!in) throw std::runtime_error("cannot open " + file.string());
  std::vector<Case> cases;
  struct Rule {
    std::string kind, scope;
    std::vector<std::string> f;
    int line;
  };
  std::vector<Rule> rules;
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    line = trim(line);
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> f = fields(line);
    std::stringstream head(f[0]);
    std::string kind, scope;
    head >> kind >> scope;
    const std::size_t want = kind == "case" ? 4 : kind == "rename" ? 4 : 3;
    if (f.size() != want || scope.empty()) {
      throw std::runtime_error(
          fmt::format("{}:{}: expected {} fields separated by '|' after '{} NAME'", file.string(), n, want - 1, kind));
    }
    if (kind == "case") {
      cases.push_back({scope, f[1], f[2], f[3], {}});
    } else if (kind == "ignore" || kind == "rename" || kind == "tolerance") {
      rules.push_back({kind, scope, f, n});
    } else {
      throw std::runtime_error(
          fmt::format("{}:{}: unknown line kind '{}' (case, ignore, rename, tolerance)", file.string(), n, kind));
    }
  }
  for (auto& c : cases) {
    for (const auto& r : rules) {
      const bool prefix = r.scope.back() == '*';  // `ceiling_*`: every case whose name starts so
      const std::string stem = prefix ? r.scope.substr(0, r.scope.size() - 1) : r.scope;
      if (prefix ? c.name.rfind(stem, 0) != 0 : c.name != stem) continue;
      if (r.kind == "ignore") c.rules.ignored.push_back(r.f[1]);
      if (r.kind == "rename") c.rules.renames.emplace_back(r.f[1], r.f[2]);
      if (r.kind == "tolerance") c.rules.relative_tolerance = std::stod(r.f[1]);
    }
  }
  return cases;
}

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (auto at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
    s.replace(at, from.size(), to);
  return s;
}

// 0 matched (or updated), 1 mismatched, 2 the command failed.
int run_case(const Case& c, const fs::path& cases_dir, const std::string& tokenfab, const fs::path& out_root,
             bool update) {
  const fs::path out = out_root / c.name;
  fs::remove_all(out);
  fs::create_directories(out);
  const fs::path log = out / "command.log";
  const std::string cmd =
      fmt::format("'{}' {} > '{}' 2>&1", tokenfab, replace_all(c.args, "{out}", out.string()), log.string());
  const int status = std::system(cmd.c_str());
  if (status != 0) {
    std::ifstream in(log);
    std::cerr << c.name << ": `tokenfab " << c.args << "` failed:\n" << in.rdbuf() << "\n";
    return 2;
  }
  const fs::path golden = cases_dir / c.golden;
  if (update) {
    fs::copy_file(out / c.output, golden, fs::copy_options::overwrite_existing);
    std::cout << c.name << ": wrote " << golden.string() << "\n";
    return 0;
  }
  const Comparison r = compare_json(read_result_file(golden), read_result_file(out / c.output), c.rules);
  const std::size_t shown = 40;
  for (std::size_t i = 0; i < r.mismatches.size() && i < shown; ++i) {
    std::cout << c.name << ": " << r.mismatches[i].path << ": " << r.mismatches[i].message << "\n";
  }
  if (r.mismatches.size() > shown) std::cout << "  ... and " << r.mismatches.size() - shown << " more mismatches\n";
  for (std::size_t i = 0; i < r.new_fields.size() && i < 10; ++i) {
    std::cout << c.name << ": note: new field " << r.new_fields[i] << " (not in the golden result)\n";
  }
  std::cout << fmt::format("{}: {} golden values compared with {} (relative tolerance {:g}), {} mismatches\n", c.name,
                           r.compared, (out / c.output).string(), c.rules.relative_tolerance, r.mismatches.size());
  return r.mismatches.empty() ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  std::string cases_file, tokenfab, out_root, only;
  bool update = false, all = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&] { return i + 1 < argc ? std::string(argv[++i]) : std::string(); };
    if (a == "--cases")
      cases_file = value();
    else if (a == "--tokenfab")
      tokenfab = value();
    else if (a == "--out")
      out_root = value();
    else if (a == "--update")
      update = true;
    else if (a == "--all")
      all = true;
    else
      only = a;
  }
  if (cases_file.empty() || tokenfab.empty() || out_root.empty() || (only.empty() && !all)) {
    std::cerr << "usage: golden_check --cases FILE --tokenfab BIN --out DIR [--update] (--all | CASE)\n";
    return 2;
  }
  try {
    ::setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 1);
    int worst = 0, ran = 0;
    for (const auto& c : read_cases(cases_file)) {
      if (!all && c.name != only) continue;
      ++ran;
      worst = std::max(worst, run_case(c, fs::path(cases_file).parent_path(), tokenfab, out_root, update));
    }
    if (ran == 0) {
      std::cerr << "no case named '" << only << "' in " << cases_file << "\n";
      return 2;
    }
    return worst;
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 2;
  }
}
