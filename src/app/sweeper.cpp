#include "app/sweeper.hpp"

#include <condition_variable>
#include <exception>
#include <mutex>

#include "base/log.hpp"
#include "base/prometheus.hpp"
#include "base/thread_name.hpp"

namespace admit {
namespace {

std::int64_t wall_clock_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

Sweeper::Sweeper(Payments& payments, std::chrono::milliseconds period)
    : payments_(payments),
      period_(period),
      last_success_ns_(wall_clock_ns()),
      thread_([this](std::stop_token const& stop) {
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
    int const ended = payments_.release_expired_holds();
    last_success_ns_.store(wall_clock_ns(), std::memory_order_relaxed);
    if (ended > 0) {
      holds_ended_.fetch_add(static_cast<std::uint64_t>(ended), std::memory_order_relaxed);
      log::info("holds expired", {{"count", ended}});
    }
    payments_.refund_due();
  } catch (std::exception const& e) {
    failed_passes_.fetch_add(1, std::memory_order_relaxed);
    log::error("sweeper failed; retrying", {{"error", e.what()}});
  }
}

std::string Sweeper::metrics_text() const {
  std::string out;
  prometheus::TextWriter(out)
      .metric("admit_hold_sweep_last_success_seconds", "gauge",
              "When this node last released expired holds without an error (Unix time; its start until then).",
              std::chrono::nanoseconds(last_success_ns_.load(std::memory_order_relaxed)))
      .metric("admit_hold_sweep_failures_total", "counter", "Sweeper passes that failed (logged, retried).",
              std::uint64_t{failed_passes_.load(std::memory_order_relaxed)})
      .metric("admit_holds_expired_total", "counter", "Unpaid holds this node ended because their time ran out.",
              std::uint64_t{holds_ended_.load(std::memory_order_relaxed)});
  return out;
}

}  // namespace admit
