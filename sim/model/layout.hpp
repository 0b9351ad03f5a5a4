#pragma once
// The static layout of a scenario's components as the run sees them: dense indices into the
// site graph and the place list, timetables, and the capacities each Resource starts with.
// Built once per Simulation; every replication reads it.
#include <array>
#include <cstdint>
#include <vector>

#include "model/simulation.hpp"

namespace expoflow::model {

using network::EdgeId;
using network::NodeId;

struct WalkwayLayout {
  double length_m, width_m, area_m2, storage, outlet_rate, speed_scale;  // outlet_rate: persons/s
  std::uint32_t place;
};

struct GateLayout {
  NodeId node;
  std::uint32_t place;
  double service_mean_s;
  std::vector<std::pair<double, std::int64_t>> lanes;  // clock time -> lanes (scaled, rounded)
  double queue_capacity = 0;  // persons in the queueing area (0: not limited)
  std::uint32_t place_area = 0;
};

struct DirectionLayout {
  std::uint32_t line;  // index into lines
  bool access, egress;
  double travel_s;
  std::vector<Time> arrivals;  // at the site stop, over all days, increasing
  std::vector<double> background_load;
  double background_alight;
  std::uint32_t place_upstream;  // riders waiting upstream for this direction
  std::uint32_t place_stop;      // riders waiting at the site stop for this direction
};

struct LineLayout {
  bool metro, shuttle;
  double capacity;
  NodeId site_node, concourse_node;
  std::uint32_t place_line;  // boardings, alightings, denied, departures
  std::uint32_t place_policy;  // platform exits policy (metro)
  std::uint32_t place_fare_in, place_fare_out, place_platform;
  double fare_gates_in, fare_gates_out, fare_gate_service_s, platform_capacity;
  double fare_queue_capacity = 0;  // persons in each fare-gate queueing area (0: not limited)
  std::uint32_t place_fare_in_area = 0, place_fare_out_area = 0;
  std::vector<double> background_entries, background_split;
  double background_scale = 1;
  std::vector<std::uint32_t> directions;  // indices into Layout::directions
  std::int32_t access_dir = -1, egress_dir = -1;  // for shuttles serving lots
};

struct TaxiLayout {
  NodeId node;
  std::uint32_t place_parties, place_cabs, place_bays;
  double bays, loading_mean_s, rank_capacity, open_s, close_s;
  std::vector<double> cabs_per_hour;  // scaled
};

struct LotLayout {
  NodeId node;
  std::uint32_t place;
  bool dropoff, coach, booked;
  double spaces, stop_mean_s, pickup_delay_mean_s;
  std::int32_t shuttle = -1;  // line index
};

struct Simulation::Layout {
  std::vector<WalkwayLayout> walkways;  // one per graph edge
  std::vector<GateLayout> gates;
  std::vector<DirectionLayout> directions;
  std::vector<LineLayout> lines;
  std::vector<TaxiLayout> taxis;
  std::vector<LotLayout> lots;
  std::vector<NodeId> walk_origins;
  std::vector<double> walk_origin_weights;
  std::vector<double> car_park_weights, coach_park_weights, dropoff_weights;  // per lot (0 if other kind)
  std::vector<double> metro_access_w, metro_egress_w, bus_access_w, bus_egress_w;  // per direction
  NodeId hall_node;
  std::uint32_t place_hall;
  std::array<std::uint32_t, kNumModes> place_arrivals{};  // per access mode
  std::uint32_t place_hall_hold;                          // held in the entrance halls
  std::uint32_t place_holding;                            // screened before opening, waiting for it
  double holding_capacity = 0;                            // persons
  std::vector<std::uint32_t> place_events;                // per scenario event
  std::uint32_t place_replan_setoff, place_replan_waiting;
  std::uint32_t place_replan_closed;  // chose again: the service was outside its hours
  std::array<std::uint32_t, 3> place_hall_policy{};       // staggered, queue inside, exit only
  std::uint32_t place_exit_policy;
  std::vector<std::uint32_t> dir_index;                   // direction's index within its line
  std::size_t num_bins;
};

}  // namespace expoflow::model
