# file: sim/model/security.cpp
# function: expected_wait
# bug: the queueing time is persons x service time, whatever the number of open lanes
/^double expected_wait(/,/^}/ s|w.L.gates\[g\].service_mean_s / static_cast<double>(lanes)|w.L.gates[g].service_mean_s|
