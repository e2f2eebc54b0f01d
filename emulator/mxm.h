// One matrix plane of the MXM: two weight buffers filled from streams (lw),
// an installed dim x dim array (iw), and the products of activation vectors
// (abc) waiting to be emitted (acc). Values are INT8 weights and activations
// with INT32 accumulation, computed with Eigen; rows of the array are the
// weight vectors in the order they were loaded, so a product is
// y[j] = sum_k W[k][j] * x[k] (a K x N weight tile times a K-vector).
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <vector>

namespace tokenfab::lpu {

struct MxmProduct {
  std::int64_t ready = 0;           // cycle the result may be emitted
  std::vector<std::int32_t> value;  // dim lanes; empty in timing-only mode
  std::int64_t bound = 0;           // dataflow bound of `ready` (chip.h)
};

struct MxmPlane {
  std::array<std::vector<std::uint8_t>, 2> buffer;       // rows of weights, row-major
  std::array<int, 2> rows = {0, 0};                      // rows loaded into each buffer
  std::array<std::int64_t, 2> loading_until = {-1, -1};  // last cycle an lw reads into each buffer
  std::vector<std::uint8_t> weights;                     // installed; empty until the first iw
  bool installed = false;
  std::array<std::int64_t, 2> buffer_bound = {0, 0};  // dataflow bound of each buffer's last row
  std::int64_t installed_bound = 0;
  std::deque<MxmProduct> products;
};

// y = x^T W for an INT8 dim x dim tile (bytes as two's complement), INT32 out.
std::vector<std::int32_t> mxm_product(const std::vector<std::uint8_t>& weights, const std::vector<std::uint8_t>& x,
                                      int dim);

}  // namespace tokenfab::lpu
