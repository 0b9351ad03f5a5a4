#pragma once
// Halls: admission (held at the entrance halls while the halls are full), the dwell inside, and the
// hall occupancy policy (staggered entry, queueing inside, exit only), which acts on the entrances.
#include <cstdint>

namespace expoflow::model {

struct World;

struct HallState {
  std::uint32_t hall_res = 0;  // admission to the halls (limited while queueing inside)
  double occupancy = 0;
  int tier = 0;  // policy tier in force: 0 none, 1 staggered entry, 2 queueing inside, 3 exit only
};

namespace halls {

void build(World& w);
// Stage::hall: ask to be admitted.
void begin(World& w, std::uint32_t pid);
// A party at Stage::hall resumes: admitted, or its visit is over.
void resume(World& w, std::uint32_t pid);
// The policy tier in force (read by the entrances' lanes).
int policy_tier(const World& w);

}  // namespace halls
}  // namespace expoflow::model
