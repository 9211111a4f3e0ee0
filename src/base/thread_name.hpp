#pragma once

namespace admit {

/// Names the calling thread for `top -H`, `perf` and debuggers (at most 15 characters are
/// kept, as Linux allows).
void name_this_thread(char const* name);

/// Makes the calling thread yield to every other thread of the machine that wants the CPU
/// (SCHED_IDLE, or nice 19 where that is refused): background work such as sending email goes
/// on whenever a core is idle, and takes almost none from requests while they keep the cores
/// busy. False when the system refused both.
bool lower_this_threads_priority();

}  // namespace admit
