# file: sim/kernel/stats.cpp
# function: confidence_interval95
# bug: the 95% interval uses the normal quantile 1.96 in place of Student's t
/^Interval confidence_interval95(/,/^}/ s|r.half_width = student_t_quantile(0.975, t.count() - 1) \* t.stddev() /|r.half_width = 1.959964 * t.stddev() /|
