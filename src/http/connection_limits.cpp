#include "http/connection_limits.hpp"

#include <cstring>

namespace admit::http {

std::size_t ConnectionLimits::BytesHash::operator()(IpAddress::Bytes const& b) const {
  std::uint64_t high;
  std::uint64_t low;
  std::memcpy(&high, b.data(), 8);
  std::memcpy(&low, b.data() + 8, 8);
  return std::hash<std::uint64_t>{}(low ^ (high * 0x9e3779b97f4a7c15ull));
}

ConnectionLimits::Verdict ConnectionLimits::open(IpAddress const& peer, bool exempt) {
  std::lock_guard lock(mutex_);
  if (total_ != 0 && open_ >= total_) return Verdict::total;
  if (per_client_ != 0 && !exempt) {
    auto& count = by_client_[peer.bytes()];
    if (count >= per_client_) return Verdict::per_client;
    ++count;
  }
  ++open_;
  return Verdict::admitted;
}

void ConnectionLimits::close(IpAddress const& peer, bool exempt) {
  std::lock_guard lock(mutex_);
  --open_;
  if (per_client_ != 0 && !exempt) {
    auto it = by_client_.find(peer.bytes());
    if (it != by_client_.end() && --it->second == 0) by_client_.erase(it);
  }
}

}  // namespace admit::http
