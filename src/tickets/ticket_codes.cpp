#include "tickets/ticket_codes.hpp"

#include <sodium.h>
#include <mutex>
#include <stdexcept>

#include "base/encoding.hpp"
#include "tickets/pdf.hpp"

namespace admit::tickets {
namespace {

constexpr unsigned char kVersion = 0x01;
constexpr char kPrefix = 'A';

void append_id(std::string& out, std::string_view id) {
  auto const raw = base64url_decode(id);
  if (!raw || raw->size() != 16) throw std::invalid_argument("ticket codes carry 128-bit ids only");
  out += *raw;
}

/// The raw bytes of a well-formed code: version, key id, three ids and the signature.
std::expected<std::string, std::string> code_bytes(std::string_view code) {
  if (code.size() < 2 || code.front() != kPrefix || code.size() > 400)
    return std::unexpected("not an Admit ticket code");
  auto bytes = base32_decode(code.substr(1));
  if (!bytes || bytes->size() != Ed25519TicketCodes::kCodeBytes) return std::unexpected("malformed ticket code");
  if (static_cast<unsigned char>((*bytes)[0]) != kVersion) return std::unexpected("unknown ticket code version");
  return std::move(*bytes);
}

TicketClaims claims_of(std::string const& bytes) {
  auto const* data = reinterpret_cast<unsigned char const*>(bytes.data());
  return TicketClaims{
      .ticket_id = base64url_encode({data + 5, 16}),
      .event_id = base64url_encode({data + 21, 16}),
      .user_id = base64url_encode({data + 37, 16}),
      .key_id = (std::uint32_t{data[1]} << 24) | (std::uint32_t{data[2]} << 16) | (std::uint32_t{data[3]} << 8) |
                std::uint32_t{data[4]},
  };
}

}  // namespace

Ed25519TicketCodes::Ed25519TicketCodes(KeyStore& keys, Clock const& clock) : store_(keys), clock_(clock) {}

EventKey Ed25519TicketCodes::new_key() const {
  EventKey key;
  unsigned char pk[crypto_sign_PUBLICKEYBYTES];
  unsigned char sk[crypto_sign_SECRETKEYBYTES];
  crypto_sign_keypair(pk, sk);
  key.key_id = randombytes_random();
  key.public_key.assign(reinterpret_cast<char const*>(pk), sizeof pk);
  key.secret_key.assign(reinterpret_cast<char const*>(sk), sizeof sk);
  sodium_memzero(sk, sizeof sk);
  key.created_at = clock_.now();
  key.active = true;
  return key;
}

std::vector<EventKey> Ed25519TicketCodes::keys_for(std::string_view event_id, bool create, bool reload) {
  std::string const id(event_id);
  if (!reload) {
    std::shared_lock lock(mutex_);
    if (auto it = cache_.find(id); it != cache_.end()) return it->second;
  }
  auto keys = store_.event_keys(event_id);
  // The first key is made on first use, by the system; when two nodes race, the store keeps one.
  if (keys.empty() && create) keys = store_.add_event_key(event_id, new_key(), false, Actor{});
  if (keys.empty()) return keys;  // checking a code for an event without keys: nothing to cache
  std::unique_lock lock(mutex_);
  cache_[id] = keys;
  return keys;
}

std::string Ed25519TicketCodes::issue(TicketClaims const& claims) {
  auto const keys = keys_for(claims.event_id, true, false);
  auto const& key = keys.front();
  std::string message;
  message.reserve(kCodeBytes);
  message.push_back(static_cast<char>(kVersion));
  for (int shift = 24; shift >= 0; shift -= 8) message.push_back(static_cast<char>((key.key_id >> shift) & 0xFF));
  append_id(message, claims.ticket_id);
  append_id(message, claims.event_id);
  append_id(message, claims.user_id);
  unsigned char signature[crypto_sign_BYTES];
  crypto_sign_detached(signature, nullptr, reinterpret_cast<unsigned char const*>(message.data()), message.size(),
                       reinterpret_cast<unsigned char const*>(key.secret_key.data()));
  message.append(reinterpret_cast<char const*>(signature), sizeof signature);
  return kPrefix + base32_encode(message);
}

std::expected<TicketClaims, std::string> Ed25519TicketCodes::decode(std::string_view code) {
  auto const bytes = code_bytes(code);
  if (!bytes) return std::unexpected(bytes.error());
  return claims_of(*bytes);
}

std::expected<TicketClaims, std::string> Ed25519TicketCodes::check(std::string_view code) {
  auto const bytes = code_bytes(code);
  if (!bytes) return std::unexpected(bytes.error());
  auto const* data = reinterpret_cast<unsigned char const*>(bytes->data());
  TicketClaims claims = claims_of(*bytes);
  auto const key_id = claims.key_id;
  auto find_key = [&](std::vector<EventKey> const& keys) -> EventKey const* {
    for (auto const& k : keys) {
      if (k.key_id == key_id) return &k;
    }
    return nullptr;
  };
  auto keys = keys_for(claims.event_id, false, false);
  auto const* key = find_key(keys);
  if (!key && !keys.empty()) {
    keys = keys_for(claims.event_id, false, true);  // rotated on another node since we cached
    key = find_key(keys);
  }
  if (!key) return std::unexpected("unknown signing key");
  if (crypto_sign_verify_detached(data + kPayloadBytes, data, kPayloadBytes,
                                  reinterpret_cast<unsigned char const*>(key->public_key.data())) != 0) {
    return std::unexpected("bad signature");
  }
  return claims;
}

std::vector<PublicScanKey> Ed25519TicketCodes::public_keys(std::string_view event_id) {
  std::vector<PublicScanKey> out;
  for (auto const& k : keys_for(event_id, true, false)) out.push_back({k.key_id, k.public_key, k.created_at, k.active});
  return out;
}

PublicScanKey Ed25519TicketCodes::rotate(std::string_view event_id, Actor const& actor) {
  auto const key = new_key();
  auto keys = store_.add_event_key(event_id, key, true, actor);
  std::unique_lock lock(mutex_);
  cache_[std::string(event_id)] = std::move(keys);
  return {key.key_id, key.public_key, key.created_at, true};
}

HmacDownloadLinks::HmacDownloadLinks(KeyStore& keys) {
  std::string fresh(crypto_auth_hmacsha256_KEYBYTES, '\0');
  randombytes_buf(fresh.data(), fresh.size());
  secret_ = keys.instance_secret("download-links", fresh);
}

std::string HmacDownloadLinks::mac(std::string_view ticket_id, Timestamp expires) const {
  auto const message = std::string(ticket_id) + "|" + std::to_string(expires.time_since_epoch().count());
  unsigned char out[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, reinterpret_cast<unsigned char const*>(secret_.data()), secret_.size());
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<unsigned char const*>(message.data()), message.size());
  crypto_auth_hmacsha256_final(&state, out);
  return std::string(reinterpret_cast<char const*>(out), sizeof out);
}

std::string HmacDownloadLinks::signature(std::string_view ticket_id, Timestamp expires) {
  return base64url_encode(mac(ticket_id, expires));
}

bool HmacDownloadLinks::verify(std::string_view ticket_id, Timestamp expires, std::string_view signature) {
  auto const given = base64url_decode(signature);
  if (!given || given->size() != crypto_auth_hmacsha256_BYTES) return false;
  auto const expected = mac(ticket_id, expires);
  return sodium_memcmp(given->data(), expected.data(), expected.size()) == 0;
}

std::string PdfPrinter::render_pdf(PrintedTicket const& ticket) {
  return render_ticket_pdf(ticket);
}

}  // namespace admit::tickets
