#include "http/metrics.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <array>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <mutex>

#include "base/prometheus.hpp"

namespace admit::http {
namespace {

/// The process metrics Prometheus' own client libraries export under these names, read from
/// the kernel at each scrape. A figure the kernel does not give is left out, never made up.
void append_process_metrics(prometheus::TextWriter& out, std::chrono::system_clock::time_point started_at) {
  if (rusage usage{}; getrusage(RUSAGE_SELF, &usage) == 0) {
    auto const seconds = [](timeval t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; };
    out.metric("process_cpu_seconds_total", "counter", "Total user and system CPU time spent in seconds.",
               seconds(usage.ru_utime) + seconds(usage.ru_stime));
  }
  unsigned long pages = 0;
  unsigned long resident_pages = 0;
  if (std::ifstream statm("/proc/self/statm"); statm >> pages >> resident_pages) {
    auto const page = static_cast<double>(sysconf(_SC_PAGESIZE));
    out.metric("process_resident_memory_bytes", "gauge", "Resident memory size in bytes.",
               static_cast<double>(resident_pages) * page);
    out.metric("process_virtual_memory_bytes", "gauge", "Virtual memory size in bytes.",
               static_cast<double>(pages) * page);
  }
  std::error_code error;
  std::size_t open = 0;
  for (std::filesystem::directory_iterator fd("/proc/self/fd", error), end; !error && fd != end; fd.increment(error)) {
    ++open;
  }
  if (!error) out.metric("process_open_fds", "gauge", "Number of open file descriptors.", static_cast<double>(open));
  if (rlimit limit{}; getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY) {
    out.metric("process_max_fds", "gauge", "Maximum number of open file descriptors.",
               static_cast<double>(limit.rlim_cur));
  }
  out.metric("process_start_time_seconds", "gauge", "Start time of the process since unix epoch in seconds.",
             std::chrono::duration<double>(started_at.time_since_epoch()).count());
}

}  // namespace

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
  std::string requests;
  std::string durations;
  prometheus::TextWriter counts(requests);
  prometheus::TextWriter histogram(durations);
  counts.family("admit_http_requests_total", "counter", "HTTP requests answered, by route pattern, method and status.");
  histogram.family("admit_http_request_duration_seconds", "histogram", "Time from a complete request to its response.");
  {
    std::shared_lock lock(mutex_);
    for (auto const& [key, s] : series_) {
      auto const& [route, method, status_code] = key;
      auto const status = std::to_string(status_code);
      auto const count = s->count.load(std::memory_order_relaxed);
      counts.sample("admit_http_requests_total", {{"route", route}, {"method", method}, {"status", status}}, count);
      std::uint64_t cumulative = 0;
      std::array<char, 32> bound{};
      for (std::size_t i = 0; i < kBuckets.size(); ++i) {
        cumulative += s->buckets[i].load(std::memory_order_relaxed);
        // As printf's %g writes it: six significant digits.
        auto const end =
            std::to_chars(bound.data(), bound.data() + bound.size(), kBuckets[i], std::chars_format::general, 6).ptr;
        histogram.sample("admit_http_request_duration_seconds_bucket",
                         {{"route", route},
                          {"method", method},
                          {"status", status},
                          {"le", std::string_view(bound.data(), static_cast<std::size_t>(end - bound.data()))}},
                         cumulative);
      }
      histogram.sample("admit_http_request_duration_seconds_bucket",
                       {{"route", route}, {"method", method}, {"status", status}, {"le", "+Inf"}}, count);
      histogram.sample("admit_http_request_duration_seconds_sum",
                       {{"route", route}, {"method", method}, {"status", status}},
                       std::chrono::nanoseconds(static_cast<std::int64_t>(s->sum_ns.load(std::memory_order_relaxed))));
      histogram.sample("admit_http_request_duration_seconds_count",
                       {{"route", route}, {"method", method}, {"status", status}}, count);
    }
  }
  std::string out = std::move(requests) + durations;
  prometheus::TextWriter w(out);
  w.metric("admit_http_rate_limited_total", "counter", "Requests refused by a rate limit.",
           static_cast<double>(rate_limited_.load(std::memory_order_relaxed)));
  w.metric("admit_http_open_connections", "gauge", "Client connections open now.",
           static_cast<double>(open_connections_.load(std::memory_order_relaxed)));
  w.family("admit_http_connections_refused_total", "counter",
           "Connections closed as soon as accepted because a limit was met, by limit (per_client: "
           "ADMIT_MAX_CONNECTIONS_PER_CLIENT; total: ADMIT_MAX_CONNECTIONS).")
      .sample("admit_http_connections_refused_total", {{"reason", "per_client"}},
              refused_per_client_.load(std::memory_order_relaxed))
      .sample("admit_http_connections_refused_total", {{"reason", "total"}},
              refused_total_.load(std::memory_order_relaxed));
  w.metric("admit_http_header_timeouts_total", "counter",
           "Connections closed because their first request header did not arrive within the header timeout.",
           static_cast<double>(header_timeouts_.load(std::memory_order_relaxed)));
  w.metric("admit_http_accept_errors_total", "counter",
           "Connections the operating system failed to hand over (out of descriptors and the like).",
           static_cast<double>(accept_errors_.load(std::memory_order_relaxed)));
  w.metric("admit_http_max_connections", "gauge", "Open connections allowed in all; 0: no limit.",
           static_cast<double>(max_connections_.load(std::memory_order_relaxed)));
  w.metric("admit_http_max_connections_per_client", "gauge", "Open connections allowed from one address; 0: no limit.",
           static_cast<double>(max_connections_per_client_.load(std::memory_order_relaxed)));
  w.metric("admit_http_requests_in_flight", "gauge", "Requests read and not yet answered, this one included.",
           static_cast<double>(requests_in_flight()));
  w.metric("admit_uptime_seconds", "gauge", "Seconds since the server started.",
           std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count());
  append_process_metrics(w, started_at_);
  return out;
}

}  // namespace admit::http
