#pragma once
// The record stream. The simulation emits one small immutable record per thing that happens at a
// place; every statistic, table, calibration probe and test observer is a handler of these records
// (the model computes no statistics itself).
#include <cstdint>
#include <string>
#include <vector>

#include "kernel/time.hpp"

namespace expoflow::model {

enum class RecordKind : std::uint8_t {
  pass,         // persons passed a counting point (security lane, fare gate)
  board,        // persons boarded a vehicle (value: -1) at a stop
  alight,       // persons left a vehicle
  denied,       // persons left behind by a full vehicle (once per vehicle that left them)
  vehicle_in,   // a vehicle entered a lot / stand
  vehicle_out,  // a vehicle left a lot / stand (persons: its occupants)
  arrive,       // a visitor party set off by its access mode (place arrivals[mode]; value: class)
  activate,     // a disruption or policy came into force (its place also gets enter/leave)
  replan,       // persons who changed their plan because a service was unavailable
  enter,        // persons (or vehicles) now present at a place: occupancy +
  leave,        // occupancy -
  queue_join,   // persons joined the queue of a place
  queue_leave,  // persons who had queued left the queue to be served
  served,       // persons began service (value: their wait in s, zero when served at once)
  depart,       // a vehicle left a stop (persons: load on leaving, value: its capacity)
};
inline constexpr std::size_t kNumRecordKinds = 15;
const char* record_kind_name(RecordKind k);

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
  std::string kind;  // gate, walkway, fare_gate, platform, metro, bus, shuttle, taxi_stand, cab_rank,
                     // taxi_bays, car_park, coach_park, dropoff, hall, upstream
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

}  // namespace expoflow::model
