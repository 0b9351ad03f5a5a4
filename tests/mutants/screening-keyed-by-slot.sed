# file: sim/model/security.cpp
# function: start_screening
# bug: screening times keyed by the party's slot, not its key: common random numbers broken
/^void start_screening(/,/^}/ s|hold += dist::exponential(mean, World::u(w.service_rng, p, kDrawService + i));|hold += dist::exponential(mean, w.service_rng.uniform(pid, kDrawService + i));|
