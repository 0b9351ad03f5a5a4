# file: sim/observe/recorder.cpp
# function: Recorder::on_probes
# bug: an observed total in vehicles counts persons
/^void Recorder::on_probes(/,/^}/ s|p.total += p.vehicles ? r.vehicles : r.persons;|p.total += r.persons;|
