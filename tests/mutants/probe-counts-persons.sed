# file: sim/observe/recorder.cpp
# function: Recorder::on_probes
# bug: an observed total in vehicles counts persons
/^void Recorder::on_probes(/,/^}/ s|const double n = p.vehicles ? r.vehicles : r.persons;|const double n = r.persons;|
