#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "app/ports.hpp"

namespace admit::mail {

struct SmtpSettings {
  /// smtp://[user:password@]host[:port][/ehlo-domain] (STARTTLS when the server offers it,
  /// required when the URL carries credentials) or smtps://… (TLS from the first byte).
  /// The user and password are percent-decoded.
  std::string url;
  /// A PEM file of root certificates trusted besides the system's; empty: the system's only.
  std::string ca_file;
  std::chrono::milliseconds connect_timeout{10'000};
  /// The whole exchange, connection to the final reply; a message with a few PDFs is well
  /// under a megabyte.
  std::chrono::milliseconds transfer_timeout{120'000};
  /// Servers close idle sessions after a few minutes (RFC 5321 asks for at least five); one
  /// idle for longer than this is not reused.
  std::chrono::seconds max_idle{30};
  std::chrono::seconds max_lifetime{300};
};

/// Delivers over SMTP with libcurl. The server's certificate and host name are always verified;
/// a password never crosses without TLS. Outcomes: the final 2xx → delivered; a 5xx reply →
/// permanent_failure; a 4xx reply, a refused or timed-out connection, a TLS failure →
/// transient_failure. The report's reply is the server's last reply line, or curl's error when
/// the server's reply is not the reason.
///
/// Thread-safe: each call takes a curl handle of its own from a pool and puts it back after,
/// so a connection (greeting, STARTTLS, AUTH done) carries the next message too. Opening one
/// costs round trips and, above all, loading the system's CA bundle (about 25 ms of CPU), which
/// a sale's burst of confirmations would otherwise pay per message. A connection idle for more
/// than `max_idle` or older than `max_lifetime` is not reused; one the server dropped or closes
/// (421) before any of the message was sent is replaced within the same call.
class SmtpTransport final : public MailTransport {
 public:
  /// Throws std::invalid_argument for a URL that is not smtp:// or smtps:// with a host, and
  /// for a CA file that cannot be read or holds no certificate.
  explicit SmtpTransport(SmtpSettings const& settings);
  ~SmtpTransport() override;
  SmtpTransport(SmtpTransport const&) = delete;
  SmtpTransport& operator=(SmtpTransport const&) = delete;

  DeliveryReport deliver(MailAddress const& from, MailAddress const& to, std::string_view message_id,
                         std::string const& message) override;
  /// "smtp://host:port" or "smtps://host:port", never the credentials.
  std::string describe() const override;
  void cancel() override;

  struct ExtraRoots;  ///< the CA file's certificates, parsed once
  struct HandlePool;  ///< idle curl handles, each keeping its connection

 private:
  std::string url_;  ///< without credentials
  std::string described_;
  std::string username_;
  std::string password_;
  bool implicit_tls_ = false;
  std::chrono::milliseconds connect_timeout_;
  std::chrono::milliseconds transfer_timeout_;
  std::chrono::seconds max_idle_;
  std::chrono::seconds max_lifetime_;
  std::unique_ptr<ExtraRoots> extra_roots_;
  std::unique_ptr<HandlePool> handles_;
  std::atomic<bool> cancelled_{false};
};

}  // namespace admit::mail
