#include "mail/transport_factory.hpp"

#include <stdexcept>

#include "mail/file_mailbox.hpp"
#include "mail/smtp_transport.hpp"

namespace admit::mail {

std::unique_ptr<MailTransport> make_mail_transport(std::string const& smtp_url, std::string const& ca_file,
                                                   std::filesystem::path const& mailbox_dir) {
  if (smtp_url.empty()) {
    if (!ca_file.empty()) throw std::invalid_argument("ADMIT_SMTP_CA_FILE is set but ADMIT_SMTP_URL is not");
    return std::make_unique<FileMailbox>(mailbox_dir);
  }
  return std::make_unique<SmtpTransport>(SmtpSettings{.url = smtp_url, .ca_file = ca_file});
}

}  // namespace admit::mail
