#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <tuple>

namespace admit::http {

/// Request counts and latency histograms by route, method and status, and the process's CPU,
/// memory and file descriptors, in Prometheus' text format. Recording takes a shared lock and
/// a few relaxed atomic adds; only the first request of a new (route, method, status) takes the
/// exclusive lock.
class Metrics {
 public:
  static constexpr std::array<double, 12> kBuckets{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                   0.05,   0.1,   0.25,   0.5,   1.0,  2.5};

  void observe(std::string_view route, std::string_view method, unsigned status, std::chrono::nanoseconds elapsed);
  void count_rate_limited() { rate_limited_.fetch_add(1, std::memory_order_relaxed); }
  void connection_opened() { open_connections_.fetch_add(1, std::memory_order_relaxed); }
  void connection_closed() { open_connections_.fetch_sub(1, std::memory_order_relaxed); }
  /// A connection closed at once because its client (`per_client`) or the server was at its limit.
  void count_connection_refused(bool per_client) {
    (per_client ? refused_per_client_ : refused_total_).fetch_add(1, std::memory_order_relaxed);
  }
  /// A connection closed because its first request header did not arrive in time.
  void count_header_timeout() { header_timeouts_.fetch_add(1, std::memory_order_relaxed); }
  void count_accept_error() { accept_errors_.fetch_add(1, std::memory_order_relaxed); }
  /// The connection limits in force (0 = none), exported so a dashboard can show the headroom.
  void set_connection_limits(std::size_t total, std::size_t per_client) {
    max_connections_ = total;
    max_connections_per_client_ = per_client;
  }
  /// A request counts as in flight from its complete header until its response is written.
  void request_started() { requests_in_flight_.fetch_add(1, std::memory_order_relaxed); }
  void request_finished() { requests_in_flight_.fetch_sub(1, std::memory_order_relaxed); }
  std::int64_t requests_in_flight() const { return requests_in_flight_.load(std::memory_order_relaxed); }

  std::string render() const;

 private:
  struct Series {
    std::atomic<std::uint64_t> count{0};
    std::atomic<std::uint64_t> sum_ns{0};
    std::array<std::atomic<std::uint64_t>, kBuckets.size()> buckets{};
  };
  using Key = std::tuple<std::string, std::string, unsigned>;

  mutable std::shared_mutex mutex_;
  std::map<Key, std::unique_ptr<Series>, std::less<>> series_;
  std::atomic<std::uint64_t> rate_limited_{0};
  std::atomic<std::int64_t> open_connections_{0};
  std::atomic<std::uint64_t> refused_per_client_{0};
  std::atomic<std::uint64_t> refused_total_{0};
  std::atomic<std::uint64_t> header_timeouts_{0};
  std::atomic<std::uint64_t> accept_errors_{0};
  std::atomic<std::size_t> max_connections_{0};
  std::atomic<std::size_t> max_connections_per_client_{0};
  std::atomic<std::int64_t> requests_in_flight_{0};
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
  std::chrono::system_clock::time_point started_at_ = std::chrono::system_clock::now();
};

}  // namespace admit::http
