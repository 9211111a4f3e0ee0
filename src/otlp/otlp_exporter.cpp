#include "otlp/otlp_exporter.hpp"

#include <curl/curl.h>
#include <memory>
#include <stdexcept>

#include "base/log.hpp"
#include "base/prometheus.hpp"
#include "base/thread_name.hpp"

namespace admit::otlp {
namespace {

void init_curl_once() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) throw std::runtime_error("libcurl failed to start");
  });
}

std::size_t discard_body(char*, std::size_t size, std::size_t count, void*) {
  return size * count;
}

}  // namespace

OtlpExporter::OtlpExporter(ExporterConfig config, trace::Tracer& tracer) : config_(std::move(config)), tracer_(tracer) {
  init_curl_once();
  url_ = config_.endpoint;
  while (!url_.empty() && url_.back() == '/') url_.pop_back();
  url_ += "/v1/traces";
  curl_ = curl_easy_init();
  headers_ = curl_slist_append(nullptr, "Content-Type: application/x-protobuf");
  if (curl_ == nullptr || headers_ == nullptr) throw std::runtime_error("libcurl failed to start");
  // One handle for every export keeps the connection to the collector open between batches.
  curl_easy_setopt(curl_, CURLOPT_URL, url_.c_str());
  curl_easy_setopt(curl_, CURLOPT_HTTPHEADER, headers_);
  curl_easy_setopt(curl_, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(config_.connect_timeout.count()));
  curl_easy_setopt(curl_, CURLOPT_TIMEOUT_MS, static_cast<long>(config_.request_timeout.count()));
  curl_easy_setopt(curl_, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl_, CURLOPT_WRITEFUNCTION, &discard_body);
  // A full batch wakes the exporter at once; otherwise it sends what there is every interval.
  tracer_.queue().on_batch_ready(config_.max_batch, [this] { wake_.notify_one(); });
  thread_ = std::thread([this] { loop(); });
}

OtlpExporter::~OtlpExporter() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
  curl_slist_free_all(headers_);
  curl_easy_cleanup(curl_);
}

void OtlpExporter::loop() {
  name_this_thread("admit-otlp");
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    wake_.wait_for(lock, config_.interval, [this] { return stopping_ || tracer_.queue().size() >= config_.max_batch; });
    bool const final_round = stopping_;
    lock.unlock();
    drain(final_round);
    lock.lock();
  }
}

void OtlpExporter::drain(bool final_round) {
  auto spans = tracer_.queue().take_all();
  if (spans.empty()) return;
  auto const now = std::chrono::steady_clock::now();
  if (now < retry_at_ && !final_round) {
    // The collector failed lately: these are dropped rather than piled up or retried.
    tracer_.queue().count_dropped(spans.size());
    return;
  }
  std::span<trace::SpanRecord const> all(spans);
  for (std::size_t from = 0; from < all.size(); from += config_.max_batch) {
    auto const batch = all.subspan(from, std::min(config_.max_batch, all.size() - from));
    if (post(trace::encode_export_request(config_.resource, batch))) {
      exported_.fetch_add(batch.size(), std::memory_order_relaxed);
      backoff_ = std::chrono::milliseconds{0};
      continue;
    }
    failed_.fetch_add(batch.size(), std::memory_order_relaxed);
    auto const rest = all.size() - from - batch.size();
    tracer_.queue().count_dropped(rest);
    backoff_ = backoff_.count() == 0 ? config_.first_backoff : std::min(backoff_ * 2, config_.longest_backoff);
    retry_at_ = std::chrono::steady_clock::now() + backoff_;
    return;
  }
}

bool OtlpExporter::post(std::string const& body) {
  curl_easy_setopt(curl_, CURLOPT_POSTFIELDS, body.data());
  curl_easy_setopt(curl_, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  auto const code = curl_easy_perform(curl_);
  long status = 0;
  curl_easy_getinfo(curl_, CURLINFO_RESPONSE_CODE, &status);
  if (code == CURLE_OK && status >= 200 && status < 300) return true;
  log::warn("trace export failed", {{"error", curl_easy_strerror(code)}, {"status", status}});
  return false;
}

std::string OtlpExporter::metrics_text() const {
  std::string out;
  prometheus::TextWriter w(out);
  w.metric("admit_trace_spans_exported_total", "counter", "Spans the OTLP collector accepted.",
           exported_.load(std::memory_order_relaxed));
  w.metric("admit_trace_spans_failed_total", "counter", "Spans lost in exports the collector failed or refused.",
           failed_.load(std::memory_order_relaxed));
  w.metric("admit_trace_spans_dropped_total", "counter",
           "Spans dropped unsent: the queue was full, or the collector was failing (backing off).",
           tracer_.queue().dropped());
  w.metric("admit_trace_queue_spans", "gauge", "Finished spans waiting for the exporter.",
           static_cast<std::uint64_t>(tracer_.queue().size()));
  return out;
}

}  // namespace admit::otlp
