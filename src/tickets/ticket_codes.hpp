#pragma once

#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "app/ports.hpp"

namespace admit::tickets {

/// Ticket codes signed with one Ed25519 key per event (libsodium), compact enough for a
/// low QR version. The text is "A" + base32 of 117 bytes:
///   version (0x01) | key id (4 bytes, big-endian) | ticket id | event id | user id (16 bytes
///   each, the raw bytes behind Admit's 22-character ids) | Ed25519 signature of the first 53.
/// It carries ids only, nothing personal. Keys live in the store, so every node signs and
/// verifies with the same keys; they are cached here.
class Ed25519TicketCodes final : public TicketCodes {
 public:
  Ed25519TicketCodes(KeyStore& keys, Clock const& clock);

  std::string issue(TicketClaims const& claims) override;
  std::expected<TicketClaims, std::string> check(std::string_view code) override;
  std::expected<TicketClaims, std::string> decode(std::string_view code) override;
  std::vector<PublicScanKey> public_keys(std::string_view event_id) override;
  PublicScanKey rotate(std::string_view event_id, Actor const& actor) override;

  static constexpr std::size_t kPayloadBytes = 1 + 4 + 16 * 3;
  static constexpr std::size_t kCodeBytes = kPayloadBytes + 64;

 private:
  /// The event's keys, cached; `create` makes the first one when there is none, `reload`
  /// bypasses the cache (a key rotated on another node).
  std::vector<EventKey> keys_for(std::string_view event_id, bool create, bool reload);
  EventKey new_key() const;

  KeyStore& store_;
  Clock const& clock_;
  std::shared_mutex mutex_;
  std::unordered_map<std::string, std::vector<EventKey>> cache_;
};

/// HMAC-SHA256 signatures for download links, keyed by a random secret all nodes share.
class HmacDownloadLinks final : public DownloadLinks {
 public:
  explicit HmacDownloadLinks(KeyStore& keys);
  std::string signature(std::string_view ticket_id, Timestamp expires) override;
  bool verify(std::string_view ticket_id, Timestamp expires, std::string_view signature) override;

 private:
  std::string mac(std::string_view ticket_id, Timestamp expires) const;
  std::string secret_;
};

/// The PDF renderer behind the TicketPrinter port.
class PdfPrinter final : public TicketPrinter {
 public:
  std::string render_pdf(PrintedTicket const& ticket) override;
};

}  // namespace admit::tickets
