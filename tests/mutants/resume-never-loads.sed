# file: sim/ensemble/replications.hpp
# function: run_jobs
# bug: --resume never loads the saved replications
/^std::uint32_t run_jobs(/,/^}/ s|if (auto saved = settings.resume ? load_saved(sim, settings, r) : std::nullopt) {|if (auto saved = false \&\& settings.resume ? load_saved(sim, settings, r) : std::nullopt) {|
