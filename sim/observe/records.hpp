#pragma once
// The record stream. The simulation emits one small immutable record per thing that happens at a
// place; every statistic, table, calibration probe and test observer is a handler of these records
// (the model computes no statistics itself). Nothing here knows the model: it speaks only the
// scenario's kinds (scenario/kinds.hpp).
#include <cstdint>
#include <string>
#include <vector>

#include "kernel/time.hpp"
#include "scenario/kinds.hpp"

namespace expoflow::observe {

using scenario::PlaceKind;
using scenario::RecordKind;

struct Record {
  Time time = 0;
  std::uint32_t place = 0;
  std::uint32_t persons = 0;
  std::uint32_t vehicles = 0;
  RecordKind kind = RecordKind::pass;
  double value = 0;
};

// A place where records happen: a gate, a walkway, a platform, a line, a lot, ...
struct Place {
  std::string id;    // e.g. "gate[west]", "line[line2].platform"
  PlaceKind kind = PlaceKind::gate;
  double capacity = 0;       // persons (or vehicles for lots and cab ranks); 0 = not applicable
  double area_m2 = 0;        // for level of service
  bool counts_vehicles = false;  // occupancy measured in vehicles
  bool booked = false;           // pre-booked car park
};

class RecordObserver {
 public:
  virtual ~RecordObserver() = default;
  virtual void on_record(const Record& r) = 0;
};

}  // namespace expoflow::observe
