#pragma once
// Patience: how long a party waits in a queue before it gives up ([patience.<kind>] of the
// scenario: security, fare_gates, taxi, bus). A party with patience balks at a queue whose wait it
// expects (the owning component estimates it) to exceed its patience, and leaves a queue in which
// its patience runs out: a kPatience event, its request withdrawn from the kernel Resource, a
// renege record at the queue's place. Then the component that owns the wait says what the party
// does instead: another entrance (security), another line or mode home (replan::gave_up).
//
// A party chooses again at most twice (at an entrance once); its last choice has no patience.
// Each wait draws its patience by a keyed draw of the party (kDrawPatience + choices made), so
// common random numbers hold across scenarios.
#include <cstdint>

#include "scenario/kinds.hpp"

namespace expoflow::model {

struct World;
struct Party;

namespace patience {

using scenario::WaitKind;

// Whether the party waits with patience for this kind of wait: the scenario gives one, it is a
// visitor, and it still has a choice left.
bool applies(const World& w, const Party& p, WaitKind kind);
// The party's patience for its current wait of this kind, in seconds.
double of(const World& w, const Party& p, WaitKind kind);
// Before joining resource r: true if the party balks (the scenario lets it, and the wait it
// expects is longer than its patience); a balk record is written at r's place. The caller then
// hands the party to what it does instead.
bool balks(World& w, std::uint32_t pid, std::uint32_t r, WaitKind kind, double expected_wait_s);
// The party joined a queue of this kind and was not served at once: its patience starts running.
void start(World& w, std::uint32_t pid, WaitKind kind);
// A kPatience event: if the party still waits in the queue whose patience ran out, it leaves it
// and chooses again.
void on_expire(World& w, std::uint32_t pid);

}  // namespace patience
}  // namespace expoflow::model
