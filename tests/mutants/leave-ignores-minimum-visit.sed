# file: sim/model/demand.cpp
# function: demand::leave_time
# bug: the leave-time profile is truncated at admission, not admission plus the minimum visit
/^Time leave_time(const World& w, const Party& p) {/,/^}/ s|w.now + cd.min_visit_s, latest, u))|w.now, latest, u))|
