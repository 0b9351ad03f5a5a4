# file: sim/output/writers.cpp
# function: counts_csv
# bug: counts.csv leaves out every row that has no vehicles
/^std::string counts_csv(/,/^}/ s|if (persons == 0 \&\& vehicles == 0) return;|if (persons == 0 \|\| vehicles == 0) return;|
