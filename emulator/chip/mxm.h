// One matrix plane of the MXM: two weight buffers filled from streams (lw),
// an installed dim x dim array (iw), and the products of activation vectors
// (abc) waiting to be emitted (acc). INT8 weights and activations give exact
// INT32 sums; FP16 weights and activations give FP32 sums, accumulated in
// double and rounded once (a fused 320-element dot product, lpu.md 1.1 #15).
// Rows of the array are the weight vectors in the order they were loaded,
// so a product is y[j] = sum_k W[k][j] * x[k] (a K x N tile times a K-vector).
// An FP16 row or activation arrives as two byte planes (low, high).
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <vector>

#include "emulator/chip/vxm.h"
#include "emulator/isa/isa.h"

namespace tokenfab::lpu {

struct MxmProduct {
  std::int64_t ready = 0;         // cycle the result may be emitted
  Lanes value;                    // dim lanes (INT32 or FP32 values); empty in timing-only mode
  ElemType type = ElemType::i32;  // of the result: i32 from INT8, f32 from FP16
  std::int64_t bound = 0;         // dataflow bound of `ready` (chip.h)
};

struct MxmPlane {
  std::array<std::vector<std::uint8_t>, 2> buffer;  // rows of weights, row-major, elem_bytes each
  std::array<int, 2> rows = {0, 0};                 // rows loaded into each buffer
  std::array<ElemType, 2> buffer_type = {ElemType::i8, ElemType::i8};
  std::vector<std::uint8_t> weights;  // installed; empty until the first iw
  ElemType weights_type = ElemType::i8;
  bool installed = false;
  std::int64_t last_abc = -1;  // cycle the last activation was taken
  std::deque<MxmProduct> products;
  std::array<std::int64_t, 2> buffer_bound = {0, 0};  // dataflow bound of each buffer's last row
  std::int64_t installed_bound = 0;
};

// y = x^T W for a dim x dim tile of `type` (i8: two's complement bytes; f16:
// little-endian halves, rows interleaved as loaded), x of the same type.
Lanes mxm_product(const std::vector<std::uint8_t>& weights, const std::vector<std::uint8_t>& x, int dim, ElemType type);

}  // namespace tokenfab::lpu
