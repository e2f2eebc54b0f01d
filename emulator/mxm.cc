#include "emulator/mxm.h"

#include <Eigen/Core>

namespace tokenfab::lpu {

std::vector<std::int32_t> mxm_product(const std::vector<std::uint8_t>& weights, const std::vector<std::uint8_t>& x,
                                      int dim) {
  using Matrix = Eigen::Matrix<std::int8_t, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  Eigen::Map<const Matrix> w(reinterpret_cast<const std::int8_t*>(weights.data()), dim, dim);
  Eigen::Map<const Eigen::Matrix<std::int8_t, Eigen::Dynamic, 1>> v(reinterpret_cast<const std::int8_t*>(x.data()),
                                                                    dim);
  Eigen::Matrix<std::int32_t, Eigen::Dynamic, 1> y = w.cast<std::int32_t>().transpose() * v.cast<std::int32_t>();
  return {y.data(), y.data() + dim};
}

}  // namespace tokenfab::lpu
