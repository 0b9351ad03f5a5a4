#pragma once
// Demand: who comes, when, by which mode, and from where; and the background (non-expo) users of
// the metro station. Every attribute of a party is a keyed draw from its key (class, day, index),
// so the demand list holds only (set-off time, key) pairs and a party is made when it sets off.
#include <array>
#include <cstdint>
#include <vector>

#include "kernel/random.hpp"
#include "model/party.hpp"

namespace expoflow::model {

struct World;

struct DemandState {
  struct Arrival {
    Time time;
    std::uint64_t key;
  };
  std::vector<Arrival> arrivals;  // by (time, key)
  std::size_t next_arrival = 0;
  std::vector<std::array<double, kNumModes>> party_access;             // by class: party weights of access modes
  std::vector<dist::Lognormal> dwell;                                  // by class
  std::vector<dist::Cumulative> party_mode;                            // by class: a party's access mode
  std::vector<std::array<dist::Cumulative, kNumModes>> party_egress;   // by class and access mode
  std::array<dist::Cumulative, kNumModes> party_size;                  // by access mode
  // The layout's fixed choice weights, as tables.
  dist::Cumulative metro_access, bus_access, car_park, coach_park, dropoff, walk_origin, metro_egress,
      bus_egress;
  std::vector<std::vector<double>> background_split;  // by line: over directions
};

namespace demand {

// Build the demand list and schedule the first set-off.
void generate(World& w);
// The next party of the list sets off (kArrival).
void on_arrival(World& w);
// A party sets off by its access mode (first start, or again after a re-plan).
void start_access(World& w, std::uint32_t pid);
// Where a mode's party comes from or goes to (a direction, lot, origin or stand), for draw `u`.
std::int32_t access_choice(const World& w, Mode m, double u);
std::int32_t egress_choice(const World& w, const Party& p, double u);
// The weights of a class's access modes for a party (persons' shares over mean party sizes).
const std::array<double, kNumModes>& party_access(const World& w, std::size_t cls);
// When a party admitted to the halls now leaves them: its class's leave-time profile truncated to
// [now + the class's minimum visit, the class's latest time] (one keyed draw), or now + its dwell
// draw. Whoever that cannot place before the latest time leaves in the closing sweep: uniformly
// over the halls' sweep_min before it (a second keyed draw), never before now.
Time leave_time(const World& w, const Party& p);

}  // namespace demand
}  // namespace expoflow::model
