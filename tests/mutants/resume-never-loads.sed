# file: sim/output/ensemble.cpp
# function: run_ensemble
# bug: --resume never loads the saved replications
s|if (settings.resume \&\& !settings.replication_dir.empty())|if (false \&\& settings.resume \&\& !settings.replication_dir.empty())|
