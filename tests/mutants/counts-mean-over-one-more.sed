# file: sim/output/writers.cpp
# function: mean_over_reps
# bug: per-bin tables divide by one replication more than there are
s|return e.reps.empty() ? 0.0 : sum / static_cast<double>(e.reps.size());|return e.reps.empty() ? 0.0 : sum / static_cast<double>(e.reps.size() + 1);|
