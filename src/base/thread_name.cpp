#include "base/thread_name.hpp"

#include <pthread.h>
#include <sched.h>
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
  // SCHED_IDLE: the thread runs only on a core nothing else wants at that moment. Where that
  // is refused, nice 19 (on Linux a property of each thread, named by its thread id).
  sched_param const none{};
  if (pthread_setschedparam(pthread_self(), SCHED_IDLE, &none) == 0) return true;
  return setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), 19) == 0;
}

}  // namespace admit
