// A timeline in the Chrome/Perfetto trace-event JSON format (open it in
// ui.perfetto.dev): processes (a GPU, an LPU chip) holding named tracks
// (a resource, a queue) holding slices with a start, a duration and
// arguments. Both the SystemC step and the LPU emulator write theirs here.
//
//   TraceEvents t;
//   t.process(0, "GPU 0");
//   t.track(0, 1, "hbm");
//   t.slice({.pid = 0, .tid = 1, .name = "attn.o_proj", .category = "gemm", .start = Seconds(1e-6),
//            .duration = Seconds(2e-6)});
//   t.write("step.json");   // atomically
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "core/units.h"

namespace tokenfab {

struct TraceSlice {
  int pid = 0;
  int tid = 0;
  std::string name;
  std::string category;
  Seconds start;
  Seconds duration;
  nlohmann::json args = nlohmann::json::object();
};

class TraceEvents {
 public:
  void process(int pid, const std::string& name);
  void track(int pid, int tid, const std::string& name);
  void slice(const TraceSlice& s);
  std::size_t slices() const { return slices_; }
  nlohmann::json document() const;
  void write(const std::filesystem::path& file) const;

 private:
  nlohmann::json events_ = nlohmann::json::array();
  std::size_t slices_ = 0;
};

}  // namespace tokenfab
