# file: sim/model/walking.cpp
# function: reach_outlet
# bug: a party passes a walkway outlet in the time of one person, whatever its size
/^void reach_outlet(/,/^}/ s|p.size / w.L.walkways\[e\].outlet_rate|1 / w.L.walkways[e].outlet_rate|
