#include "app/sweeper.hpp"

#include <condition_variable>
#include <exception>
#include <mutex>

#include "base/log.hpp"
#include "base/thread_name.hpp"

namespace admit {

Sweeper::Sweeper(Payments& payments, std::chrono::milliseconds period)
    : payments_(payments), period_(period), thread_([this](std::stop_token const& stop) {
        name_this_thread("admit-sweeper");
        std::mutex mutex;
        std::condition_variable_any wake;
        while (!stop.stop_requested()) {
          sweep_once();
          std::unique_lock lock(mutex);
          wake.wait_for(lock, stop, period_, [] { return false; });
        }
      }) {}

void Sweeper::sweep_once() {
  try {
    if (int const ended = payments_.release_expired_holds(); ended > 0) {
      log::info("holds expired", {{"count", ended}});
    }
    payments_.refund_due();
  } catch (std::exception const& e) {
    log::error("sweeper failed; retrying", {{"error", e.what()}});
  }
}

}  // namespace admit
