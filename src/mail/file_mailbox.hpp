#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "app/ports.hpp"

namespace admit::mail {

/// The mail transport when no SMTP server is configured: each message becomes one RFC 5322
/// file, `<directory>/<Message-ID>.eml`, which any mail program opens. The name derives from
/// the Message-ID only, so a retry of a message replaces its file instead of adding a second.
/// A message is written to a temporary file, synced and renamed: a crash leaves either the
/// whole message under its .eml name or none. The directory is created when missing. Disk
/// errors are transient failures naming the error. Thread-safe.
class FileMailbox final : public MailTransport {
 public:
  explicit FileMailbox(std::filesystem::path directory);

  DeliveryReport deliver(MailAddress const& from, MailAddress const& to, std::string_view message_id,
                         std::string const& message) override;
  std::string describe() const override;
  /// Deletes the message's file, if there is one.
  void erase_copy(std::string_view message_id) override;

  /// The file a message with this Message-ID is written to.
  std::filesystem::path path_for(std::string_view message_id) const;

 private:
  std::filesystem::path directory_;
};

/// A file name for a Message-ID: letters, digits and . _ - + @ = are kept, every other byte
/// becomes '_' (a '/' can never leave the directory), and when anything was replaced or cut to
/// length a hash of the whole id is added, so different ids never share a file.
std::string mailbox_file_name(std::string_view message_id);

}  // namespace admit::mail
