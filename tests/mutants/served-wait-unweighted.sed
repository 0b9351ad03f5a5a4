# file: sim/observe/recorder.cpp
# function: Recorder::on_served
# bug: the mean wait of a bin counts each party once, not each person
/^void Recorder::on_served(/,/^}/ s|s.cur.wait_sum += r.value \* n;|s.cur.wait_sum += r.value;|
