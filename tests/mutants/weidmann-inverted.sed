# file: sim/model/walking.cpp
# function: walkway_speed_factor
# bug: Weidmann's factor inverted: walking gets faster with density
/^double walkway_speed_factor(/,/^}/ s|std::max(1.0 - std::exp(-x), 0.05)|std::max(std::exp(-x), 0.05)|
