# file: sim/output/writers.cpp
# function: summary_json
# bug: summary.json's rel_error is (observed - simulated) / observed
/^std::string summary_json(/,/^}/ s|x\["rel_error"\] = (ci.mean - o.value) / o.value;|x["rel_error"] = (o.value - ci.mean) / o.value;|
