# file: sim/model/halls.cpp
# function: halls::enter
# bug: a visit is not cut at the halls' closing
/^void enter(World& w, std::uint32_t pid) {/,/^}/ s|const Time leave = std::min(w.now + demand::dwell(w, p), close);|const Time leave = w.now + demand::dwell(w, p);|
