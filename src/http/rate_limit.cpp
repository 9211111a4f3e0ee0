#include "http/rate_limit.hpp"

#include <algorithm>
#include <cmath>
#include <functional>

namespace admit::http {

RateLimiter::RateLimiter(double rate_per_second, double burst) : rate_(rate_per_second), burst_(std::max(1.0, burst)) {}

std::optional<std::chrono::seconds> RateLimiter::acquire(std::string_view client, Clock::time_point now) {
  if (rate_ <= 0) return std::nullopt;
  auto& shard = shards_[std::hash<std::string_view>{}(client) % kShards];
  std::lock_guard lock(shard.mutex);
  auto [it, inserted] = shard.buckets.try_emplace(std::string(client), Bucket{burst_, now});
  auto& bucket = it->second;
  if (!inserted) {
    double const elapsed = std::chrono::duration<double>(now - bucket.updated).count();
    bucket.tokens = std::min(burst_, bucket.tokens + elapsed * rate_);
    bucket.updated = now;
  }
  if (bucket.tokens >= 1.0) {
    bucket.tokens -= 1.0;
    return std::nullopt;
  }
  double const wait = (1.0 - bucket.tokens) / rate_;
  return std::chrono::seconds(std::max<long>(1, static_cast<long>(std::ceil(wait))));
}

void RateLimiter::prune(Clock::time_point now) {
  if (rate_ <= 0) return;
  // A bucket idle long enough to have refilled completely is the same as no bucket.
  auto const full_after = std::chrono::duration<double>(burst_ / rate_);
  for (auto& shard : shards_) {
    std::lock_guard lock(shard.mutex);
    std::erase_if(shard.buckets, [&](auto const& entry) {
      return std::chrono::duration<double>(now - entry.second.updated) > full_after;
    });
  }
}

}  // namespace admit::http
