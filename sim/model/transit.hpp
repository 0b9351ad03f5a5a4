#pragma once
// Transit: metro lines, buses and shuttles. Trips run by timetable; each direction has a waiting
// line upstream (riders to the site) and one at the site stop (riders home), both Resources that a
// vehicle serves with its free places (offer). A metro line adds the station: fare gates in each
// direction (Resources of gates), a platform (a Resource of floor space) with its occupancy and the
// platform-exits policy, and background riders who alight and board.
#include <cstdint>
#include <vector>

#include "model/party.hpp"

namespace expoflow::model {

struct World;
struct Party;

struct TransitState {
  std::vector<std::uint32_t> fare_in_res, fare_out_res, platform_res;  // by line (metro)
  std::vector<std::uint32_t> fare_in_area, fare_out_area;              // by line: queueing areas (or kNoArea)
  std::vector<std::uint32_t> up_res, stop_res;                         // by direction
  std::vector<std::size_t> trip_up, trip_arrive;                       // next trip, by direction
  std::vector<double> platform_occ;                                    // by line
  std::vector<char> platform_closed;                                   // by line: entries closed by the policy
};

namespace transit {

void build(World& w);
void schedule(World& w);
// A trip leaves upstream (kTripUp) / reaches the site stop (kTripArrive).
void on_trip_upstream(World& w, std::uint32_t dir);
void on_trip_arrive(World& w, std::uint32_t dir);
// Stage::up_wait: wait upstream for the direction to the site in Party::ride.
void wait_upstream(World& w, std::uint32_t pid);
// Stage::fare_in, Stage::fare_out: queue for the fare gates.
void begin_fare_gate(World& w, std::uint32_t pid);
// Stage::platform: wait for platform space. Stage::board: wait for a vehicle home.
void begin_platform(World& w, std::uint32_t pid);
void begin_board(World& w, std::uint32_t pid);
// Join the queue for the party's vehicle home at its stop (at a bus stop, with its patience).
void wait_at_stop(World& w, std::uint32_t pid);
// Resumes: at the fare gates, granted platform space, off the vehicle at the site.
void resume_fare_gate(World& w, std::uint32_t pid);
void platform_granted(World& w, std::uint32_t pid);
void alight(World& w, std::uint32_t pid);
// A rider off a train at the station (Stage::alight): onto the platform as space allows.
void arrive_on_platform(World& w, std::uint32_t pid);
void step_onto_platform(World& w, std::uint32_t pid);
// The queueing area in front of the fare gates a party at (or heading for) `stage` uses.
std::uint32_t queue_area(const World& w, const Party& p, Stage stage);
// A party walking off the platform (its first walkway): the platform's occupancy falls.
void leave_platform(World& w, Party& p);
// A rider waiting on the platform steps off it (its line suspended).
void step_off_platform(World& w, std::uint32_t pid);
// Whether direction `dir` runs: not suspended, and within its line's service hours at the site
// `ahead` seconds from now (or its first trip of the day due within service_wait_max_min).
bool available(const World& w, std::size_t dir, Time ahead = 0);
bool suspended(const World& w, std::size_t dir);
bool in_hours(const World& w, std::size_t dir, Time ahead = 0);
// The fare gates a party at Stage::fare_in or fare_out queues for.
std::uint32_t fare_gate_resource(const World& w, const Party& p);
// Whether a party at Stage::board waits at a bus or shuttle stop (not on a metro platform), and
// the stop's waiting line.
bool waits_at_bus_stop(const World& w, const Party& p);
std::uint32_t stop_resource(const World& w, const Party& p);
// The first queue of the way home by direction `dir` (a metro line's fare gates in, a bus stop) and
// its service rate now, persons per second (gates open over the time per person; a vehicle's
// capacity per headway).
std::uint32_t home_queue(const World& w, std::size_t dir, double* rate);
// The first queue of the way to the site by direction `dir` (its upstream waiting line) and its
// service rate now (a vehicle's capacity per headway).
std::uint32_t upstream_queue(const World& w, std::size_t dir, double* rate);
// Whoever waits for direction `dir`, now suspended, re-plans.
void send_back_waiting(World& w, std::size_t dir);

}  // namespace transit
}  // namespace expoflow::model
