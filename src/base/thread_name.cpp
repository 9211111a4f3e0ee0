#include "base/thread_name.hpp"

#include <pthread.h>

#include <cstring>
#include <string>

namespace admit {

void name_this_thread(char const* name) {
  std::string const kept(name, strnlen(name, 15));
  pthread_setname_np(pthread_self(), kept.c_str());
}

}  // namespace admit
