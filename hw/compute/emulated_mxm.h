// An LPU's matrix ops timed by its emulator: the kernel library's scheduler
// predicts the exact cycles of each product on the chip's preset
// (emulator/kernels/kernel_matmul.h), weight reads from SRAM included, so the
// memory charge of such an op is only the bytes outside its weights. Both
// engines time every op through compute_time and kernel_bytes, so the
// analytical estimate and the SystemC model take the same figures.
//
// What is costed, and how:
// - gemm, grouped_gemm and router ops of a chip whose compute section names
//   an emulator preset (set from the chip's `emulator_preset`); decode
//   attention by the rule of emulated_attention.h; other ops keep the
//   roofline (their kernels are not in the library yet).
// - An op of `count` products of m x k by k x n takes count x cycles(m, k, n)
//   at the preset's clock, the products one after another.
// - 8-bit formats run as INT8 (the v1 MXM's 8-bit type), wider ones as FP16.
// - cycles(m, k, n): K and N are padded to whole 320-wide tiles (the
//   kernel's rule). With at most 64 tiles the scheduler costs the shape
//   itself; beyond, cycles are linear in the tile count through the exact
//   costs of 4 x 4 and 8 x 8 tiles at the same m (weights stream through the
//   MXM at a steady rate once it is full; on tsp-v1 within 2.2% of the
//   exact cycles of Llama-2-70B's TP8 shapes, emulated_mxm_test.cc holds it
//   to 4%). Rows beyond 64 cost
//   m / 64 times the cycles of 64 (rows run through installed weights at a
//   fixed rate per row). Between 8 and 64 rows only 12, 16, 24, 32 and 48
//   are costed besides; other counts lie on the line through the two around
//   them (a frontier search meets most counts from 1 to 64 for each shape).
//   The scheduler's own counts step unevenly between nearby row counts:
//   8.3% the worst seen over four shapes on tsp_v1 and lp30 (measured once,
//   about 2% typical); emulated_mxm_test.cc holds two shapes on tsp_v1 to
//   10%.
// - Each distinct (preset, m, k, n, format) is costed once per process.
#pragma once

#include <cstdint>
#include <string>

#include "hw/compute/compute_config.h"
#include "workloads/op.h"

namespace tokenfab {

// True when `op` is timed by the emulator on this chip.
bool emulated(const ComputeConfig& compute, const Op& op);

// Cycles of one m x k by k x n product on `preset` (a configs/lpu/ file)
// with `changes` ("key=value;..."), by the rule above.
std::int64_t mxm_cycles(const std::string& preset, const std::string& changes, std::int64_t m, std::int64_t k,
                        std::int64_t n, bool int8);

// The op's time on the emulated chip: count x cycles / clock (attention:
// queries x cycles / clock).
Seconds emulated_time(const ComputeConfig& compute, const Op& op);

// Bytes a kernel moves through its chip's memory besides what its compute
// time already covers: all of memory_bytes(op), less the weights of an
// emulated matrix op or the cached keys and values (kv_read) of an emulated
// attention op (its cycles include reading them from SRAM).
Bytes kernel_bytes(const ComputeConfig& compute, const Op& op);

}  // namespace tokenfab
