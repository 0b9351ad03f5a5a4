# file: sim/model/replan.cpp
# function: apply_logit
# bug: the logit re-plan weighs modes by exp(+beta x minutes): slow modes favoured
/^void apply_logit(/,/^}/ s|weights\[m\] \*= std::exp(-w.s.policy.logit_per_min|weights[m] *= std::exp(w.s.policy.logit_per_min|
