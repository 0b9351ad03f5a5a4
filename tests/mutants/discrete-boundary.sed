# file: sim/kernel/random.cpp
# function: dist::discrete
# bug: a uniform on a bin's upper edge picks that bin, so a zero weight can be drawn (off by one)
/^std::size_t discrete(/,/^}/ s|if (target < acc) return i;|if (target <= acc) return i;|
