// Times a SystemC simulation that may run once per process: each repetition
// is a forked child that runs `once` (returning its seconds, or a negative
// number on failure) and reports through a pipe; the parent never touches
// SystemC (toolchain.md section 5). Returns the times sorted, or an empty
// vector when a child failed.
#pragma once

#include <functional>
#include <vector>

std::vector<double> forked_runs(int reps, const std::function<double()>& once);
