#include "emulator/chip/mxm.h"

#include <Eigen/Core>

namespace tokenfab::lpu {

Lanes mxm_product(const std::vector<std::uint8_t>& weights, const std::vector<std::uint8_t>& x, int dim,
                  ElemType type) {
  if (type == ElemType::f16) {
    using Half = Eigen::Matrix<Eigen::half, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
    Eigen::Map<const Half> w(reinterpret_cast<const Eigen::half*>(weights.data()), dim, dim);
    Eigen::Map<const Eigen::Matrix<Eigen::half, Eigen::Dynamic, 1>> v(reinterpret_cast<const Eigen::half*>(x.data()),
                                                                      dim);
    // Products of halves are exact in double; the sum is rounded once, to FP32.
    const Eigen::VectorXd y = w.cast<double>().transpose() * v.cast<double>();
    return y.array().cast<float>().cast<double>();
  }
  using Matrix = Eigen::Matrix<std::int8_t, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  Eigen::Map<const Matrix> w(reinterpret_cast<const std::int8_t*>(weights.data()), dim, dim);
  Eigen::Map<const Eigen::Matrix<std::int8_t, Eigen::Dynamic, 1>> v(reinterpret_cast<const std::int8_t*>(x.data()),
                                                                    dim);
  const Eigen::Matrix<std::int32_t, Eigen::Dynamic, 1> y = w.cast<std::int32_t>().transpose() * v.cast<std::int32_t>();
  return y.array().cast<double>();
}

}  // namespace tokenfab::lpu
