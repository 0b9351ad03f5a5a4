# file: sim/output/ensemble.cpp
# function: combine
# bug: the peak of pending events is summed over replications, not their maximum
s|e.peak_pending = std::max(e.peak_pending, r.peak_pending);|e.peak_pending = e.peak_pending + r.peak_pending;|
