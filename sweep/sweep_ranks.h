// A sweep's place among MPI ranks (`mpirun -n N tokenfab sweep ...`, or
// srun under Slurm): rank r runs the points whose index is r modulo N, each
// rank with its own worker pool and journal, and rank 0 gathers the result.
// Without MPI at build time, or when not started by an MPI launcher, there
// is one rank and nothing else changes.
//
//   SweepRanks ranks;            // MPI_Init only under a launcher
//   if (p.index % ranks.size() == ranks.rank()) ...
//   ranks.barrier();
#pragma once

namespace tokenfab {

class SweepRanks {
 public:
  SweepRanks();
  ~SweepRanks();
  SweepRanks(const SweepRanks&) = delete;
  SweepRanks& operator=(const SweepRanks&) = delete;
  int rank() const { return rank_; }
  int size() const { return size_; }
  // Waits until every rank has reached it; nothing with one rank.
  void barrier() const;
  // Whether this build can run under MPI.
  static bool available();

 private:
  int rank_ = 0, size_ = 1;
  bool initialised_ = false;
};

}  // namespace tokenfab
