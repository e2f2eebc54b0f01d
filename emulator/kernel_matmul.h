// The kernel library's INT8 matrix product of any shape: Y = X W with X
// M x K (M activation rows: M = 1 is a GEMV, more a GEMM) and W K x N, both
// INT8, Y INT32 exact. W is cut into mxm_dim x mxm_dim tiles; each tile is
// installed once on some MXM plane (the scheduler spreads tiles over the
// planes and streams each at the install rate) and multiplies the M row
// pieces of X it meets; the ceil(K / dim) partial products of each output
// tile are summed in INT32 on the VXM. Edges are zero-padded to whole tiles.
//
//   MatmulKernel k = matmul(params, data);   // data: matmul_data(m, k, n, seed)
//   KernelCheck c = check_matmul(params, data, k);
#pragma once

#include <cstdint>
#include <vector>

#include "emulator/layer_data.h"
#include "emulator/schedule.h"

namespace tokenfab::lpu {

struct MatmulData {
  Int8Matrix x;  // M x K
  Int8Matrix w;  // K x N
};
MatmulData matmul_data(int m, int k, int n, std::uint32_t seed);

struct MatmulKernel {
  Program program;
  std::vector<Preload> preloads;
  std::vector<std::vector<Vec>> y;  // [row][column tile], INT32
  std::int64_t expected_cycles = 0;
  std::int64_t chain_bound = 0;
  std::int64_t install_bound = 0;  // every weight row through the install rate
};

MatmulKernel matmul(const LpuParams& p, const MatmulData& data);

}  // namespace tokenfab::lpu
