#pragma once

#include <chrono>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace admit {

/// A token bucket per key (an email address, a client address, an account): a key may make
/// `allowance` requests at once, and earns one more every `window / allowance`, so over any
/// long stretch it makes at most `allowance` per `window`. For requests that make Admit send
/// mail, where every request counts (not only failed ones, as for sign-ins).
///
/// The state lives in this node's memory: with several nodes each counts on its own.
class RequestQuota {
 public:
  using SteadyClock = std::function<std::chrono::steady_clock::time_point()>;

  /// `allowance` <= 0 turns the quota off.
  RequestQuota(int allowance, std::chrono::seconds window, SteadyClock now = std::chrono::steady_clock::now);

  /// nullopt when `key` may make a request now; otherwise how long until it may (at least 1 s).
  std::optional<std::chrono::seconds> wait(std::string_view key);
  /// Counts a request of `key` (after wait() allowed it).
  void take(std::string_view key);

 private:
  using TimePoint = std::chrono::steady_clock::time_point;
  struct Bucket {
    double spent = 0;  ///< requests not yet earned back
    TimePoint updated;
  };
  /// `bucket` brought up to `now`: what has been earned back since it was last updated.
  void refill(Bucket& bucket, TimePoint now) const;
  void prune(TimePoint now);

  static constexpr std::size_t kTableLimit = 100'000;

  int allowance_;
  std::chrono::duration<double> per_request_;  ///< the time one request takes to earn back
  SteadyClock now_;
  std::mutex mutex_;
  std::unordered_map<std::string, Bucket> buckets_;
};

}  // namespace admit
