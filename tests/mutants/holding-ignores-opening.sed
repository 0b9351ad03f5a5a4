# file: sim/model/halls.cpp
# function: halls::needs_holding
# bug: visitors screened before the halls open go straight in (the holding area is never used)
/^bool needs_holding(const World& w, const Party& p) {/,/^}/ s|clock_of(w.now) < w.s.halls.open_s|clock_of(w.now) < 0|
