// Schemas of the workload side of a run: phase and sizes, parallel mapping,
// number formats. Hardware-free, so workloads/ stays independent of hw/.
#pragma once

#include "core/schema.h"
#include "workloads/mapping.h"
#include "workloads/op.h"

namespace tokenfab {

const Schema<Workload>& workload_schema();
const Schema<Mapping>& mapping_schema();
const Schema<Precision>& precision_schema();

}  // namespace tokenfab
