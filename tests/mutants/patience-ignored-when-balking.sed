# file: sim/model/patience.cpp
# function: balks
# bug: a party with patience joins whatever wait it expects (balking never happens)
/^bool balks(/,/^}/ s|expected_wait_s <= of(w, p, kind)|expected_wait_s <= 1e300|
