#pragma once
// Halls: the holding area for parties screened before opening, admission (held at the entrance halls while the halls are
// full), the visit inside (until the leave time drawn at admission), and the
// hall occupancy policy (staggered entry, queueing inside, exit only), which acts on the entrances.
#include <cstdint>

namespace expoflow::model {

struct World;
struct Party;

struct HallState {
  std::uint32_t hall_res = 0;  // admission to the halls (limited while queueing inside)
  std::uint32_t holding_res = 0;  // space in the holding area for parties screened before opening
  double occupancy = 0;
  int tier = 0;  // policy tier in force: 0 none, 1 staggered entry, 2 queueing inside, 3 exit only
};

namespace halls {

void build(World& w);
// The halls' opening and closing every day (the holding area's limit).
void schedule(World& w);
void on_open(World& w);
void on_close(World& w);
// Whether a party must first find space in the holding area: its class waits for opening, the
// halls are not yet open, and it has no space there yet.
bool needs_holding(const World& w, const Party& p);
// Stage::holding: a party screened before opening asks for space in the holding area; it keeps
// its lane until granted (so a full holding area stops screening).
void begin_holding(World& w, std::uint32_t pid);
// A party at Stage::holding resumes: space granted (it passes the entrance), or the halls open.
void resume_holding(World& w, std::uint32_t pid);
// Stage::hall: ask to be admitted.
void begin(World& w, std::uint32_t pid);
// A party at Stage::hall resumes: admitted, or its visit is over.
void resume(World& w, std::uint32_t pid);
// The policy tier in force (read by the entrances' lanes).
int policy_tier(const World& w);

}  // namespace halls
}  // namespace expoflow::model
