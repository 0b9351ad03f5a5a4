# file: sim/output/writers.cpp
# function: occupancy_csv
# bug: occupancy.csv writes the bin's mean occupancy as its maximum
/^std::string occupancy_csv(/,/^}/ s|omean, omax, pl.capacity, pl.area_m2, los|omean, omean, pl.capacity, pl.area_m2, los|
