# file: sim/kernel/calendar.hpp
# function: Calendar::before
# bug: events due at the same time run in reverse scheduling order in the heap (queue discipline)
/^  static bool before(const Slot& a, const Slot& b) {/,/^  }/ s|(a.time == b.time \&\& a.word < b.word)|(a.time == b.time \&\& a.word > b.word)|
