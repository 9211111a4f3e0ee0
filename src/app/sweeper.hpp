#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <thread>

#include "app/payments.hpp"

namespace admit {

/// Ends the holds that ran out and makes the refunds that are due, on its own thread every
/// `period`, off the request path. Safe on every node at once: each hold ends, and each
/// refund happens, exactly once. A failed pass is logged and tried again a period later.
class Sweeper {
 public:
  explicit Sweeper(Payments& payments, std::chrono::milliseconds period = std::chrono::seconds(1));
  /// Stops the thread, after the pass in progress if any.
  ~Sweeper() = default;
  Sweeper(Sweeper const&) = delete;
  Sweeper& operator=(Sweeper const&) = delete;

  /// Prometheus text: when expired holds were last released without an error (the start time
  /// until the first pass), passes that failed, holds ended. A sweeper that is stuck or keeps
  /// failing shows as a timestamp that no longer moves.
  std::string metrics_text() const;

 private:
  void sweep_once();

  Payments& payments_;
  std::chrono::milliseconds period_;
  std::atomic<std::int64_t> last_success_ns_;  ///< system clock, since the epoch
  std::atomic<std::uint64_t> failed_passes_{0};
  std::atomic<std::uint64_t> holds_ended_{0};
  std::jthread thread_;  ///< last, so it starts once the members it uses exist
};

}  // namespace admit
