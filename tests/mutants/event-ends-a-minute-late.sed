# file: sim/model/disruptions.cpp
# function: disruptions::schedule
# bug: an event stays in force a minute past its end
/^void schedule(World& w) {/,/^}/ s|w.cal.schedule(w.s.events\[i\].to_s, kEventEnd|w.cal.schedule(w.s.events[i].to_s + 60, kEventEnd|
