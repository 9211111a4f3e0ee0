#pragma once

#include <string>
#include <string_view>

#include "app/ports.hpp"

namespace admit::mail {

/// Builds every message with GMime 3 and serializes it with CRLF line ends: From, To, Subject
/// (RFC 2047 encoded words where needed), Date, Message-ID, MIME-Version, Auto-Submitted:
/// auto-generated (RFC 3834: no vacation replies); a multipart/alternative
/// of text/plain and text/html (UTF-8, quoted-printable or base64 as GMime judges best), inside a
/// multipart/mixed with base64 attachments when there are any. Control characters in display
/// names and the subject (a CR/LF header injection) become spaces. Thread-safe: each call builds
/// its own objects.
class GmimeComposer final : public MailComposer {
 public:
  GmimeComposer();
  /// Throws std::invalid_argument when an address is not a bare addr-spec (the use cases pass
  /// only validated ones, so that is a bug) or the Message-ID is empty.
  std::string compose(MailContent const& content) override;
};

/// Reads one mailbox as an operator writes it in ADMIT_MAIL_FROM: "Admit <tickets@example.com>"
/// or "tickets@example.com". Throws std::invalid_argument for anything else (no address, several,
/// a group, control characters).
MailAddress parse_mail_address(std::string_view text);

/// Whether `address` can stand between angle brackets in a header or an SMTP command: an '@'
/// with something on each side, no whitespace, control characters or angle brackets.
bool is_plain_addr_spec(std::string_view address);

}  // namespace admit::mail
