# file: sim/model/halls.cpp
# function: enter (halls)
# bug: a visit is not cut at the halls' closing
s|const Time leave = std::min(w.now + demand::dwell(w, p), close);|const Time leave = w.now + demand::dwell(w, p);|
