# file: sim/model/taxi.cpp
# function: taxi::on_cab
# bug: the cab rank takes one cab more than its capacity
/^void on_cab(/,/^}/ s|static_cast<double>(rank.num_waiting()) < t.rank_capacity|static_cast<double>(rank.num_waiting()) <= t.rank_capacity|
