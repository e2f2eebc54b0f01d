// A serving run as a Perfetto timeline (core/trace_events.h): the engine's
// steps on one track (each named by its mix and the resource bounding it),
// and each request on a track of its own with three slices: queued (arrival
// to admission), prefill (admission to first token) and decode (first token
// to its last), for the requests that arrive within [from, to).
//
//   serving_timeline(run, system, Seconds(10), Seconds(20)).write("serve.json");
#pragma once

#include "core/trace_events.h"
#include "serving/simulator.h"

namespace tokenfab {

// `system` names the resources (hbm or sram, nvlink, ...) a step is bound by.
TraceEvents serving_timeline(const ServingRun& run, const SystemConfig& system, Seconds from, Seconds to);

}  // namespace tokenfab
