# file: sim/ensemble/runner.cpp
# function: run
# bug: a worker starts a job when the window is already full (off by one): two jobs share a slot of the reorder buffer
/^void run(std::uint32_t jobs, const Pool& pool, const Plan& plan, const Callbacks& c) {/,/^}/ s|started < consumed + window;|started <= consumed + window;|
