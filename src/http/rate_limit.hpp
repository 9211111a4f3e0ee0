#pragma once

#include <array>
#include <chrono>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace admit::http {

/// Token buckets per client: each client may burst `burst` requests and then gets `rate`
/// requests per second. The table is split into shards, each with its own lock, so threads
/// seldom contend; idle buckets are swept out by prune().
class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;

  /// `rate` <= 0 turns the limiter off.
  RateLimiter(double rate_per_second, double burst);

  /// nullopt when the request may go ahead; otherwise how long until it would be allowed.
  std::optional<std::chrono::seconds> acquire(std::string_view client, Clock::time_point now = Clock::now());
  /// Drops buckets that have been full for a while.
  void prune(Clock::time_point now = Clock::now());
  bool enabled() const { return rate_ > 0; }

 private:
  struct Bucket {
    double tokens;
    Clock::time_point updated;
  };
  /// Lets the table be searched with a string_view.
  struct TextHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  struct Shard {
    std::mutex mutex;
    std::unordered_map<std::string, Bucket, TextHash, std::equal_to<>> buckets;
  };
  static constexpr std::size_t kShards = 16;

  double rate_;
  double burst_;
  std::array<Shard, kShards> shards_;
};

}  // namespace admit::http
