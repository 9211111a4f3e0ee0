#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <unordered_map>

#include "http/client_address.hpp"

namespace admit::http {

/// Which connections may stay open: at most `per_client` from one address as the socket's peer
/// sees it, and at most `total` in all, so that one client holding idle sockets cannot use up
/// the file descriptors everyone else needs. Taken under one mutex when a connection opens and
/// when it closes; requests never touch it.
class ConnectionLimits {
 public:
  enum class Verdict { admitted, per_client, total };

  /// 0 turns a limit off.
  ConnectionLimits(std::size_t total, std::size_t per_client) : total_(total), per_client_(per_client) {}

  /// Counts a connection from `peer` unless it would exceed a limit. An `exempt` peer (a
  /// trusted proxy, which carries many clients) is held only to the total.
  Verdict open(IpAddress const& peer, bool exempt);
  /// Forgets a connection that open() admitted.
  void close(IpAddress const& peer, bool exempt);

  std::size_t total_limit() const { return total_; }
  std::size_t per_client_limit() const { return per_client_; }

 private:
  struct BytesHash {
    std::size_t operator()(IpAddress::Bytes const& b) const;
  };

  std::size_t const total_;
  std::size_t const per_client_;
  std::mutex mutex_;
  std::size_t open_ = 0;
  std::unordered_map<IpAddress::Bytes, std::uint32_t, BytesHash> by_client_;
};

}  // namespace admit::http
