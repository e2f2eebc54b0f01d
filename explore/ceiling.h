// The per-user speed ceiling: the highest decode speed one user can get from
// a model on a system over every mapping and batch that fits memory, the
// next fastest mappings, and how the ceiling moves when one hardware term
// (or elementwise fusion) changes.
//
//   DecodeSearch search{model, precision, 8192, 256};
//   CeilingResult c = find_ceiling(search, system, engine);
//   c.best.summary.per_user, c.best.summary.bound, c.sensitivity[0].best
//
// Plain computation: `tokenfab ceiling` (app/) prints and writes it.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "explore/mapping_search.h"

namespace tokenfab {

struct Sensitivity {
  std::string change;  // "2x scale-up bandwidth"
  Point best;
};

struct CeilingResult {
  Point best;
  std::vector<Point> runners_up;  // the next fastest distinct mappings
  std::vector<Sensitivity> sensitivity;
  std::size_t points = 0;
};

// One hardware term changed at a time, named by what it does on any system.
struct HardwareChange {
  std::string label;
  std::function<void(SystemConfig&)> apply;
};
std::vector<HardwareChange> hardware_changes();

// The points of one system with one engine: decode_points() in the tool; a
// synthetic search in tests.
using PointSearch = std::function<std::vector<Point>(const SystemConfig&, const EngineConfig&)>;

// The fastest point of `search` on `system`, the runners-up, then the
// fastest after each of hardware_changes() and with elementwise fusion
// flipped. `search` must return at least one point.
CeilingResult find_ceiling(const SystemConfig& system, const EngineConfig& engine, const PointSearch& search);
CeilingResult find_ceiling(const DecodeSearch& search, const SystemConfig& system, const EngineConfig& engine);

// Up to `count` of the fastest points per user whose mappings differ from
// `best`'s and from each other's (a mapping's other batches are slower).
std::vector<Point> runners_up(std::vector<Point> points, const Point& best, std::size_t count);

}  // namespace tokenfab
