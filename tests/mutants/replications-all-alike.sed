# file: sim/ensemble/replications.cpp
# function: run_and_save
# bug: every replication runs on replication 0's random streams (the replication index is not part of the key)
/^std::pair<std::string, model::ReplicationResult> run_and_save(/,/^}/ s|model::ReplicationResult rep = sim.run(s.seed, r);|model::ReplicationResult rep = sim.run(s.seed, 0);|
