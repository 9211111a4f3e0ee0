#include "base/thread_name.hpp"

#include <pthread.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cstring>
#include <string>

namespace admit {

void name_this_thread(char const* name) {
  std::string const kept(name, strnlen(name, 15));
  pthread_setname_np(pthread_self(), kept.c_str());
}

bool lower_this_threads_priority() {
  // On Linux, nice is a property of each thread (task), named by its thread id.
  return setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), 19) == 0;
}

}  // namespace admit
