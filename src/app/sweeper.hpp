#pragma once

#include <chrono>
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

 private:
  void sweep_once();

  Payments& payments_;
  std::chrono::milliseconds period_;
  std::jthread thread_;  ///< last, so it starts once the members it uses exist
};

}  // namespace admit
