#pragma once

namespace admit {

/// Names the calling thread for `top -H`, `perf` and debuggers (at most 15 characters are
/// kept, as Linux allows).
void name_this_thread(char const* name);

}  // namespace admit
