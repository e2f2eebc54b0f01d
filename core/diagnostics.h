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

#include <cstddef>
#include <stdexcept>
#include <string>
#include <utility>
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
  // Errors printed per file: a systematic mistake (a dropped column, a
  // renamed key in a list) repeats on every row, and thousands of copies bury
  // the first lines, which name the cause.
  static constexpr std::size_t kShownPerFile = 20;

  void error(Location loc, std::string path, std::string message);
  // Errors of `file` counted but not kept: a reader streaming a huge file
  // keeps only what render prints (workloads/trace_columns.h FileErrors).
  void more(const std::string& file, std::size_t count);
  // Every error and count of `other`, after this one's.
  void append(const Diagnostics& other);
  bool ok() const { return errors_.empty(); }
  const std::vector<Diagnostic>& errors() const { return errors_; }
  // One "error: ..." line each, at most kShownPerFile a file, then a line
  // counting the rest: "error: r1.csv: ... and 2,844 more errors in the same file".
  std::string render() const;
  // Throws InputError if any error was reported.
  void throw_if_any() const;

 private:
  std::vector<Diagnostic> errors_;
  std::vector<std::pair<std::string, std::size_t>> more_;  // by file, in order
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

// "... and 2,844 more errors in the same file": the line that counts the
// errors of one file left unprinted.
std::string more_errors(std::size_t count);

}  // namespace tokenfab
