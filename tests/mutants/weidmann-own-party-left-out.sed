# file: sim/model/walking.cpp
# function: start_walk_body
# bug: the density a party walks at leaves the party itself out (off by its size)
/^void start_walk_body(/,/^}/ s|walkway_speed_factor(w, e, walkers, wk.area_m2)|walkway_speed_factor(w, e, walkers - p.size, wk.area_m2)|
