#include "hw/gpu/gpu.h"

namespace tokenfab {

GpuModule::GpuModule(sc_core::sc_module_name name, int device, int stage, const std::vector<Op>& ops,
                     const ChipConfig& chip, const EngineConfig& engine, CollectiveEngine& collectives)
    : sc_module(name),
      hbm_socket("hbm_socket"),
      compute_socket("compute_socket"),
      device_(device),
      stage_(stage),
      ops_(ops),
      chip_(chip),
      engine_(engine),
      collectives_(collectives) {
  hbm_socket.bind(*this);
  compute_socket.bind(*this);
  SC_HAS_PROCESS(GpuModule);
  SC_METHOD(step);
  timings_.reserve(ops.size());
  trans_.set_command(tlm::TLM_READ_COMMAND);
  trans_.set_extension(&payload_);
}

GpuModule::~GpuModule() { trans_.clear_extension(&payload_); }

void GpuModule::kernel(const Op& op) {
  const sc_core::sc_time now = sc_core::sc_time_stamp();
  OpTiming t;
  t.start = from_sc(now) + local_;
  sc_core::sc_time issue = to_sc(local_ + chip_.compute.launch_overhead);
  payload_.op = &op;
  payload_.bytes = op.weight_bytes + op.activation_bytes + op.kv_read + op.kv_write;
  sc_core::sc_time memory_done = issue, compute_done = issue;
  hbm_socket->b_transport(trans_, memory_done);
  compute_socket->b_transport(trans_, compute_done);
  t.memory = from_sc(memory_done - issue);
  t.compute = from_sc(compute_done - issue);
  t.bound = t.compute > t.memory ? Resource::compute : Resource::memory;
  t.charged[Resource::launch] = chip_.compute.launch_overhead;
  t.charged[t.bound] = std::max(t.memory, t.compute);
  local_ = from_sc(std::max(memory_done, compute_done));
  t.time = from_sc(now) + local_ - t.start;
  charged_ += t.charged;
  timings_.push_back(t);
}

void GpuModule::resume_after_collective() {
  // The completion event fired: simulation time is now the member's done time.
  OpTiming& t = timings_.back();
  t.time = from_sc(sc_core::sc_time_stamp()) - t.start;
  // The fixed software cost and waiting for slower peers are synchronisation.
  t.charged[Resource::sync] = t.time - charge_.link;
  t.charged[t.bound] = charge_.link;
  charged_ += t.charged;
  local_ = Seconds(0);
  in_collective_ = false;
}

void GpuModule::step() {
  if (!started_) {
    started_ = true;
    if (stage_ > 0) {  // wait for the previous stage's activations
      next_trigger(collectives_.start_event(device_));
      return;
    }
  }
  if (begin_.value() == 0 && next_ == 0) begin_ = from_sc(sc_core::sc_time_stamp());
  if (in_collective_) resume_after_collective();
  for (; next_ < ops_.size(); ++next_) {
    const Op& op = ops_[next_];
    if (fused_away(engine_, op.kind)) {
      timings_.push_back(OpTiming{from_sc(sc_core::sc_time_stamp()) + local_, {}, {}, {}, Resource::compute, {}});
      continue;
    }
    if (!op.collective) {
      kernel(op);
      continue;
    }
    OpTiming t;
    t.start = from_sc(sc_core::sc_time_stamp()) + local_;
    charge_ = {};
    sc_core::sc_event& done = collectives_.arrive(device_, op, t.start, &charge_);
    t.bound = charge_.scale_out ? Resource::scale_out : Resource::scale_up;
    timings_.push_back(t);
    in_collective_ = true;
    ++next_;
    next_trigger(done);
    return;
  }
  finish_ = from_sc(sc_core::sc_time_stamp()) + local_;
}

}  // namespace tokenfab
