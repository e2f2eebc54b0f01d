// A static lower bound on a program's cycle count, read from the program
// alone: every queue issues at most one instruction a cycle, so a run lasts
// at least as many cycles as its busiest queue has issues (a repeat counts
// each copy; nops and the cycles a queue waits count nothing). Reported
// beside the emulated count so that the ratio shows how much of a run is
// pipeline fill and waiting rather than issue.
#pragma once

#include <cstdint>
#include <string>

#include "emulator/isa/program.h"

namespace tokenfab::lpu {

struct IssueBound {
  std::string queue;        // the busiest queue (the first of equals, in program order)
  std::int64_t cycles = 0;  // its issues
};

IssueBound issue_bound(const Program& program);

}  // namespace tokenfab::lpu
