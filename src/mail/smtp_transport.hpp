#pragma once

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
};

/// Delivers over SMTP with libcurl, one connection per message. The server's certificate and
/// host name are always verified; a password never crosses without TLS. Outcomes: the final
/// 2xx → delivered; a 5xx reply → permanent_failure; a 4xx reply, a refused or timed-out
/// connection, a TLS failure → transient_failure. The report's reply is the server's last reply
/// line, or curl's error when the server's reply is not the reason. Thread-safe: every call uses
/// its own handle.
class SmtpTransport final : public MailTransport {
 public:
  /// Throws std::invalid_argument for a URL that is not smtp:// or smtps:// with a host, and
  /// for a CA file that cannot be read or holds no certificate.
  explicit SmtpTransport(SmtpSettings settings);
  ~SmtpTransport() override;
  SmtpTransport(SmtpTransport const&) = delete;
  SmtpTransport& operator=(SmtpTransport const&) = delete;

  DeliveryReport deliver(MailAddress const& from, MailAddress const& to, std::string_view message_id,
                         std::string const& message) override;
  /// "smtp://host:port" or "smtps://host:port", never the credentials.
  std::string describe() const override;

  struct ExtraRoots;  ///< the CA file's certificates, parsed once

 private:
  std::string url_;  ///< without credentials
  std::string described_;
  std::string username_;
  std::string password_;
  bool implicit_tls_ = false;
  std::chrono::milliseconds connect_timeout_;
  std::chrono::milliseconds transfer_timeout_;
  std::unique_ptr<ExtraRoots> extra_roots_;
};

}  // namespace admit::mail
