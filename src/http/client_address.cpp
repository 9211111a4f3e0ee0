#include "http/client_address.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <stdexcept>

namespace admit::http {
namespace {

constexpr std::array<std::uint8_t, 12> kMappedPrefix{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool is_port(std::string_view s) {
  return !s.empty() && s.size() <= 5 && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

/// inet_pton wants a terminated string; the longest address text is 45 characters.
template <int Family>
bool parse_family(std::string_view text, void* out) {
  char buffer[48];
  if (text.empty() || text.size() >= sizeof buffer) return false;
  // inet_pton would stop at a NUL; nothing but these characters spells an address.
  auto const allowed = [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == ':' || c == '.';
  };
  if (!std::all_of(text.begin(), text.end(), allowed)) return false;
  std::memcpy(buffer, text.data(), text.size());
  buffer[text.size()] = '\0';
  return inet_pton(Family, buffer, out) == 1;
}

bool iequals_ascii(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return (x | 0x20) == (y | 0x20); });
}

}  // namespace

IpAddress IpAddress::v4(std::array<std::uint8_t, 4> const& bytes) {
  IpAddress a;
  std::copy(kMappedPrefix.begin(), kMappedPrefix.end(), a.bytes_.begin());
  std::copy(bytes.begin(), bytes.end(), a.bytes_.begin() + 12);
  return a;
}

IpAddress IpAddress::v6(Bytes const& bytes) {
  IpAddress a;
  a.bytes_ = bytes;
  return a;
}

bool IpAddress::is_v4() const {
  return std::equal(kMappedPrefix.begin(), kMappedPrefix.end(), bytes_.begin());
}

std::optional<IpAddress> IpAddress::parse(std::string_view text, bool allow_port) {
  text = trim(text);
  if (!text.empty() && text.front() == '[') {
    auto const close = text.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    auto const rest = text.substr(close + 1);
    if (!rest.empty() && !(allow_port && rest.front() == ':' && is_port(rest.substr(1)))) return std::nullopt;
    text = text.substr(1, close - 1);
    if (text.find(':') == std::string_view::npos) return std::nullopt;  // brackets hold IPv6 only
  } else if (auto const colon = text.find(':');
             colon != std::string_view::npos && text.find(':', colon + 1) == std::string_view::npos) {
    // One colon: an IPv4 address with a port.
    if (!allow_port || !is_port(text.substr(colon + 1))) return std::nullopt;
    text = text.substr(0, colon);
  }
  std::array<std::uint8_t, 4> v4_bytes;
  if (parse_family<AF_INET>(text, v4_bytes.data())) return v4(v4_bytes);
  Bytes v6_bytes;
  if (parse_family<AF_INET6>(text, v6_bytes.data())) return v6(v6_bytes);
  return std::nullopt;
}

std::string IpAddress::to_string() const {
  char buffer[INET6_ADDRSTRLEN];
  if (is_v4()) {
    inet_ntop(AF_INET, bytes_.data() + 12, buffer, sizeof buffer);
  } else {
    inet_ntop(AF_INET6, bytes_.data(), buffer, sizeof buffer);
  }
  return buffer;
}

AddressRanges::AddressRanges(std::vector<std::string> const& entries) {
  for (auto const& entry : entries) {
    auto const invalid = [&](std::string_view why) {
      return std::invalid_argument("ADMIT_TRUSTED_PROXIES: '" + entry + "' " + std::string(why));
    };
    std::string_view text = trim(entry);
    auto const slash = text.find('/');
    auto const address = IpAddress::parse(text.substr(0, slash));
    if (!address) throw invalid("is neither an IP address nor a CIDR range such as 10.0.0.0/8");
    unsigned const width = address->is_v4() ? 32 : 128;
    unsigned bits = width;
    if (slash != std::string_view::npos) {
      auto const digits = text.substr(slash + 1);
      auto const [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), bits);
      if (digits.empty() || error != std::errc{} || end != digits.data() + digits.size() || bits > width) {
        throw invalid("has a prefix length that is not 0 to " + std::to_string(width));
      }
    }
    unsigned const prefix = bits + (128 - width);
    auto const& bytes = address->bytes();
    for (unsigned bit = prefix; bit < 128; ++bit) {
      if (bytes[bit / 8] & (0x80u >> (bit % 8))) {
        throw invalid("has bits set after its prefix length (did you mean the network's first address?)");
      }
    }
    ranges_.push_back({bytes, prefix});
  }
}

bool AddressRanges::contains(IpAddress const& address) const {
  auto const& bytes = address.bytes();
  return std::any_of(ranges_.begin(), ranges_.end(), [&](Range const& range) {
    unsigned const whole = range.prefix / 8;
    if (!std::equal(range.bytes.begin(), range.bytes.begin() + whole, bytes.begin())) return false;
    unsigned const rest = range.prefix % 8;
    if (rest == 0) return true;
    auto const mask = static_cast<std::uint8_t>(0xff00u >> rest);
    return (range.bytes[whole] & mask) == (bytes[whole] & mask);
  });
}

IpAddress client_address(AddressRanges const& trusted, IpAddress const& peer, bool peer_trusted, HeaderLines headers) {
  if (!peer_trusted) return peer;
  IpAddress client = peer;
  for (auto line = headers.rbegin(); line != headers.rend(); ++line) {
    if (!iequals_ascii(line->first, "X-Forwarded-For")) continue;
    std::string_view rest = line->second;
    for (;;) {
      auto const comma = rest.rfind(',');
      auto const element = trim(comma == std::string_view::npos ? rest : rest.substr(comma + 1));
      if (!element.empty()) {
        auto const address = IpAddress::parse(element, true);
        if (!address) return client;
        client = *address;
        if (!trusted.contains(client)) return client;
      }
      if (comma == std::string_view::npos) break;
      rest = rest.substr(0, comma);
    }
  }
  return client;
}

}  // namespace admit::http
