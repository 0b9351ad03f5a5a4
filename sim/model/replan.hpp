#pragma once
// Re-planning and the way home: a party whose line is unavailable chooses again (another direction
// of the same mode, else another mode by its class's shares, optionally weighted by a logit of the
// travel time); a party leaving the halls heads for its egress mode; whoever waits in vain for a
// last bus or a closing stand goes home another way.
#include <array>
#include <cstdint>
#include <vector>

#include "model/vocabulary.hpp"

namespace expoflow::model {

struct World;

struct ReplanState {
  std::vector<std::array<double, kNumModes>> mode_minutes;  // [access, egress][mode], for logit re-plans
};

namespace replan {

// Why a party chooses again (where the replan is counted): its line suspended when it set off or
// while it waited, or its service outside its hours.
enum class Why : std::uint8_t { setoff, waiting, closed };
// A party whose access line is unavailable, at set-off or while waiting upstream.
void access(World& w, std::uint32_t pid, Why why);
// A party waiting at the site for a suspended line goes home another way. False when nothing else
// is open (only where nobody walks home): it stays at its stop and waits for the line to run again.
bool egress_waiting(World& w, std::uint32_t pid);
// Stage::home: walk from where the party is to its egress mode.
void head_home(World& w, std::uint32_t pid);
// A party reaching a service outside its hours (a taxi stand; a stop, on a metro platform the
// second) chooses again. False when nothing else is open (only where nobody walks home): it stays
// and waits for the service to run.
bool service_closed(World& w, std::uint32_t pid);
bool service_closed_on_platform(World& w, std::uint32_t pid);
// A party on its way home that gave up a wait (balked, or its patience ran out): another line of
// its mode, else another mode, never the line or mode it gave up (at most twice: patience.hpp).
void gave_up(World& w, std::uint32_t pid);
// Everyone waiting on resource r (a bus stop after the last bus, a taxi stand at closing) leaves
// and goes home another way (counted as denied there).
void give_up_waiting(World& w, std::uint32_t r);

}  // namespace replan
}  // namespace expoflow::model
