#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include "cli.hpp"

namespace admit {

/// `admit mail-test --to ADDRESS`: sends one sample message through the configured transport,
/// so that an operator can check the mail settings before real messages depend on them.
struct MailTestCommand {
  std::string to;  ///< the recipient, normalized
};

/// Reads the arguments after `admit mail-test`. Throws std::invalid_argument with the usage or
/// what is wrong.
MailTestCommand parse_mail_test_command(std::vector<std::string> const& args);

/// Composes the sample (a Japanese subject, text and HTML, an .ics attachment), delivers it
/// through ADMIT_SMTP_URL (or into DATA_DIR/mail/ when it is unset) as ADMIT_MAIL_FROM, and
/// prints the outcome and the server's reply. Returns 0 when delivered, 1 after a transient
/// failure, 2 after a permanent one. Throws std::invalid_argument for bad mail settings.
int run_mail_test(MailTestCommand const& command, Config const& config, std::ostream& out);

}  // namespace admit
