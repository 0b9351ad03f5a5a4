# file: sim/model/security.cpp
# function: choose_gate
# bug: the queueing time is persons x service time, whatever the number of open lanes
/^std::size_t choose_gate(/,/^}/ s|gates\[g\].service_mean_s / static_cast<double>(lanes)|gates[g].service_mean_s|
