// Input errors with positions, collected and printed together.
//
// Every input path (YAML, config.json, trace files, command-line overrides)
// reports into a Diagnostics instead of stopping at the first problem, so one
// run shows every mistake, LLVM-style:
//
//   error: configs/systems/gb200_nvl72.yaml:14:7: gpu.hbm.stacks: expected an integer >= 1, got 0
//
// At the boundary a non-empty Diagnostics becomes an InputError, which the CLI
// prints and turns into exit code 2.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace tokenfab {

struct Location {
  std::string file;
  int line = 0;  // 1-based; 0 when the input has no lines (a --set override)
  int col = 0;   // 1-based
  std::string str() const;
};

struct Diagnostic {
  Location loc;
  std::string path;  // dotted key path, may be empty
  std::string message;
  std::string str() const;
};

class Diagnostics {
 public:
  void error(Location loc, std::string path, std::string message);
  bool ok() const { return errors_.empty(); }
  const std::vector<Diagnostic>& errors() const { return errors_; }
  // All errors, one "error: ..." line each.
  std::string render() const;
  // Throws InputError if any error was reported.
  void throw_if_any() const;

 private:
  std::vector<Diagnostic> errors_;
};

// The one exception type for bad input; carries every collected error.
class InputError : public std::runtime_error {
 public:
  explicit InputError(Diagnostics diags);
  InputError(Location loc, std::string message);
  const Diagnostics& diagnostics() const { return diags_; }

 private:
  Diagnostics diags_;
};

// Levenshtein-nearest candidate within a distance that still looks like a
// typo; empty when none is close.
std::string nearest_name(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace tokenfab
