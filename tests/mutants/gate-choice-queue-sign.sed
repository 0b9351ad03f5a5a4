# file: sim/model/security.cpp
# function: choose_gate
# bug: the expected queueing time is subtracted: parties prefer long queues
/^std::size_t choose_gate(/,/^}/ s|const double cost = dist_m / w.s.walk_speed_mean + expected_wait(w, g);|const double cost = dist_m / w.s.walk_speed_mean - expected_wait(w, g);|
