#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "api/router.hpp"
#include "http/metrics.hpp"

namespace admit::http {

struct ServerConfig {
  std::string host = "127.0.0.1";
  unsigned short port = 8080;   ///< 0 picks a free port
  unsigned io_threads = 0;      ///< 0: one per core
  unsigned worker_threads = 0;  ///< 0: two per core, at least 4
  std::size_t body_limit = std::size_t{1024} * 1024;
  std::size_t header_limit = std::size_t{16} * 1024;
  std::chrono::seconds header_timeout{10};  ///< for a new connection's TLS handshake and first request header
  std::chrono::seconds read_timeout{30};    ///< to receive a request's body, and to send a response
  std::chrono::seconds idle_timeout{75};    ///< between requests on a kept-alive connection
  std::chrono::seconds shutdown_grace{30};
  std::vector<std::string> cors_origins;         ///< exact origins, or "*" for any (never with credentials)
  double auth_per_minute = 300;                  ///< 0 turns it off
  double general_per_second = 1000;              ///< 0 turns it off
  std::vector<std::string> trusted_proxies;      ///< addresses and CIDR ranges; invalid ones throw at start
  std::size_t max_connections = 0;               ///< in all; 0: the descriptor limit less reserved_descriptors
  std::size_t reserved_descriptors = 128;        ///< kept for the database, log and key files, the event loop
  std::size_t max_connections_per_client = 512;  ///< from one peer address; 0: none; trusted proxies exempt
  std::string metrics_host;  ///< set: /metrics is served on metrics_host:metrics_port (plain HTTP) only
  unsigned short metrics_port = 0;
  std::string tls_cert_file;  ///< both set: serve HTTPS
  std::string tls_key_file;
  std::string web_dir;  ///< the built web app to serve at "/"; empty or missing: none
};

/// The HTTP/1.1 server: accepts connections, enforces limits, timeouts, CORS and rate
/// limits, and hands each complete request to the router. Slow routes run on a worker
/// pool so the I/O threads keep serving.
class Server {
 public:
  Server(ServerConfig const& config, Metrics& metrics);
  ~Server();
  Server(Server const&) = delete;
  Server& operator=(Server const&) = delete;

  /// Binds the listening socket; returns the URL it listens on (with the real port when
  /// the configured port was 0). Throws when the address is taken.
  std::string bind();
  /// The URL /metrics is served on when ADMIT_METRICS_LISTEN is set (after bind()), else empty.
  std::string metrics_url() const;
  /// The limit on open connections in force.
  std::size_t max_connections() const;
  /// Serves with `router` until SIGINT or SIGTERM, then stops accepting, lets in-flight
  /// requests finish (up to the grace period) and returns. `on_ready` runs once accepting.
  void run(api::Router const& router, std::function<void()> const& on_ready);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace admit::http
