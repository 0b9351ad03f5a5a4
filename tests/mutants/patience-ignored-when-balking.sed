# file: sim/model/security.cpp
# function: begin
# bug: a party with patience joins whatever wait it expects (balking never happens)
/^void begin(/,/^}/ s|wait_on_joining(w, p.gate) > limit|wait_on_joining(w, p.gate) > 1e300|
