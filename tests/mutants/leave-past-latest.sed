# file: sim/model/demand.cpp
# function: demand::leave_time
# bug: a visit is not cut at the class's latest time (the leave-time profile is not truncated above)
/^Time leave_time(const World& w, const Party& p) {/,/^}/ s|w.now + cd.min_visit_s, latest, u))|w.now + cd.min_visit_s, latest + kSecondsPerDay, u))|
