#pragma once

/// Distributed tracing, the part that needs no network: W3C trace context, span records, the
/// bounded queue spans wait in for the exporter, and the "current span" of the code running
/// now. The exporter (src/otlp) drains the queue; without one, nothing here allocates.

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace admit::trace {

using TraceId = std::array<std::uint8_t, 16>;
using SpanId = std::array<std::uint8_t, 8>;

/// Where a span sits in a trace: its trace, its own id, and whether it is recorded.
struct SpanContext {
  TraceId trace_id{};
  SpanId span_id{};
  bool sampled = false;

  /// All-zero ids are invalid (W3C trace context).
  bool valid() const;
};

/// The caller's context from a W3C `traceparent` header (version 00, or a later version read
/// as 00 would be); nullopt for anything malformed, an all-zero id or version ff.
std::optional<SpanContext> parse_traceparent(std::string_view header);
/// "00-<trace id>-<span id>-<flags>".
std::string format_traceparent(SpanContext const& context);
std::string hex(TraceId const& id);
std::string hex(SpanId const& id);

/// Random ids from a per-thread generator seeded from the OS (ids need to be unique, not secret).
TraceId new_trace_id();
SpanId new_span_id();

enum class SpanKind : std::uint8_t { internal = 1, server = 2, client = 3 };
enum class StatusCode : std::uint8_t { unset = 0, ok = 1, error = 2 };

using AttributeValue = std::variant<std::string, std::int64_t, double, bool>;
struct Attribute {
  std::string key;
  AttributeValue value;
};

/// A finished span, as the exporter sends it.
struct SpanRecord {
  TraceId trace_id{};
  SpanId span_id{};
  SpanId parent_span_id{};  ///< all zero: a root span
  std::string name;
  SpanKind kind = SpanKind::internal;
  std::uint64_t start_unix_ns = 0;
  std::uint64_t end_unix_ns = 0;
  StatusCode status = StatusCode::unset;
  std::vector<Attribute> attributes;
};

std::uint64_t now_unix_ns();

/// Finished spans waiting for the exporter. push() never waits for the exporter: the lock it
/// takes is held only to append or to swap the whole batch out, never during I/O. A full queue
/// drops the span and counts it.
class SpanQueue {
 public:
  explicit SpanQueue(std::size_t capacity) : capacity_(capacity) {}

  /// Calls `wake` (from push, outside the lock) each time the queue reaches `threshold` spans,
  /// so the exporter sends a full batch without waiting for its timer. Set before any push.
  void on_batch_ready(std::size_t threshold, std::function<void()> wake) {
    batch_threshold_ = threshold;
    wake_ = std::move(wake);
  }
  /// False (and counted as dropped) when the queue is full.
  bool push(SpanRecord record);
  /// Takes everything queued (oldest first).
  std::vector<SpanRecord> take_all();
  std::size_t size() const;
  std::size_t capacity() const { return capacity_; }
  /// Spans dropped because the queue was full, or counted by the exporter as dropped.
  std::uint64_t dropped() const { return dropped_.load(std::memory_order_relaxed); }
  void count_dropped(std::uint64_t n) { dropped_.fetch_add(n, std::memory_order_relaxed); }

 private:
  std::size_t capacity_;
  std::size_t batch_threshold_ = 0;
  std::function<void()> wake_;
  mutable std::mutex mutex_;
  std::vector<SpanRecord> spans_;
  std::atomic<std::uint64_t> dropped_{0};
};

/// Decides which traces are recorded and collects their spans. One per process, installed
/// with install() when an exporter is configured.
class Tracer {
 public:
  /// `ratio` of new traces recorded (0..1); a caller's sampled flag is always followed.
  Tracer(double ratio, std::size_t queue_capacity);

  /// The context of a new server span: a child of `parent` when given (following its sampled
  /// flag), else the root of a new trace sampled at the ratio.
  SpanContext start(std::optional<SpanContext> const& parent) const;
  void finish(SpanRecord record) { (void)queue_.push(std::move(record)); }
  SpanQueue& queue() { return queue_; }

 private:
  std::uint64_t threshold_;  ///< a new trace is sampled when its random id's low 8 bytes are below this
  bool sample_all_;
  SpanQueue queue_;
};

/// The process's tracer, or null when tracing is off (the default).
Tracer* tracer();
/// Installs (or with null, removes) the tracer; call before serving, outlive every request.
void install(Tracer* tracer);

/// The span that code on this thread runs under, if any. Set by Scope for the extent of a
/// synchronous call (a handler, a use case): it never spans a co_await, so a coroutine that
/// moves to another thread cannot inherit a stale one. Work handed to another thread (a write
/// job) must capture it at hand-over.
SpanContext const& current();

/// Makes `context` current on this thread until destroyed, restoring the previous one.
class Scope {
 public:
  explicit Scope(SpanContext const& context);
  ~Scope();
  Scope(Scope const&) = delete;
  Scope& operator=(Scope const&) = delete;

 private:
  SpanContext previous_;
};

/// An internal span, a child of `parent`, recorded when it ends (destruction or end()) if the
/// parent is sampled and a tracer is installed. Otherwise it holds nothing and costs a branch.
class Span {
 public:
  Span(SpanContext const& parent, std::string_view name, SpanKind kind = SpanKind::internal);
  /// A child of the current span.
  explicit Span(std::string_view name, SpanKind kind = SpanKind::internal) : Span(current(), name, kind) {}
  ~Span() { end(); }
  Span(Span&& other) noexcept;
  Span& operator=(Span&&) = delete;
  Span(Span const&) = delete;
  Span& operator=(Span const&) = delete;

  bool recording() const { return record_.has_value(); }
  /// This span's context (the parent of spans under it); invalid when not recording.
  SpanContext context() const;
  void set(std::string_view key, AttributeValue value);
  void set_status(StatusCode status);
  /// Sets the start time (a span that began before the object was made).
  void set_start(std::uint64_t unix_ns);
  void end();

 private:
  std::optional<SpanRecord> record_;
};

/// Database work: the span a store opens around one connection's use or one write.
inline Span database_span(std::string_view name, std::string_view system) {
  Span span(name, SpanKind::client);
  if (span.recording()) span.set("db.system", std::string(system));
  return span;
}

/// `done`, wrapped so that a database span (child of the current span) covers the time until
/// it runs: work finished on another thread, such as a write waiting for its group commit.
/// `done` itself when nothing is recorded.
template <class... Args>
std::function<void(Args...)> span_until_done(std::string_view name, std::string_view system,
                                             std::function<void(Args...)> done) {
  auto span = database_span(name, system);
  if (!span.recording()) return done;
  auto running = std::make_shared<Span>(std::move(span));
  return [running, done = std::move(done)](Args... args) {
    running->end();
    done(std::forward<Args>(args)...);
  };
}

}  // namespace admit::trace
