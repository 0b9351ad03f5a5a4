# file: sim/model/walking.cpp
# function: walking::enter_area
# bug: a party waiting for space in a queueing area gives up its place on the walkway at once (no spill-back)
/^bool enter_area(World& w, std::uint32_t pid, std::uint32_t area, Stage next) {/,/^}/ s|  if (!w.acquire(pid, area, p.size)) return false;  // stands on its walkway meanwhile|  if (!w.acquire(pid, area, p.size)) { release_kept(w, pid); return false; }|
