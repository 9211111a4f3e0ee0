#include "http/metrics.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <charconv>
#include <filesystem>
#include <fstream>
#include <mutex>

namespace admit::http {
namespace {

/// `value` as printf's %.<precision>g (general) or %.<precision>f (fixed) would write it.
void append_number(std::string& out, double value, std::chars_format format, int precision) {
  std::array<char, 64> text{};
  auto const written = std::to_chars(text.data(), text.data() + text.size(), value, format, precision);
  out.append(text.data(), written.ptr);
}

/// One metric without labels: its HELP and TYPE lines and its value.
void append_metric(std::string& out, char const* name, char const* type, char const* help, double value) {
  out.append("# HELP ").append(name).append(" ").append(help).append("\n");
  out.append("# TYPE ").append(name).append(" ").append(type).append("\n");
  out.append(name).append(" ");
  append_number(out, value, std::chars_format::general, 15);
  out.append("\n");
}

/// The process metrics Prometheus' own client libraries export under these names, read from
/// the kernel at each scrape. A figure the kernel does not give is left out, never made up.
void append_process_metrics(std::string& out, std::chrono::system_clock::time_point started_at) {
  if (rusage usage{}; getrusage(RUSAGE_SELF, &usage) == 0) {
    auto const seconds = [](timeval t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; };
    append_metric(out, "process_cpu_seconds_total", "counter", "Total user and system CPU time spent in seconds.",
                  seconds(usage.ru_utime) + seconds(usage.ru_stime));
  }
  unsigned long pages = 0;
  unsigned long resident_pages = 0;
  if (std::ifstream statm("/proc/self/statm"); statm >> pages >> resident_pages) {
    auto const page = static_cast<double>(sysconf(_SC_PAGESIZE));
    append_metric(out, "process_resident_memory_bytes", "gauge", "Resident memory size in bytes.",
                  static_cast<double>(resident_pages) * page);
    append_metric(out, "process_virtual_memory_bytes", "gauge", "Virtual memory size in bytes.",
                  static_cast<double>(pages) * page);
  }
  std::error_code error;
  std::size_t open = 0;
  for (std::filesystem::directory_iterator fd("/proc/self/fd", error), end; !error && fd != end; fd.increment(error)) {
    ++open;
  }
  if (!error)
    append_metric(out, "process_open_fds", "gauge", "Number of open file descriptors.", static_cast<double>(open));
  if (rlimit limit{}; getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY) {
    append_metric(out, "process_max_fds", "gauge", "Maximum number of open file descriptors.",
                  static_cast<double>(limit.rlim_cur));
  }
  append_metric(out, "process_start_time_seconds", "gauge", "Start time of the process since unix epoch in seconds.",
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
  std::string out;
  out +=
      "# HELP admit_http_requests_total HTTP requests answered, by route pattern, method and status.\n"
      "# TYPE admit_http_requests_total counter\n";
  std::string histogram =
      "# HELP admit_http_request_duration_seconds Time from a complete request to its response.\n"
      "# TYPE admit_http_request_duration_seconds histogram\n";
  {
    std::shared_lock lock(mutex_);
    for (auto const& [key, s] : series_) {
      auto const& [route, method, status] = key;
      std::string labels = "route=\"";
      labels.append(route).append("\",method=\"").append(method);
      labels.append("\",status=\"").append(std::to_string(status)).append("\"");
      auto const count = s->count.load(std::memory_order_relaxed);
      out += "admit_http_requests_total{" + labels + "} " + std::to_string(count) + "\n";
      std::uint64_t cumulative = 0;
      for (std::size_t i = 0; i < kBuckets.size(); ++i) {
        cumulative += s->buckets[i].load(std::memory_order_relaxed);
        histogram += "admit_http_request_duration_seconds_bucket{" + labels + ",le=\"";
        append_number(histogram, kBuckets[i], std::chars_format::general, 6);
        histogram += "\"} " + std::to_string(cumulative) + "\n";
      }
      histogram +=
          "admit_http_request_duration_seconds_bucket{" + labels + ",le=\"+Inf\"} " + std::to_string(count) + "\n";
      histogram += "admit_http_request_duration_seconds_sum{" + labels + "} ";
      append_number(histogram, static_cast<double>(s->sum_ns.load(std::memory_order_relaxed)) / 1e9,
                    std::chars_format::fixed, 9);
      histogram.append("\n");
      histogram += "admit_http_request_duration_seconds_count{" + labels + "} " + std::to_string(count) + "\n";
    }
  }
  out += histogram;
  append_metric(out, "admit_http_rate_limited_total", "counter", "Requests refused by a rate limit.",
                static_cast<double>(rate_limited_.load(std::memory_order_relaxed)));
  append_metric(out, "admit_http_open_connections", "gauge", "Client connections open now.",
                static_cast<double>(open_connections_.load(std::memory_order_relaxed)));
  out +=
      "# HELP admit_http_connections_refused_total Connections closed as soon as accepted because a limit was met, "
      "by limit (per_client: ADMIT_MAX_CONNECTIONS_PER_CLIENT; total: ADMIT_MAX_CONNECTIONS).\n"
      "# TYPE admit_http_connections_refused_total counter\n"
      "admit_http_connections_refused_total{reason=\"per_client\"} " +
      std::to_string(refused_per_client_.load(std::memory_order_relaxed)) +
      "\n"
      "admit_http_connections_refused_total{reason=\"total\"} " +
      std::to_string(refused_total_.load(std::memory_order_relaxed)) + "\n";
  append_metric(out, "admit_http_header_timeouts_total", "counter",
                "Connections closed because their first request header did not arrive within the header timeout.",
                static_cast<double>(header_timeouts_.load(std::memory_order_relaxed)));
  append_metric(out, "admit_http_accept_errors_total", "counter",
                "Connections the operating system failed to hand over (out of descriptors and the like).",
                static_cast<double>(accept_errors_.load(std::memory_order_relaxed)));
  append_metric(out, "admit_http_max_connections", "gauge", "Open connections allowed in all; 0: no limit.",
                static_cast<double>(max_connections_.load(std::memory_order_relaxed)));
  append_metric(out, "admit_http_max_connections_per_client", "gauge",
                "Open connections allowed from one address; 0: no limit.",
                static_cast<double>(max_connections_per_client_.load(std::memory_order_relaxed)));
  append_metric(out, "admit_http_requests_in_flight", "gauge", "Requests read and not yet answered, this one included.",
                static_cast<double>(requests_in_flight()));
  append_metric(out, "admit_uptime_seconds", "gauge", "Seconds since the server started.",
                std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count());
  append_process_metrics(out, started_at_);
  return out;
}

}  // namespace admit::http
