// The Eigen reference of one decode step of a layer (kernels/layer_data.h
// says what the numbers are): every piece computed as the kernels compute
// it, FP32 elementwise and exact INT32 products, so that the emulated layer
// and the standalone vector kernels can be checked against it lane by lane.
//
//   LayerReference ref = layer_reference(make_layer_data(320, 5, 640, 255, 7));
//   ref.out   // the layer's output, d lanes
#pragma once

#include <Eigen/Core>

#include "emulator/kernels/layer_data.h"

namespace tokenfab::lpu {

struct LayerReference {
  Eigen::ArrayXf out;       // x2
  Int8Vector k_new, v_new;  // the appended cache row
};

// The reference pieces, FP32 as the kernels compute them.
Int8Vector q8_reference(const Eigen::ArrayXf& v, float scale);
Eigen::ArrayXf rmsnorm_reference(const Eigen::ArrayXf& x, const Eigen::ArrayXf& gain, float eps);
Eigen::ArrayXf rope_reference(const Eigen::ArrayXf& v, const Eigen::ArrayXf& cos, const Eigen::ArrayXf& sin);
// Decode attention of an INT8 query over INT8 keys and values (positions x
// d): per head, softmax of the scaled scores (maximum taken as max(0, max s),
// as the kernel's zero-filled trees do), probabilities quantised with s_p,
// times the values; the INT32 mix of every head's lanes.
Int32Vector attention_mix_reference(const Int8Vector& q, const Int8Matrix& keys, const Int8Matrix& values,
                                    const LayerData& L);

// The layer in Eigen, FP32 elementwise and exact INT32 products; sums over
// lanes in index order and the softmax maximum as max(0, max s) (the shift
// trees of the kernel fill with zeros; softmax does not depend on it).
LayerReference layer_reference(const LayerData& L);

}  // namespace tokenfab::lpu
