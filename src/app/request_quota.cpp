#include "app/request_quota.hpp"

#include <algorithm>
#include <cmath>

namespace admit {

RequestQuota::RequestQuota(int allowance, std::chrono::seconds window, SteadyClock now)
    : allowance_(allowance),
      per_request_(allowance > 0 ? std::chrono::duration<double>(window) / allowance : std::chrono::duration<double>{}),
      now_(std::move(now)) {}

void RequestQuota::refill(Bucket& bucket, TimePoint now) const {
  auto const earned = std::chrono::duration<double>(now - bucket.updated) / per_request_;
  bucket.spent = std::max(0.0, bucket.spent - earned);
  bucket.updated = now;
}

std::optional<std::chrono::seconds> RequestQuota::wait(std::string_view key) {
  if (allowance_ <= 0) return std::nullopt;
  auto const now = now_();
  std::lock_guard const lock(mutex_);
  auto const found = buckets_.find(std::string(key));
  if (found == buckets_.end()) return std::nullopt;
  refill(found->second, now);
  auto const over = found->second.spent + 1 - allowance_;
  if (over <= 0) return std::nullopt;
  // Rounded up, so a client that waits exactly Retry-After seconds is let through.
  auto const left = std::chrono::ceil<std::chrono::seconds>(per_request_ * over);
  return std::max(left, std::chrono::seconds{1});
}

void RequestQuota::take(std::string_view key) {
  if (allowance_ <= 0) return;
  auto const now = now_();
  std::lock_guard const lock(mutex_);
  if (buckets_.size() >= kTableLimit) prune(now);
  auto [it, fresh] = buckets_.try_emplace(std::string(key), Bucket{0, now});
  if (!fresh) refill(it->second, now);
  it->second.spent += 1;
}

void RequestQuota::prune(TimePoint now) {
  for (auto it = buckets_.begin(); it != buckets_.end();) {
    refill(it->second, now);
    it = it->second.spent <= 0 ? buckets_.erase(it) : std::next(it);
  }
}

}  // namespace admit
