# file: sim/output/compare.cpp
# function: paired
# bug: a paired difference is base - variant
/^ComparedValue paired(/,/^}/ s|const double b = base\[r\], x = variant\[r\], d = x - b;|const double b = base[r], x = variant[r], d = b - x;|
