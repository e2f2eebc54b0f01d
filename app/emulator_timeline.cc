#include "app/emulator_timeline.h"

#include <algorithm>
#include <map>

#include "core/trace_events.h"
#include "emulator/isa/isa.h"

namespace tokenfab {

void write_emulator_timeline(const std::string& file, const std::vector<lpu::RunResult>& chips,
                             const lpu::LpuParams& params) {
  const Seconds cycle = 1.0 / params.clock;
  TraceEvents events;
  for (std::size_t chip = 0; chip < chips.size(); ++chip) {
    const lpu::RunResult& run = chips[chip];
    const int pid = static_cast<int>(chip);
    // Tracks in queue order, so the trace reads the same on every run.
    std::map<lpu::QueueId, int> tid;
    for (const auto& r : run.issues) tid.try_emplace(r.queue, 0);
    int next = 0;
    for (auto& [queue, id] : tid) id = next++;
    events.process(pid, chips.size() > 1 ? params.name + " chip " + std::to_string(chip) : params.name);
    for (const auto& [queue, id] : tid) events.track(pid, id, lpu::queue_name(queue));
    std::vector<lpu::IssueRecord> issues = run.issues;
    std::stable_sort(issues.begin(), issues.end(), [](const auto& a, const auto& b) { return a.cycle < b.cycle; });
    for (const auto& r : issues) {
      events.slice({.pid = pid,
                    .tid = tid.at(r.queue),
                    .name = std::string(lpu::info(r.op).name),
                    .category = std::string(lpu::unit_name(lpu::info(r.op).unit)),
                    .start = cycle * static_cast<double>(r.cycle),
                    .duration = cycle,
                    .args = {{"cycle", r.cycle}, {"line", r.line}}});
    }
  }
  events.write(file);
}

}  // namespace tokenfab
