#pragma once

/// Who the client is. Behind proxies the socket's peer is the last proxy; each proxy appends
/// the address it received the request from to X-Forwarded-For, after whatever the client
/// itself wrote there. So only the right end of the list is worth believing: walking from the
/// right, every address a trusted proxy wrote is passed over, and the first one that no
/// trusted proxy could have written is the client.

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace admit::http {

/// An IPv4 or IPv6 address. IPv4-mapped IPv6 addresses (::ffff:192.0.2.1, what a dual-stack
/// socket reports for an IPv4 peer) are the IPv4 address, so each host has one spelling.
class IpAddress {
 public:
  using Bytes = std::array<std::uint8_t, 16>;

  IpAddress() = default;
  static IpAddress v4(std::array<std::uint8_t, 4> const& bytes);
  static IpAddress v6(Bytes const& bytes);
  /// "192.0.2.1", "2001:db8::1", "[2001:db8::1]"; with `allow_port` also "192.0.2.1:8080" and
  /// "[2001:db8::1]:8080" (some proxies write the port). Surrounding blanks are ignored;
  /// nullopt for anything else (names, "unknown", zone indexes).
  static std::optional<IpAddress> parse(std::string_view text, bool allow_port = false);

  bool is_v4() const;
  /// As 16 bytes, an IPv4 address in its IPv4-mapped form.
  Bytes const& bytes() const { return bytes_; }
  /// Dotted quad, or RFC 5952's lower-case compressed form.
  std::string to_string() const;
  friend bool operator==(IpAddress const&, IpAddress const&) = default;

 private:
  Bytes bytes_{};
};

/// A set of addresses and CIDR ranges, e.g. "127.0.0.1", "10.0.0.0/8", "2001:db8::/32".
class AddressRanges {
 public:
  AddressRanges() = default;
  /// Throws std::invalid_argument naming the first entry that is neither an address nor a
  /// range (or a range with bits set after its prefix, a likely typo).
  explicit AddressRanges(std::vector<std::string> const& entries);

  bool contains(IpAddress const& address) const;
  bool empty() const { return ranges_.empty(); }

 private:
  struct Range {
    IpAddress::Bytes bytes;
    unsigned prefix;  ///< in bits of the 16-byte form (an IPv4 /8 is 104)
  };
  std::vector<Range> ranges_;
};

using HeaderLines = std::span<std::pair<std::string_view, std::string_view> const>;

/// The client's address for a request that came from `peer`. When the peer is not a trusted
/// proxy, the peer. Otherwise the elements of every X-Forwarded-For line, the lines in the
/// order received, are walked from the right: the first address not in `trusted` is the
/// client. When every address is trusted, the left-most; when an element is not an address,
/// the trusted hop that passed it on (what lies further left was not written by a proxy we
/// trust to write addresses). `Forwarded` (RFC 7239) is not read: a proxy that does not
/// write it would leave the client's own copy standing.
IpAddress client_address(AddressRanges const& trusted, IpAddress const& peer, bool peer_trusted, HeaderLines headers);

}  // namespace admit::http
