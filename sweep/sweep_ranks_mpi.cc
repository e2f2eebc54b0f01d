#include <mpi.h>

#include <cstdlib>

#include "sweep/sweep_ranks.h"

namespace tokenfab {
namespace {

// Started by mpirun/mpiexec (OpenMPI), or by srun or another PMI launcher.
bool under_launcher() {
  for (const char* v : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK", "SLURM_STEP_NUM_TASKS"}) {
    if (std::getenv(v)) return true;
  }
  return false;
}

}  // namespace

SweepRanks::SweepRanks() {
  if (!under_launcher()) return;
  // SystemC points fork workers after MPI_Init; they never call MPI.
  setenv("OMPI_MCA_mpi_warn_on_fork", "0", 0);
  MPI_Init(nullptr, nullptr);
  initialised_ = true;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &size_);
}

SweepRanks::~SweepRanks() {
  if (initialised_) MPI_Finalize();
}

void SweepRanks::barrier() const {
  if (initialised_) MPI_Barrier(MPI_COMM_WORLD);
}

bool SweepRanks::available() { return true; }

}  // namespace tokenfab
