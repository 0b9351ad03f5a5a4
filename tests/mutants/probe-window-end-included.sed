# file: sim/observe/recorder.cpp
# function: Recorder::on_probes
# bug: an observed total counts a record at the end of its window (window closed, not half-open)
/^void Recorder::on_probes(/,/^}/ s|r.time < p.from \|\| r.time >= p.to|r.time < p.from \|\| r.time > p.to|
