#pragma once
// A party: a group that travels together (entries count persons). Parties live in one flat array
// of the run state and are named by their index; events carry that index, never a pointer.
//
// A party moves through stages (Stage), each owned by one component: it is handed on with
// advance(world, pid, stage), and an event due for it resumes it at its stage (run.cpp dispatches
// both). Within a stage, Phase says how far it got.
#include <cstdint>
#include <vector>

#include "kernel/check.hpp"
#include "model/vocabulary.hpp"
#include "network/site_graph.hpp"

namespace expoflow::model {

using network::EdgeId;
using network::NodeId;

enum class Stage : std::uint8_t {
  none,         // created, not yet set off
  up_wait,      // transit: waiting upstream for a train or bus to the site
  ride,         // transit: on board to the site
  walk,         // walking: along a path (what follows is in Party::after)
  entrance,     // security: choosing an entrance (then walks there)
  security,     // security: queueing for or in screening
  fare_out,     // transit: leaving the station through its fare gates
  fare_in,      // transit: entering the station through its fare gates
  holding,      // halls: waiting for space in the holding area, or in it until the halls open
  queue_area,   // walking: at the end of a walkway, waiting for space in the queueing area ahead
  alight,       // transit: on a train at the site, waiting for platform space to get off
  hall,         // halls: held at the entrance halls, or inside
  platform,     // transit: waiting for platform space
  board,        // transit: waiting at the site stop or platform for a vehicle home
  taxi,         // taxi: joining the stand
  taxi_bay,     // taxi: waiting for or loading at a bay
  lot_space,    // parking: waiting for a space, or parked
  drop_bay,     // parking: waiting for or unloading at a drop-off bay
  pickup_wait,  // parking: waiting for the car that picks the party up
  pickup_bay,   // parking: waiting for or loading at a pick-up bay
  ride_out,     // transit: on the lot shuttle back to the car park
  lot_leave,    // parking: back at the vehicle, leaving
  home,         // re-planning: heading for the egress mode
  done          // left the model
};

// How far a party got within its stage.
enum class Phase : std::uint8_t {
  waiting,    // asked for the stage's resource; resumed when it is granted
  holding,    // holds it: in service, inside the halls, walking a walkway's length
  at_outlet,  // walking: queueing at a walkway's outlet
};

// Draw indices of a party's random numbers: fixed per purpose, so a party's draws do not depend
// on what happened before (common random numbers across scenarios).
enum Draw : std::uint64_t {
  kDrawMode = 0, kDrawSize, kDrawTime, kDrawDwell, kDrawEgress, kDrawAccessChoice,
  kDrawEgressChoice, kDrawSpeed, kDrawPickup, kDrawBay, kDrawReroute, kDrawGate, kDrawReplanMode,
  kDrawReplanChoice, kDrawSweep,
  kDrawPatience,                      // + choices made (0..2)
  kDrawWayHome = kDrawPatience + 3,   // + choices made (0..2)
  kDrawService = 64
};

// Narrowing into Party's compact fields; the scenario limits (nodes, lines, lots < 2^15) keep
// every value in range, which debug builds check.
template <class T, class U>
T narrow(U v) {
  const T t = static_cast<T>(v);
  EXPOFLOW_CHECK(static_cast<U>(t) == v, "value does not fit a party field");
  return t;
}

constexpr bool is_line_mode(Mode m) { return m == Mode::metro || m == Mode::bus; }
constexpr bool is_vehicle_mode(Mode m) { return m == Mode::car || m == Mode::coach; }

// 48 bytes: a run holds every party present at once (hundreds of thousands in a busy hour).
// What can be recomputed cheaply from the key or from the stage (the resource held) is not
// stored; when a wait started is kept by the queue it is in (Request::since).
//
// Where the party comes from and goes to is one index per direction of travel, whose meaning
// depends on the mode; the typed views below name it (and check the mode in debug builds):
//   access: metro, bus: the direction ridden to the site; car, coach, dropoff: the lot; walk: the
//           walk origin; a background station user: the line it uses.
//   egress: metro, bus: the direction home; car, coach: the lot shuttle's direction back, once
//           chosen (the lot is the access index's); pickup: the lot; walk: the walk origin;
//           taxi: the stand.
struct Party {
  std::uint64_t key = 0;
  const std::vector<EdgeId>* path = nullptr;
  float speed = 0;  // free walking speed, m/s (a keyed draw, kept once drawn; 0 = not yet)
  std::uint16_t node = 0, dest = 0;
  std::int16_t access_at = 0, egress_at = 0;
  std::int16_t ride = -1;  // direction ridden to the site
  std::uint16_t gate = 0;  // entrance chosen
  std::uint16_t size = 1, edge_i = 0;
  std::uint8_t cls = 0;
  Mode access = Mode::walk, egress = Mode::walk;
  Stage stage = Stage::none, after = Stage::none;
  Phase phase = Phase::waiting;
  bool background : 1 = false, on_platform : 1 = false;
  bool in_holding : 1 = false;     // holds space in the halls' holding area (screened before opening)
  bool in_queue_area : 1 = false;  // holds space in the queueing area of the line it is in
  bool kept_storage : 1 = false;   // holds the storage of the walkway it came by (edge before edge_i)
  // Times it gave up a queue (balked or reneged) and chose again; at the limit it waits without
  // patience (security: one other entrance).
  std::uint8_t gave_up : 2 = 0;
  bool heading : 1 = false;  // counted as heading for the first queue of its way home (choice.hpp)
  // Seconds waited for a resource whose grant is not a service of its own (World::res_carries_wait),
  // added to the wait of the service that follows at the same place: the storage of the walkway
  // the party is on, to its outlet, so that a traversal is one `served` with its whole wait.
  float carried_wait = 0;

  std::size_t access_dir() const {
    EXPOFLOW_CHECK(is_line_mode(access), "access direction of a party that does not ride");
    return index(access_at);
  }
  std::size_t lot() const {
    EXPOFLOW_CHECK(is_vehicle_mode(access) || access == Mode::dropoff, "lot of a party that came without a vehicle");
    return index(access_at);
  }
  std::size_t origin() const {
    EXPOFLOW_CHECK(access == Mode::walk, "walk origin of a party that did not walk");
    return index(access_at);
  }
  std::size_t background_line() const {
    EXPOFLOW_CHECK(background, "station line of a visitor");
    return index(access_at);
  }
  std::size_t egress_dir() const {
    EXPOFLOW_CHECK(is_line_mode(egress) || is_vehicle_mode(egress), "egress direction of a party that does not ride");
    return index(egress_at);
  }
  std::size_t egress_lot() const {
    EXPOFLOW_CHECK(egress == Mode::pickup, "pick-up lot of a party that is not picked up");
    return index(egress_at);
  }
  std::size_t home_origin() const {
    EXPOFLOW_CHECK(egress == Mode::walk, "walk destination of a party that does not walk home");
    return index(egress_at);
  }
  std::size_t stand() const {
    EXPOFLOW_CHECK(egress == Mode::taxi, "taxi stand of a party that does not take a taxi");
    return index(egress_at);
  }

 private:
  static std::size_t index(std::int16_t i) { return static_cast<std::size_t>(i); }
};
static_assert(sizeof(Party) <= 48, "keep Party small: see the comment above");

}  // namespace expoflow::model
