#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "app/ports.hpp"

namespace admit::mail {

/// The configured transport: SMTP when `smtp_url` is set (smtp:// or smtps://, with
/// `ca_file`'s roots trusted besides the system's), else the file mailbox in `mailbox_dir`.
/// Throws std::invalid_argument for a malformed or unsupported URL or an unreadable CA file,
/// so that a mistake in the settings stops the program at start.
std::unique_ptr<MailTransport> make_mail_transport(std::string const& smtp_url, std::string const& ca_file,
                                                   std::filesystem::path const& mailbox_dir);

}  // namespace admit::mail
