#pragma once
// Disruptions and interventions in force over a window (the scenario's events: a line suspended,
// an entrance closed, lanes scaled, cab supply scaled, walking slowed, walkways closed, extra
// trains), and the exit direction control policy. Each acts where the component it concerns reads
// its rates, lanes, speeds and paths; this file keeps what is in force.
#include <cstdint>
#include <string>
#include <vector>

#include "network/site_graph.hpp"

namespace expoflow::model {

struct World;

struct DisruptionState {
  std::vector<char> active;     // by scenario event
  // By scenario event: what it acts on, resolved once from its target ("*" = all): by gate
  // (lanes, close_gate), stand (cab_supply), walkway (walk_speed) or direction (suspend_line).
  std::vector<std::vector<char>> hits;
  std::vector<char> suspended;  // by direction: its line is suspended now
  bool any_walk_speed = false;  // any walk_speed event in the scenario
};

namespace disruptions {

void build(World& w);
void schedule(World& w);
// A scenario event starts or ends (kEventStart, kEventEnd).
void on_event(World& w, std::uint32_t event, bool start);
// Exit direction control switches (kExitDirection).
void on_exit_direction(World& w, std::uint32_t code);
// Is the direction's line suspended now?
bool suspended(const World& w, std::size_t dir);
// Does scenario event i act on the gate, stand, walkway or direction with this index?
bool hits(const World& w, std::size_t event, std::size_t index);
// Factors in force now: on a gate's lanes, on walking speed along an edge.
double lane_scale(const World& w, std::size_t gate);
double walk_speed_scale(const World& w, network::EdgeId e);

}  // namespace disruptions
}  // namespace expoflow::model
