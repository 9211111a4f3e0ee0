#pragma once

namespace admit {

/// Names the calling thread for `top -H`, `perf` and debuggers (at most 15 characters are
/// kept, as Linux allows).
void name_this_thread(char const* name);

/// Makes the calling thread yield to every other thread of the machine that wants the CPU
/// (nice 19, the lowest priority Linux has short of never running): background work such as
/// sending email goes on whenever there is CPU to spare, and takes almost none from requests
/// while they keep the cores busy. False when the system refused.
bool lower_this_threads_priority();

}  // namespace admit
