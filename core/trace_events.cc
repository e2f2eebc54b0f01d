#include "core/trace_events.h"

#include "core/atomic_file.h"

namespace tokenfab {

void TraceEvents::process(int pid, const std::string& name) {
  events_.push_back({{"ph", "M"}, {"name", "process_name"}, {"pid", pid}, {"args", {{"name", name}}}});
}

void TraceEvents::track(int pid, int tid, const std::string& name) {
  events_.push_back({{"ph", "M"}, {"name", "thread_name"}, {"pid", pid}, {"tid", tid}, {"args", {{"name", name}}}});
}

void TraceEvents::slice(const TraceSlice& s) {
  // The format counts microseconds.
  events_.push_back({{"ph", "X"},
                     {"name", s.name},
                     {"cat", s.category},
                     {"pid", s.pid},
                     {"tid", s.tid},
                     {"ts", s.start.value() * 1e6},
                     {"dur", s.duration.value() * 1e6},
                     {"args", s.args}});
  ++slices_;
}

nlohmann::json TraceEvents::document() const { return {{"traceEvents", events_}, {"displayTimeUnit", "ns"}}; }

void TraceEvents::write(const std::filesystem::path& file) const {
  write_file_atomically(file, document().dump() + "\n");
}

}  // namespace tokenfab
