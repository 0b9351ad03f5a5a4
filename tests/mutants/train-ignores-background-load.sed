# file: sim/model/transit.cpp
# function: on_trip_upstream
# bug: riders upstream board as if the train came empty: above its capacity
/^void on_trip_upstream(/,/^}/ s|const auto space = static_cast<std::uint32_t>(l.capacity) - std::min(onboard, static_cast<std::uint32_t>(l.capacity));|const auto space = static_cast<std::uint32_t>(l.capacity);|
