#include "workloads/precision.h"

namespace tokenfab {

int element_bits(Dtype d) {
  switch (d) {
    case Dtype::fp4:
    case Dtype::mxfp4:
      return 4;
    case Dtype::fp8:
    case Dtype::int8:
      return 8;
    case Dtype::bf16:
    case Dtype::fp16:
      return 16;
    case Dtype::fp32:
      return 32;
  }
  return 0;
}

double bytes_per_element(Dtype d) {
  switch (d) {
    case Dtype::fp4:
      return 0.5 + 1.0 / 16.0;
    case Dtype::mxfp4:
      return 0.5 + 1.0 / 32.0;
    case Dtype::fp8:
      return 1.0 + 4.0 / (128.0 * 128.0);
    case Dtype::int8:
    case Dtype::bf16:
    case Dtype::fp16:
    case Dtype::fp32:
      return element_bits(d) / 8.0;
  }
  return 0.0;
}

}  // namespace tokenfab
