# file: sim/output/compare.cpp
# function: compare
# bug: a paired difference is base - variant
s|v.diff.add(x - b);|v.diff.add(b - x);|g
