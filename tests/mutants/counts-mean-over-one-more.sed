# file: sim/output/ensemble.hpp
# function: Ensemble::mean
# bug: per-bin tables divide by one replication more than there are
/^  double mean(std::size_t place, Series series, std::size_t b) const {/,/^  }/ s|/ static_cast<double>(count) : 0.0;|/ static_cast<double>(count + 1) : 0.0;|
