#pragma once

#include <curl/curl.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

#include "base/otlp_encoding.hpp"
#include "base/trace.hpp"

namespace admit::otlp {

struct ExporterConfig {
  std::string endpoint;  ///< the collector's base URL; spans are POSTed to <endpoint>/v1/traces
  trace::Resource resource;
  std::size_t max_batch = 512;                       ///< spans in one request at most
  std::chrono::milliseconds interval{200};           ///< how often the queue is drained
  std::chrono::milliseconds connect_timeout{500};    ///< to reach the collector
  std::chrono::milliseconds request_timeout{2000};   ///< for its whole answer
  std::chrono::milliseconds first_backoff{500};      ///< pause after a failed export, doubling …
  std::chrono::milliseconds longest_backoff{30000};  ///< … up to this
};

/// Sends the tracer's finished spans to an OTLP/HTTP collector (protobuf) from its own thread.
/// Requests never wait for it: they only push into the tracer's bounded queue. While the
/// collector fails, the exporter backs off and the spans that arrive meanwhile are dropped
/// (counted), so a dead collector costs one short timeout per backoff period, on this thread.
class OtlpExporter {
 public:
  OtlpExporter(ExporterConfig config, trace::Tracer& tracer);
  /// Sends what is queued (one try, within the timeouts) and stops the thread.
  ~OtlpExporter();
  OtlpExporter(OtlpExporter const&) = delete;
  OtlpExporter& operator=(OtlpExporter const&) = delete;

  /// admit_trace_spans_{exported,failed,dropped}_total and the queue's length.
  std::string metrics_text() const;

 private:
  void loop();
  /// Drains the queue; sends it in batches unless backing off.
  void drain(bool final_round);
  /// One POST; true when the collector answered 2xx.
  bool post(std::string const& body);

  ExporterConfig config_;
  std::string url_;
  trace::Tracer& tracer_;
  CURL* curl_ = nullptr;  ///< used by the exporter's thread only
  curl_slist* headers_ = nullptr;
  std::atomic<std::uint64_t> exported_{0};
  std::atomic<std::uint64_t> failed_{0};
  std::chrono::milliseconds backoff_{0};
  std::chrono::steady_clock::time_point retry_at_{};
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace admit::otlp
