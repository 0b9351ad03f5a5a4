#pragma once
// Crowding-aware choice of the way home ([choice] of the scenario): a party leaving the halls, or
// choosing again (also on its way to the site, when its line is unavailable), picks its mode and
// route by a logit on its class's shares,
//   P(option) ∝ share of the mode × weight of the route within it × exp(-beta × expected wait),
// where the expected wait of an option is (persons queueing at its first queue + persons already
// heading there) ÷ that queue's current service rate, as the party sees it: smoothed over the
// information lag (a first-order lag of time constant info_lag_min). The walking and riding times
// of the options are in the class's shares (measured when nothing queues); crowding moves the
// choice away from them. Nobody takes "the single best option": a choice by probability, on
// information that lags, does not make crowds herd from one option to the other.
#include <cstdint>
#include <optional>
#include <vector>

#include "kernel/time.hpp"
#include "model/vocabulary.hpp"

namespace expoflow::model {

struct World;

struct ChoiceState {
  std::vector<double> heading;   // by resource: persons (parties at a taxi stand) heading for it
  std::vector<double> seen;      // by resource: the expected wait as parties see it, s
  std::vector<Time> seen_at;     // by resource: when `seen` was last brought up to date
};

namespace choice {

bool enabled(const World& w);
void build(World& w);
// Choose the party's way home (its egress mode and route). Not the line (`avoid_line` >= 0) or the
// mode (`avoid_mode`) it gave up, nor a service unavailable now. Falls back to walking home if
// nothing else is left; false, with the party's way home unchanged, where nobody walks (no walk
// origin): the caller lets it wait for its service.
bool way_home(World& w, std::uint32_t pid, std::int64_t avoid_line = -1, std::optional<Mode> avoid_mode = std::nullopt);
// A party re-planning its way to the site (its line unavailable): the same logit over its class's
// party weights of access modes and their routes, among those open (a line: running by the time
// it would reach the site on it), the first queue of a line being its upstream waiting line. False
// if nothing is open.
bool way_there(World& w, std::uint32_t pid, std::int64_t avoid_line = -1);
// The party no longer heads for the first queue of its way to the site (`access`) or home: it
// reached it, or chooses again.
void arrived(World& w, std::uint32_t pid, bool access = false);

}  // namespace choice
}  // namespace expoflow::model
