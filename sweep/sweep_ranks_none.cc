// Built without MPI: one rank.
#include "sweep/sweep_ranks.h"

namespace tokenfab {

SweepRanks::SweepRanks() = default;
SweepRanks::~SweepRanks() = default;
void SweepRanks::barrier() const {}
bool SweepRanks::available() { return false; }

}  // namespace tokenfab
