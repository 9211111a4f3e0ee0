#include "http/metrics.hpp"

#include <cstdio>
#include <mutex>

namespace admit::http {

void Metrics::observe(std::string_view route, std::string_view method, unsigned status,
                      std::chrono::nanoseconds elapsed) {
  auto const record = [&](Series& s) {
    s.count.fetch_add(1, std::memory_order_relaxed);
    s.sum_ns.fetch_add(static_cast<std::uint64_t>(elapsed.count()), std::memory_order_relaxed);
    double const seconds = static_cast<double>(elapsed.count()) / 1e9;
    for (std::size_t i = 0; i < kBuckets.size(); ++i) {
      if (seconds <= kBuckets[i]) {
        s.buckets[i].fetch_add(1, std::memory_order_relaxed);
        break;
      }
    }
  };
  auto const key = std::make_tuple(route, method, status);
  {
    std::shared_lock lock(mutex_);
    if (auto it = series_.find(key); it != series_.end()) {
      record(*it->second);
      return;
    }
  }
  std::unique_lock lock(mutex_);
  auto [it, inserted] = series_.try_emplace(Key{std::string(route), std::string(method), status});
  if (inserted) it->second = std::make_unique<Series>();
  record(*it->second);
}

std::string Metrics::render() const {
  std::string out;
  out +=
      "# HELP admit_http_requests_total HTTP requests answered, by route pattern, method and status.\n"
      "# TYPE admit_http_requests_total counter\n";
  std::string histogram =
      "# HELP admit_http_request_duration_seconds Time from a complete request to its response.\n"
      "# TYPE admit_http_request_duration_seconds histogram\n";
  char number[64];
  {
    std::shared_lock lock(mutex_);
    for (auto const& [key, s] : series_) {
      auto const& [route, method, status] = key;
      std::string const labels =
          "route=\"" + route + "\",method=\"" + method + "\",status=\"" + std::to_string(status) + "\"";
      auto const count = s->count.load(std::memory_order_relaxed);
      out += "admit_http_requests_total{" + labels + "} " + std::to_string(count) + "\n";
      std::uint64_t cumulative = 0;
      for (std::size_t i = 0; i < kBuckets.size(); ++i) {
        cumulative += s->buckets[i].load(std::memory_order_relaxed);
        std::snprintf(number, sizeof number, "%g", kBuckets[i]);
        histogram += "admit_http_request_duration_seconds_bucket{" + labels + ",le=\"" + number + "\"} " +
                     std::to_string(cumulative) + "\n";
      }
      histogram +=
          "admit_http_request_duration_seconds_bucket{" + labels + ",le=\"+Inf\"} " + std::to_string(count) + "\n";
      std::snprintf(number, sizeof number, "%.9f",
                    static_cast<double>(s->sum_ns.load(std::memory_order_relaxed)) / 1e9);
      histogram += "admit_http_request_duration_seconds_sum{" + labels + "} " + number + "\n";
      histogram += "admit_http_request_duration_seconds_count{" + labels + "} " + std::to_string(count) + "\n";
    }
  }
  out += histogram;
  out +=
      "# HELP admit_http_rate_limited_total Requests refused by a rate limit.\n"
      "# TYPE admit_http_rate_limited_total counter\n"
      "admit_http_rate_limited_total " +
      std::to_string(rate_limited_.load(std::memory_order_relaxed)) + "\n";
  out +=
      "# HELP admit_http_open_connections Client connections open now.\n"
      "# TYPE admit_http_open_connections gauge\n"
      "admit_http_open_connections " +
      std::to_string(open_connections_.load(std::memory_order_relaxed)) + "\n";
  out +=
      "# HELP admit_http_requests_in_flight Requests read and not yet answered, this one included.\n"
      "# TYPE admit_http_requests_in_flight gauge\n"
      "admit_http_requests_in_flight " +
      std::to_string(requests_in_flight()) + "\n";
  auto const uptime = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  std::snprintf(number, sizeof number, "%.3f", uptime);
  out += "# HELP admit_uptime_seconds Seconds since the server started.\n# TYPE admit_uptime_seconds gauge\n";
  out += std::string("admit_uptime_seconds ") + number + "\n";
  return out;
}

}  // namespace admit::http
