#pragma once
// Security: the entrances. Each has lanes open by time of day (a Resource, a unit per lane), a
// screening time per person and one FIFO queue; parties choose the entrance with the least walking
// plus expected queueing time. At closing, whoever still queues is turned away.
#include <cstdint>
#include <vector>

#include "network/site_graph.hpp"

namespace expoflow::model {

struct World;
struct Party;

struct SecurityState {
  std::vector<std::uint32_t> area_res;  // by gate: the queueing area in front of the lanes (or kNoArea)
  std::vector<std::uint32_t> gate_res;  // by gate
};

namespace security {

void build(World& w);
// Open each gate's lanes of the moment and schedule the daily steps.
void schedule(World& w);
// Apply a gate's lanes now: its schedule, scaled by disruptions and the hall occupancy policy.
void set_lanes(World& w, std::size_t g);
// A gate's lane schedule steps (kLanes).
void on_lanes(World& w, std::uint32_t g);
// Stage::entrance: choose an entrance and walk there.
void head_for_entrance(World& w, std::uint32_t pid);
// Stage::security: queue for screening.
void begin(World& w, std::uint32_t pid);
// Screened: the party leaves its lane and walks to the halls.
void pass(World& w, std::uint32_t pid);
// The queueing area in front of the party's entrance (walking::kNoArea: none).
std::uint32_t queue_area(const World& w, const Party& p);
// A party at Stage::security resumes: granted a lane, or screened.
void resume(World& w, std::uint32_t pid);
// The party gives up its entrance (balked, or its patience ran out): another entrance, or home.
void give_up(World& w, std::uint32_t pid);
// The lanes of the party's entrance.
std::uint32_t gate_resource(const World& w, const Party& p);
// A closed entrance sends its queue to the other entrances.
void redirect_queue(World& w, std::size_t g);

}  // namespace security
}  // namespace expoflow::model
