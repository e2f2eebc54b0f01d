// An LPU chip described once: a chip YAML of kind lpu that names its
// emulator preset (`emulator_preset: ../lpu/tsp_v1.yaml`) takes from it every
// figure the two documents share, computed by the emulator's own code
// (emulator/isa/chip_params.h), instead of restating them by hand:
//
//   compute.clock       the preset's clock
//   sram.capacity       2 hemispheres x slices x tiles x banks x words
//   sram.bandwidth      every slice reading one vector a cycle
//   sram.stacks         the MEM slices of both hemispheres
//   sram.efficiency     weight install rate / read bandwidth: weights stream
//                       into the MXM no faster than it installs them
//   scale_up.bandwidth  C2C links x per-link rate, per direction
//   scale_up.lanes      C2C links
//   scale_up.efficiency 1 (the per-link rate is already the cabled rate)
//   scale_up.latency    the C2C hop in cycles at the clock
//   compute.emulator    the preset's path, and compute.emulator_set the
//                       changes below: the emulator times the matrix ops
//
// Stating one of them in the chip YAML too is an error, so the two cannot
// drift apart; the derived values carry the preset's file as their source.
// To vary the chip, change the preset: `emulator_set:` in the chip, a map of
// preset keys to values (`emulator_set: {c2c_hop_latency: 900}`, or
// `--set system.chip.emulator_set.c2c_hop_latency=900` where the map is
// there), is applied to the preset before anything is derived from it.
#pragma once

#include <string>

#include "core/config_node.h"
#include "core/value_codec.h"

namespace tokenfab {

// A Schema<ChipConfig>::prepare step: fills the derived keys of a chip tree
// that names an emulator preset; nothing otherwise.
void derive_from_emulator_preset(ConfigNode& chip, const std::string& path, BindContext& ctx);

}  // namespace tokenfab
