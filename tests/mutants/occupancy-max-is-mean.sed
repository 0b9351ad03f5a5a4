# file: sim/output/writers.cpp
# function: occupancy_csv
# bug: occupancy.csv writes the bin's mean occupancy as its maximum
/^std::string occupancy_csv(/,/^}/ s|place_kind_name(pl.kind), omean, omax,|place_kind_name(pl.kind), omean, omean,|
