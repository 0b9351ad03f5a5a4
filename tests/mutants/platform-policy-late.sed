# file: sim/model/transit.cpp
# function: platform_change
# bug: the station's entries close only above close_above x capacity, not at it
/^void platform_change(/,/^}/ s|T.platform_occ\[line\] >= pd.platform_close_above \* cap|T.platform_occ[line] > pd.platform_close_above * cap|
