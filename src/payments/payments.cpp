#include "payments/payments.hpp"

#include <sodium.h>
#include <charconv>

#include "base/encoding.hpp"

namespace admit::payments {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

}  // namespace

StripeSignatures::StripeSignatures(std::string secret, std::chrono::seconds tolerance)
    : secret_(std::move(secret)), tolerance_(tolerance) {}

std::string StripeSignatures::mac_hex(std::string_view timestamp, std::string_view payload) const {
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, reinterpret_cast<unsigned char const*>(secret_.data()), secret_.size());
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<unsigned char const*>(timestamp.data()), timestamp.size());
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<unsigned char const*>("."), 1);
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<unsigned char const*>(payload.data()), payload.size());
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_final(&state, mac);
  return hex_encode(mac);
}

bool StripeSignatures::verify(std::string_view payload, std::string_view header, Timestamp now) {
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

std::string StripeSignatures::sign(std::string_view payload, Timestamp now) {
  auto const timestamp = std::to_string(now.time_since_epoch().count());
  return "t=" + timestamp + ",v1=" + mac_hex(timestamp, payload);
}

PaymentIntent SandboxProvider::create_intent(std::string const&, std::int64_t amount_minor, std::string const& currency,
                                             std::string const&) {
  auto id = "pi_sandbox_" + entropy_.new_id();
  auto secret = id + "_secret_" + entropy_.new_secret().substr(0, 24);
  return {std::move(id), std::move(secret), amount_minor, currency, "requires_payment_method"};
}

PaymentIntent SandboxProvider::retrieve_intent(std::string const& intent_id) {
  // The sandbox's only truth is the webhook it delivered; nothing is outstanding elsewhere.
  return {intent_id, {}, 0, {}, "requires_payment_method"};
}

RefundOutcome SandboxProvider::refund(std::string const& intent_id, std::string const&) {
  return {"re_sandbox_" + intent_id.substr(intent_id.size() > 11 ? 11 : 0), true};
}

}  // namespace admit::payments
