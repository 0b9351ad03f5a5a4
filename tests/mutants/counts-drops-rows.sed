# file: sim/output/writers.cpp
# function: counts_csv
# bug: counts.csv leaves out every row that has no vehicles
s|if (persons == 0 \&\& vehicles == 0) continue;|if (persons == 0 \|\| vehicles == 0) continue;|
