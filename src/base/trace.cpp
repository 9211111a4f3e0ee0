#include "base/trace.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <random>

namespace admit::trace {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;  // W3C trace context allows lower case only
}

template <std::size_t N>
bool parse_hex(std::string_view text, std::array<std::uint8_t, N>& out) {
  if (text.size() != 2 * N) return false;
  for (std::size_t i = 0; i < N; ++i) {
    int const high = hex_value(text[2 * i]);
    int const low = hex_value(text[(2 * i) + 1]);
    if (high < 0 || low < 0) return false;
    out[i] = static_cast<std::uint8_t>((high << 4) | low);
  }
  return true;
}

template <std::size_t N>
std::string to_hex(std::array<std::uint8_t, N> const& bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(2 * N, '0');
  for (std::size_t i = 0; i < N; ++i) {
    out[2 * i] = kDigits[bytes[i] >> 4];
    out[(2 * i) + 1] = kDigits[bytes[i] & 0xf];
  }
  return out;
}

template <std::size_t N>
bool all_zero(std::array<std::uint8_t, N> const& bytes) {
  return std::all_of(bytes.begin(), bytes.end(), [](std::uint8_t b) { return b == 0; });
}

std::mt19937_64& generator() {
  thread_local std::mt19937_64 engine{[] {
    std::random_device device;
    std::seed_seq seed{device(), device(), device(), device()};
    return std::mt19937_64(seed);
  }()};
  return engine;
}

template <std::size_t N>
void fill_random(std::array<std::uint8_t, N>& bytes) {
  do {
    for (std::size_t i = 0; i < N; i += 8) {
      std::uint64_t word = generator()();
      for (std::size_t j = i; j < std::min(N, i + 8); ++j) {
        bytes[j] = static_cast<std::uint8_t>(word);
        word >>= 8;
      }
    }
  } while (all_zero(bytes));
}

std::atomic<Tracer*> installed{nullptr};
thread_local SpanContext current_context{};

}  // namespace

bool SpanContext::valid() const {
  return !all_zero(trace_id) && !all_zero(span_id);
}

std::optional<SpanContext> parse_traceparent(std::string_view header) {
  // version "-" trace-id "-" parent-id "-" flags; a later version may append "-" fields.
  if (header.size() < 55 || header[2] != '-' || header[35] != '-' || header[52] != '-') return std::nullopt;
  std::array<std::uint8_t, 1> version{};
  std::array<std::uint8_t, 1> flags{};
  if (!parse_hex(header.substr(0, 2), version) || version[0] == 0xff) return std::nullopt;
  if (version[0] == 0 ? header.size() != 55 : header.size() > 55 && header[55] != '-') return std::nullopt;
  SpanContext context;
  if (!parse_hex(header.substr(3, 32), context.trace_id) || !parse_hex(header.substr(36, 16), context.span_id) ||
      !parse_hex(header.substr(53, 2), flags)) {
    return std::nullopt;
  }
  if (!context.valid()) return std::nullopt;
  context.sampled = (flags[0] & 0x01) != 0;
  return context;
}

std::string format_traceparent(SpanContext const& context) {
  return "00-" + to_hex(context.trace_id) + "-" + to_hex(context.span_id) + (context.sampled ? "-01" : "-00");
}

std::string hex(TraceId const& id) {
  return to_hex(id);
}
std::string hex(SpanId const& id) {
  return to_hex(id);
}

TraceId new_trace_id() {
  TraceId id;
  fill_random(id);
  return id;
}

SpanId new_span_id() {
  SpanId id;
  fill_random(id);
  return id;
}

std::uint64_t now_unix_ns() {
  return static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count());
}

bool SpanQueue::push(SpanRecord record) {
  bool pushed = false;
  bool batch_ready = false;
  {
    std::lock_guard lock(mutex_);
    if (spans_.size() < capacity_) {
      spans_.push_back(std::move(record));
      pushed = true;
      batch_ready = spans_.size() == batch_threshold_;
    }
  }
  if (!pushed) {
    dropped_.fetch_add(1, std::memory_order_relaxed);
    return false;
  }
  if (batch_ready && wake_) wake_();
  return true;
}

std::vector<SpanRecord> SpanQueue::take_all() {
  std::vector<SpanRecord> taken;
  taken.reserve(capacity_);  // the next pushes land in this buffer, allocated outside the lock
  std::lock_guard lock(mutex_);
  taken.swap(spans_);
  return taken;
}

std::size_t SpanQueue::size() const {
  std::lock_guard lock(mutex_);
  return spans_.size();
}

Tracer::Tracer(double ratio, std::size_t queue_capacity)
    : threshold_(0), sample_all_(ratio >= 1.0), queue_(queue_capacity) {
  if (ratio > 0 && ratio < 1) threshold_ = static_cast<std::uint64_t>(std::ldexp(ratio, 64));
}

SpanContext Tracer::start(std::optional<SpanContext> const& parent) const {
  SpanContext context;
  context.span_id = new_span_id();
  if (parent) {
    context.trace_id = parent->trace_id;
    context.sampled = parent->sampled;
    return context;
  }
  context.trace_id = new_trace_id();
  std::uint64_t low = 0;
  for (std::size_t i = 8; i < 16; ++i) low = (low << 8) | context.trace_id[i];
  context.sampled = sample_all_ || low < threshold_;
  return context;
}

Tracer* tracer() {
  return installed.load(std::memory_order_acquire);
}
void install(Tracer* tracer) {
  installed.store(tracer, std::memory_order_release);
}

SpanContext const& current() {
  return current_context;
}

Scope::Scope(SpanContext const& context) : previous_(current_context) {
  current_context = context;
}
Scope::~Scope() {
  current_context = previous_;
}

Span::Span(SpanContext const& parent, std::string_view name, SpanKind kind) {
  if (!parent.sampled || tracer() == nullptr || !parent.valid()) return;
  auto& r = record_.emplace();
  r.trace_id = parent.trace_id;
  r.parent_span_id = parent.span_id;
  r.span_id = new_span_id();
  r.name = name;
  r.kind = kind;
  r.start_unix_ns = now_unix_ns();
}

Span::Span(Span&& other) noexcept : record_(std::move(other.record_)) {
  other.record_.reset();
}

SpanContext Span::context() const {
  if (!record_) return {};
  return SpanContext{.trace_id = record_->trace_id, .span_id = record_->span_id, .sampled = true};
}

void Span::set(std::string_view key, AttributeValue value) {
  if (record_) record_->attributes.push_back(Attribute{std::string(key), std::move(value)});
}

void Span::set_status(StatusCode status) {
  if (record_) record_->status = status;
}

void Span::set_start(std::uint64_t unix_ns) {
  if (record_) record_->start_unix_ns = unix_ns;
}

void Span::end() {
  if (!record_) return;
  record_->end_unix_ns = now_unix_ns();
  if (auto* t = tracer()) t->finish(std::move(*record_));
  record_.reset();
}

}  // namespace admit::trace
