# file: sim/output/ensemble.cpp
# function: Ensemble::add
# bug: the peak of pending events is summed over replications, not their maximum
/^void Ensemble::add(/,/^}/ s|peak_pending = std::max(peak_pending, r.peak_pending);|peak_pending = peak_pending + r.peak_pending;|
