# file: sim/ensemble/replications.hpp
# function: run_replications
# bug: --resume never loads the saved replications
/^std::uint32_t run_replications(/,/^}/ s|if (auto saved = settings.resume ? detail::load_saved(sim, settings, r) : std::nullopt) {|if (auto saved = false \&\& settings.resume ? detail::load_saved(sim, settings, r) : std::nullopt) {|
