#include "mail/file_mailbox.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <system_error>
#include <utility>

namespace admit::mail {
namespace {

constexpr std::size_t kMaxStem = 150;  // file systems allow 255 bytes; room for the hash and suffixes

bool kept_in_name(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
         c == '-' || c == '+' || c == '@' || c == '=';
}

/// FNV-1a, 64 bits: stable across builds and machines, unlike std::hash.
std::uint64_t fnv1a(std::string_view text) {
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  for (char const c : text) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

std::string errno_text(std::string const& what, std::filesystem::path const& path) {
  return what + " " + path.string() + ": " + std::generic_category().message(errno);
}

/// Closes a descriptor on every path out.
class Descriptor {
 public:
  explicit Descriptor(int fd) : fd_(fd) {}
  ~Descriptor() {
    if (fd_ >= 0) (void)::close(fd_);
  }
  Descriptor(Descriptor const&) = delete;
  Descriptor& operator=(Descriptor const&) = delete;
  int get() const { return fd_; }
  /// Closes now, reporting the error a deferred write may surface only here.
  int close() { return ::close(std::exchange(fd_, -1)); }

 private:
  int fd_;
};

}  // namespace

std::string mailbox_file_name(std::string_view message_id) {
  std::string stem;
  stem.reserve(message_id.size());
  bool changed = false;
  for (char const c : message_id) {
    bool const kept = kept_in_name(c);
    stem += kept ? c : '_';
    changed = changed || !kept;
  }
  // A name of dots alone ("." or "..") or one starting with a dot (hidden, and the prefix of
  // this mailbox's temporary files) is not left as it is.
  if (stem.empty() || stem.front() == '.') {
    stem.insert(0, "m");
    changed = true;
  }
  if (stem.size() > kMaxStem) {
    stem.resize(kMaxStem);
    changed = true;
  }
  if (changed) {
    char hash[20];
    (void)std::snprintf(hash, sizeof hash, "-%016llx", static_cast<unsigned long long>(fnv1a(message_id)));
    stem += hash;
  }
  return stem + ".eml";
}

FileMailbox::FileMailbox(std::filesystem::path directory) : directory_(std::move(directory)) {}

std::string FileMailbox::describe() const {
  std::error_code ignored;
  auto const absolute = std::filesystem::absolute(directory_, ignored);
  return (absolute.empty() ? directory_ : absolute).string();
}

std::filesystem::path FileMailbox::path_for(std::string_view message_id) const {
  return directory_ / mailbox_file_name(message_id);
}

void FileMailbox::erase_copy(std::string_view message_id) {
  std::error_code ignored;  // no file is as good as a deleted one
  std::filesystem::remove(path_for(message_id), ignored);
}

DeliveryReport FileMailbox::deliver(MailAddress const& /*from*/, MailAddress const& /*to*/, std::string_view message_id,
                                    std::string const& message) {
  auto const failure = [](std::string reply) {
    return DeliveryReport{.status = DeliveryStatus::transient_failure, .reply = std::move(reply)};
  };
  std::error_code ec;
  std::filesystem::create_directories(directory_, ec);
  if (ec) return failure("cannot create the mailbox " + directory_.string() + ": " + ec.message());

  auto const target = path_for(message_id);
  // Starts with a dot and ends in .tmp: never taken for a message, whatever a crash leaves.
  std::string temporary = (directory_ / ".incoming-XXXXXX.tmp").string();
  Descriptor fd(::mkstemps(temporary.data(), 4));
  if (fd.get() < 0) return failure(errno_text("cannot create a file in", directory_));
  auto const discard = [&temporary] { (void)::unlink(temporary.c_str()); };

  std::string_view rest = message;
  while (!rest.empty()) {
    auto const written = ::write(fd.get(), rest.data(), rest.size());
    if (written < 0) {
      if (errno == EINTR) continue;
      auto report = failure(errno_text("cannot write", temporary));
      discard();
      return report;
    }
    rest.remove_prefix(static_cast<std::size_t>(written));
  }
  if (::fsync(fd.get()) != 0 || fd.close() != 0) {
    auto report = failure(errno_text("cannot sync", temporary));
    discard();
    return report;
  }
  if (::rename(temporary.c_str(), target.c_str()) != 0) {
    auto report = failure(errno_text("cannot rename a message to", target));
    discard();
    return report;
  }
  // The rename itself is durable only once the directory is synced.
  Descriptor directory(::open(directory_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (directory.get() < 0 || ::fsync(directory.get()) != 0) {
    return failure(errno_text("cannot sync the mailbox", directory_));
  }
  return {.status = DeliveryStatus::delivered, .reply = "written to " + target.string()};
}

}  // namespace admit::mail
