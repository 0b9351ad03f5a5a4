# file: sim/observe/probes.cpp
# function: assess
# bug: an observation's relative residual (summary.json's rel_error, the printed error) is (observed - simulated) / observed
/^Assessment assess(/,/^}/ s|a.residual = a.relative ? (simulated - o.value) / o.value : simulated - o.value;|a.residual = a.relative ? (o.value - simulated) / o.value : simulated - o.value;|
