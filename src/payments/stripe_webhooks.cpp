#include "payments/stripe_webhooks.hpp"

#include <sodium.h>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <charconv>
#include <vector>

#include "base/encoding.hpp"

namespace admit::payments {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

}  // namespace

StripeWebhooks::StripeWebhooks(std::string secret, std::chrono::seconds tolerance)
    : secret_(std::move(secret)), tolerance_(tolerance) {}

std::string StripeWebhooks::mac_hex(std::string_view timestamp, std::string_view payload) const {
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, reinterpret_cast<unsigned char const*>(secret_.data()), secret_.size());
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<unsigned char const*>(timestamp.data()), timestamp.size());
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<unsigned char const*>("."), 1);
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<unsigned char const*>(payload.data()), payload.size());
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_final(&state, mac);
  return hex_encode(mac);
}

bool StripeWebhooks::verify(std::string_view payload, std::string_view header, Timestamp now) {
  if (secret_.empty() || header.size() > 4096) return false;
  std::string_view timestamp;
  std::vector<std::string_view> candidates;
  while (!header.empty()) {
    auto const comma = header.find(',');
    auto const item = trim(header.substr(0, comma));
    header = comma == std::string_view::npos ? std::string_view{} : header.substr(comma + 1);
    auto const eq = item.find('=');
    if (eq == std::string_view::npos) continue;
    auto const key = item.substr(0, eq);
    auto const value = item.substr(eq + 1);
    if (key == "t") timestamp = value;
    if (key == "v1") candidates.push_back(value);
  }
  long long t = 0;
  auto const [end, ec] = std::from_chars(timestamp.data(), timestamp.data() + timestamp.size(), t);
  if (timestamp.empty() || ec != std::errc{} || end != timestamp.data() + timestamp.size()) return false;
  auto const age = now.time_since_epoch().count() - t;
  if (age > tolerance_.count() || age < -tolerance_.count()) return false;
  auto const expected = mac_hex(timestamp, payload);
  bool matched = false;
  for (auto candidate : candidates) {
    // Every candidate is compared in full, in constant time.
    if (candidate.size() == expected.size() && sodium_memcmp(candidate.data(), expected.data(), expected.size()) == 0) {
      matched = true;
    }
  }
  return matched;
}

std::string StripeWebhooks::sign(std::string_view payload, Timestamp now) {
  auto const timestamp = std::to_string(now.time_since_epoch().count());
  return "t=" + timestamp + ",v1=" + mac_hex(timestamp, payload);
}

Result<PaymentEvent> StripeWebhooks::read_event(std::string_view payload) {
  namespace json = boost::json;
  boost::system::error_code ec;
  auto const value = json::parse(payload, ec);
  if (ec || !value.is_object()) return fail(Errc::malformed_input, "The webhook payload is not a JSON object.");
  auto const& root = value.as_object();
  auto text = [](json::value const* v) { return v && v->is_string() ? std::string(v->get_string()) : std::string(); };
  auto refund_state = [&text](json::object const& refund) {
    return RefundState{.id = text(refund.if_contains("id")),
                       .status = text(refund.if_contains("status")),
                       .failure_reason = text(refund.if_contains("failure_reason"))};
  };
  PaymentEvent event;
  event.id = text(root.if_contains("id"));
  event.type = text(root.if_contains("type"));
  if (auto const* data = root.if_contains("data"); data && data->is_object()) {
    if (auto const* found = data->as_object().if_contains("object"); found && found->is_object()) {
      auto const& object = found->as_object();
      auto const kind = text(object.if_contains("object"));
      if (kind == "refund") {
        // refund.updated, refund.failed: the Refund object itself.
        event.intent_id = text(object.if_contains("payment_intent"));
        event.refunds.push_back(refund_state(object));
      } else if (kind == "charge") {
        // charge.refunded: the Charge, whose `refunds` list carries its Refund objects.
        event.intent_id = text(object.if_contains("payment_intent"));
        if (auto const* list = object.if_contains("refunds"); list && list->is_object()) {
          if (auto const* items = list->as_object().if_contains("data"); items && items->is_array()) {
            event.refunds.reserve(items->as_array().size());
            for (auto const& item : items->as_array()) {
              if (item.is_object()) event.refunds.push_back(refund_state(item.as_object()));
            }
          }
        }
      } else {
        event.intent_id = text(object.if_contains("id"));
        if (auto const* error = object.if_contains("last_payment_error"); error && error->is_object()) {
          event.failure_message = text(error->as_object().if_contains("message"));
        }
      }
    }
  }
  if (event.id.empty() || event.type.empty()) return fail(Errc::invalid_input, "The event has no id or type.");
  return event;
}

}  // namespace admit::payments
