#include "hw/device/device.h"

#include "hw/compute/emulated_mxm.h"

namespace tokenfab {

// NOLINTNEXTLINE(performance-unnecessary-value-param): SystemC names modules through a by-value sc_module_name
DeviceModule::DeviceModule(sc_core::sc_module_name name, int device, const ChipConfig& chip, const EngineConfig& engine,
                           CollectiveEngine& collectives)
    : sc_module(name),
      memory_socket("memory_socket"),
      compute_socket("compute_socket"),
      device_(device),
      chip_(chip),
      engine_(engine),
      collectives_(collectives) {
  memory_socket.bind(*this);
  compute_socket.bind(*this);
  SC_HAS_PROCESS(DeviceModule);
  SC_METHOD(step);
  sensitive << kick_;
  dont_initialize();
  trans_.set_command(tlm::TLM_READ_COMMAND);
  trans_.set_extension(&payload_);
}

DeviceModule::~DeviceModule() { trans_.clear_extension(&payload_); }

void DeviceModule::load(const std::vector<Op>& ops, int stage) {
  ops_ = &ops;
  stage_ = {};
  timings_.clear();
  timings_.reserve(ops.size());
  begin_ = finish_ = local_ = Seconds(0);
  next_ = 0;
  started_ = begun_ = in_collective_ = finished_ = false;
  device_stage_ = stage;
}

void DeviceModule::start() { kick_.notify(sc_core::SC_ZERO_TIME); }

void DeviceModule::kernel(const Op& op) {
  const sc_core::sc_time& now = sc_core::sc_time_stamp();
  const Seconds start = from_sc(now) + local_;
  const Seconds launch = chip_.compute.launch_overhead + engine_.kernel_overhead;
  sc_core::sc_time issue = to_sc(local_ + launch);
  payload_.op = &op;
  payload_.bytes = kernel_bytes(chip_.compute, op) / kernel_efficiency(engine_, op.kind);
  payload_.compute_efficiency = compute_efficiency(engine_, op);
  sc_core::sc_time memory_done = issue, compute_done = issue;
  memory_socket->b_transport(trans_, memory_done);
  compute_socket->b_transport(trans_, compute_done);
  OpTiming t = charge_kernel(start, launch, from_sc(compute_done - issue), from_sc(memory_done - issue));
  local_ = from_sc(std::max(memory_done, compute_done));
  // The clock's own count, not the charge's sum: they differ by picoseconds.
  t.time = from_sc(now) + local_ - t.start;
  stage_.add(t);
  timings_.push_back(t);
}

void DeviceModule::resume_after_collective() {
  // The completion event fired: simulation time is now the member's done time.
  OpTiming& t = timings_.back();
  const Seconds time = from_sc(sc_core::sc_time_stamp()) - t.start;
  // The fixed software cost and waiting for slower peers are synchronisation.
  t = charge_collective(t.start, t.bound, time - charge_.link, charge_.link);
  t.time = time;
  stage_.add(t);
  local_ = Seconds(0);
  in_collective_ = false;
}

void DeviceModule::step() {
  if (!ops_) return;
  if (!started_) {
    started_ = true;
    if (device_stage_ > 0) {  // wait for the previous stage's activations
      next_trigger(collectives_.start_event(device_));
      return;
    }
  }
  if (!begun_) {
    begun_ = true;
    begin_ = from_sc(sc_core::sc_time_stamp());
  }
  if (in_collective_) resume_after_collective();
  for (; next_ < ops_->size(); ++next_) {
    const Op& op = (*ops_)[next_];
    if (fused_away(engine_, op.kind)) {
      timings_.push_back(fused_op(from_sc(sc_core::sc_time_stamp()) + local_));
      continue;
    }
    if (!op.collective) {
      kernel(op);
      continue;
    }
    OpTiming t;
    t.start = from_sc(sc_core::sc_time_stamp()) + local_;
    charge_ = {};
    // The library's own synchronisation comes before the device joins the collective.
    sc_core::sc_event& done =
        collectives_.arrive(device_, op, t.start + collective_software(engine_, op.collective->kind), &charge_);
    t.bound = charge_.scale_out ? Resource::scale_out : Resource::scale_up;
    timings_.push_back(t);
    in_collective_ = true;
    ++next_;
    next_trigger(done);
    return;
  }
  if (finished_) return;  // woken at its own finish: the kernel's clock has caught up
  finished_ = true;
  finish_ = from_sc(sc_core::sc_time_stamp()) + local_;
  // Bring the kernel's clock to the finish, so that the next step starts
  // after this one's last op rather than at its last collective.
  if (local_.value() > 0) next_trigger(to_sc(local_));
}

}  // namespace tokenfab
