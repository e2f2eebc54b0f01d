// `tokenfab validate`: prints and writes the comparison of explore/validation.h
// with published measurements.
#pragma once

#include <string>
#include <vector>

#include "explore/validation.h"

namespace tokenfab {

std::string validation_report(const std::vector<ValidationResult>& results);
std::string validation_csv(const std::vector<ValidationResult>& results);

}  // namespace tokenfab
