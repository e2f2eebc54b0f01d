// A sweep's journal (points.jsonl): one JSON object per finished point, one
// line each, appended as it finishes, in whatever order points finish. A
// line goes out in one write(2) on a file opened for appending: a kill -9
// of the process cannot split it (the kernel has it once write returns), and
// a torn last line (a full disk, a lost machine) is cut off on reopening. Each entry carries its point's "index" and
// "key" (its parameters, resolved configuration and binary, hashed), so a
// rerun skips what is done and refuses what no longer matches.
//
//   SweepJournal j("out/sweep/points.jsonl");   // reads what is there
//   if (!j.done().contains(i)) j.append(entry);
#pragma once

#include <filesystem>
#include <map>

#include <nlohmann/json.hpp>

namespace tokenfab {

class SweepJournal {
 public:
  explicit SweepJournal(std::filesystem::path file);
  ~SweepJournal();
  SweepJournal(const SweepJournal&) = delete;
  SweepJournal& operator=(const SweepJournal&) = delete;

  // Entries read at opening and appended since, by index.
  const std::map<int, nlohmann::ordered_json>& done() const { return done_; }
  void append(const nlohmann::ordered_json& entry);
  const std::filesystem::path& file() const { return file_; }

 private:
  std::filesystem::path file_;
  int fd_ = -1;
  std::map<int, nlohmann::ordered_json> done_;
};

// The entries of every journal in `dir` (points.jsonl and the MPI ranks'
// points.rank<r>.jsonl), by index, read without changing them: a torn last
// line is skipped, not cut (another process may still be writing it).
std::map<int, nlohmann::ordered_json> read_journals(const std::filesystem::path& dir);

// FNV-1a, 64 bits, as 16 hex digits: stable across runs and machines.
std::string fnv1a_hex(std::string_view bytes);

}  // namespace tokenfab
