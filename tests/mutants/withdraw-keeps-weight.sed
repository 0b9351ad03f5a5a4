# file: sim/kernel/resource.hpp
# function: withdraw
# bug: a withdrawn request's persons still count as waiting
/bool withdraw(std::uint32_t id/,/^  }/ s|weight_waiting_ -= r.weight;|weight_waiting_ -= 0;|
