#include "emulator/chip/chip_impl.h"

#include <cstring>
#include <stdexcept>

namespace tokenfab::lpu {

std::string ScheduleError::str() const {
  return "error: " + loc.str() + ": cycle " + std::to_string(cycle) + ", " + queue + ": " + message;
}

Chip::Chip(const LpuParams& params, Mode mode) : params_(params), mode_(mode) {}

std::uint8_t* Chip::word(SliceId slice, std::int64_t address) {
  if (address < 0 || address >= slice_words(params_))
    throw std::out_of_range("SRAM word " + std::to_string(address) + " outside the slice (" +
                            std::to_string(slice_words(params_)) + " words)");
  auto& chunks = sram_[slice];
  if (chunks.empty()) chunks.resize(static_cast<std::size_t>((slice_words(params_) + kChunkWords - 1) / kChunkWords));
  auto& chunk = chunks[static_cast<std::size_t>(address / kChunkWords)];
  const auto v = static_cast<std::size_t>(params_.vector_bytes());
  if (!chunk) chunk = std::make_unique<std::uint8_t[]>(static_cast<std::size_t>(kChunkWords) * v);  // zeroed
  return chunk.get() + static_cast<std::size_t>(address % kChunkWords) * v;
}

const std::uint8_t* Chip::word_if_written(SliceId slice, std::int64_t address) const {
  if (address < 0 || address >= slice_words(params_))
    throw std::out_of_range("SRAM word " + std::to_string(address) + " outside the slice (" +
                            std::to_string(slice_words(params_)) + " words)");
  auto it = sram_.find(slice);
  if (it == sram_.end()) return nullptr;
  const auto& chunk = it->second[static_cast<std::size_t>(address / kChunkWords)];
  if (!chunk) return nullptr;
  return chunk.get() +
         static_cast<std::size_t>(address % kChunkWords) * static_cast<std::size_t>(params_.vector_bytes());
}

void Chip::write_vector(SliceId slice, std::int64_t address, const std::vector<std::uint8_t>& bytes) {
  const auto v = static_cast<std::size_t>(params_.vector_bytes());
  std::memcpy(word(slice, address), bytes.data(), std::min(bytes.size(), v));
}

std::vector<std::uint8_t> Chip::read_vector(SliceId slice, std::int64_t address) const {
  const auto v = static_cast<std::size_t>(params_.vector_bytes());
  const std::uint8_t* w = word_if_written(slice, address);
  if (!w) return std::vector<std::uint8_t>(v, 0);
  return {w, w + v};
}

int Chip::position(const QueueId& q) const { return stream_position(params_, q); }

Chip::~Chip() = default;

bool Chip::receive(int link, const C2cVector& vector) {
  if (!impl_) return false;
  impl_->links[link].inbox.push_back(vector);
  return true;
}

bool Chip::start(const Program& program) { return start(program, false); }

bool Chip::start(const Program& program, bool read_runs) {
  impl_ = std::make_unique<Impl>(*this);
  Impl& impl = *impl_;
  impl.read_runs = read_runs;
  impl.queues.reserve(program.queues.size());
  impl.maps = &program.maps;
  for (const auto& q : program.queues) {
    for (const auto& ins : q.code) {
      if (std::string what = impl.refuse(ins); !what.empty()) {
        impl.result.errors.push_back({0, queue_name(q.id), what + " not supported by this emulator version", ins.loc});
      }
    }
    impl.queues.push_back({&q, position(q.id)});
  }
  if (!impl.result.errors.empty()) return false;
  for (auto& q : impl.queues) impl.at_issue(0, q);
  return true;
}

std::optional<std::int64_t> Chip::next_cycle() const {
  if (!impl_ || impl_->events.empty()) return std::nullopt;
  return impl_->events.top().cycle;
}

void Chip::step() {
  Impl& impl = *impl_;
  const Impl::Event e = impl.events.take();
  impl.now = e.cycle;
  impl.fabric.advance(e.cycle);
  impl.run_event(e);
}

RunResult Chip::result() const {
  RunResult r = impl_->result;
  for (std::size_t u = 0; u < impl_->issued.size(); ++u) {
    if (impl_->issued[u] > 0) r.issued[static_cast<Unit>(u)] = impl_->issued[u];
  }
  r.cycles = impl_->last + 1;
  r.dataflow_bound = impl_->bound_last + 1;
  return r;
}

RunResult Chip::run(const Program& program) {
  // Alone and timing-only, nothing outside sees the order of events, so
  // repeated reads may run ahead (Impl::read_run); a run with errors is run
  // again copy by copy so that they are found, and listed, as they are
  // otherwise. Timing-only runs leave SRAM as it was, so the second run
  // starts where the first did.
  const bool read_runs = mode_ == Mode::timing_only && !record_issues_ && !ports_;
  if (!start(program, read_runs)) return result();
  while (!impl_->events.empty()) step();
  if (!read_runs || impl_->result.errors.empty()) return result();
  start(program, false);
  while (!impl_->events.empty()) step();
  return result();
}

}  // namespace tokenfab::lpu
