#include "app/emulator_timeline.h"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>

#include "core/atomic_file.h"
#include "emulator/isa/isa.h"

namespace tokenfab {

void write_emulator_timeline(const std::string& file, const std::vector<lpu::RunResult>& chips,
                             const lpu::LpuParams& params) {
  const double us_per_cycle = 1e6 / params.clock.value();
  nlohmann::json events = nlohmann::json::array();
  for (std::size_t chip = 0; chip < chips.size(); ++chip) {
    const lpu::RunResult& run = chips[chip];
    const int pid = static_cast<int>(chip);
    // Tracks in queue order, so the trace reads the same on every run.
    std::map<lpu::QueueId, int> tid;
    for (const auto& r : run.issues) tid.try_emplace(r.queue, 0);
    int next = 0;
    for (auto& [queue, id] : tid) id = next++;
    const std::string name = chips.size() > 1 ? params.name + " chip " + std::to_string(chip) : params.name;
    events.push_back({{"ph", "M"}, {"name", "process_name"}, {"pid", pid}, {"args", {{"name", name}}}});
    for (const auto& [queue, id] : tid) {
      events.push_back({{"ph", "M"},
                        {"name", "thread_name"},
                        {"pid", pid},
                        {"tid", id},
                        {"args", {{"name", lpu::queue_name(queue)}}}});
    }
    std::vector<lpu::IssueRecord> issues = run.issues;
    std::stable_sort(issues.begin(), issues.end(), [](const auto& a, const auto& b) { return a.cycle < b.cycle; });
    for (const auto& r : issues) {
      events.push_back({{"ph", "X"},
                        {"name", std::string(lpu::info(r.op).name)},
                        {"cat", std::string(lpu::unit_name(lpu::info(r.op).unit))},
                        {"pid", pid},
                        {"tid", tid.at(r.queue)},
                        {"ts", static_cast<double>(r.cycle) * us_per_cycle},
                        {"dur", us_per_cycle},
                        {"args", {{"cycle", r.cycle}, {"line", r.line}}}});
    }
  }
  nlohmann::json doc = {{"traceEvents", events}, {"displayTimeUnit", "ns"}};
  write_file_atomically(file, doc.dump() + "\n");
}

}  // namespace tokenfab
