# file: sim/model/security.cpp
# function: start_screening
# bug: every person of a party draws the same screening time (one keyed draw index for all)
/^void start_screening(/,/^}/ s|World::u(w.service_rng, p, kDrawService + i)|World::u(w.service_rng, p, kDrawService)|
