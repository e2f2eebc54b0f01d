// The kernel library's matrix product of any shape: Y = X W with X M x K
// (M activation rows: M = 1 is a GEMV, more a GEMM) and W K x N, both INT8
// (Y INT32, exact) or both FP16 (Y FP32). W is cut into mxm_dim x mxm_dim
// tiles; each tile is installed once on some MXM plane and multiplies the M
// row pieces of X it meets; the ceil(K / dim) partial products of each
// output tile are summed on the VXM. Edges are zero-padded to whole tiles.
//
// Both MXMs: each tile goes to the MXM (east or west, each with half the
// planes) that could install it first and is stored in that MXM's
// hemisphere, so that both hemispheres' streams carry weights at once. One
// hemisphere's 32 streams carry at most 10,240 B a cycle: all of tsp-v1's
// install rate, half of lp30's assumed one, which only both sides together
// reach. X is preloaded on both sides. Each tile reads its activations
// itself: tiles on different planes do not share a read, so a GEMM with
// many rows runs below the MXM's peak.
//
//   MatmulKernel k = matmul(params, data);   // data: matmul_data(m, k, n, seed)
//   KernelCheck c = check_matmul(params, data, k);
#pragma once

#include <cstdint>
#include <vector>

#include "emulator/kernels/layer_data.h"
#include "emulator/kernels/schedule.h"

namespace tokenfab::lpu {

// INT8 data, or FP16 data whose values are the INT8 ones / 16 (exact in
// half precision). FP16 products are FP32, each tile's dot product rounded
// once and the K tiles' partials added in FP32 in tile order.
struct MatmulData {
  Int8Matrix x;  // M x K
  Int8Matrix w;  // K x N
  ElemType type = ElemType::i8;
  float value(std::int8_t raw) const { return type == ElemType::f16 ? static_cast<float>(raw) / 16.0f : raw; }
};
MatmulData matmul_data(int m, int k, int n, std::uint32_t seed, ElemType type = ElemType::i8);

struct MatmulKernel {
  Program program;
  std::vector<Preload> preloads;
  std::vector<std::vector<Vec>> y;  // [row][column tile], INT32 or FP32
  std::int64_t expected_cycles = 0;
  std::int64_t chain_bound = 0;
  // Every weight byte through the chip's install rate (mxm_install_per_cycle,
  // shared by both MXMs): a per-chip bound, the one the kernel approaches.
  std::int64_t install_bound = 0;
};

MatmulKernel matmul(const LpuParams& p, const MatmulData& data);

}  // namespace tokenfab::lpu
