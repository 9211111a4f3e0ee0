#include "backup.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <ctime>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <system_error>

#include "base/log.hpp"
#include "base/prometheus.hpp"
#include "base/thread_name.hpp"
#include "store/sqlite/sqlite_backup.hpp"

namespace admit {
namespace fs = std::filesystem;

namespace {

constexpr char const* kLockFile = "admit.lock";
constexpr char const* kManifest = "admit-backup.json";
constexpr char const* kDatabaseEntry = "admit.db";
constexpr int kFormat = 1;

[[noreturn]] void fail_errno(std::string const& what, fs::path const& path) {
  throw std::system_error(errno, std::generic_category(), what + " " + path.string());
}

/// A file descriptor closed when it goes.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(Fd const&) = delete;
  Fd& operator=(Fd const&) = delete;
  int get() const { return fd_; }
  /// Closes now, reporting an error (a deferred write error shows at close on some file systems).
  void close(fs::path const& path) {
    int const fd = fd_;
    fd_ = -1;
    if (::close(fd) != 0) fail_errno("cannot close", path);
  }

 private:
  int fd_;
};

void sync_fd(int fd, fs::path const& path) {
  if (::fsync(fd) != 0) fail_errno("cannot sync", path);
}

/// Makes the directory's entries (a rename, a new file) durable.
void sync_dir(fs::path const& dir) {
  Fd const fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() < 0) fail_errno("cannot open directory", dir);
  sync_fd(fd.get(), dir);
}

std::string utc_stamp(std::chrono::system_clock::time_point at, char const* format) {
  std::time_t const t = std::chrono::system_clock::to_time_t(at);
  std::tm tm{};
  (void)gmtime_r(&t, &tm);  // a time_t from the system clock always converts
  std::array<char, 32> text{};
  std::size_t const n = std::strftime(text.data(), text.size(), format, &tm);
  return {text.data(), n};
}

bool is_archive_name(std::string const& name) {
  return name.ends_with(".tar") || name.ends_with(".tar.gz") || name.ends_with(".tgz") || name.ends_with(".tar.xz") ||
         name.ends_with(".tar.zst");
}

/// Whether the data dir's top-level file `name` is part of a backup: the key files and the
/// like, not the database and its companions (copied separately, consistently), the lock,
/// temporaries (dot files) or archives kept there.
bool is_key_file(std::string const& name, fs::path const& database) {
  if (name.empty() || name.front() == '.' || name == kLockFile || name == kManifest || is_archive_name(name)) {
    return false;
  }
  auto const db = database.filename().string();
  for (char const* suffix : {"", "-wal", "-shm", "-journal"}) {
    if (name == db + suffix || name.ends_with(std::string(".db") + suffix)) return false;
  }
  return true;
}

/// The data dir's key files, by name, sorted.
std::vector<std::string> key_files(DataDir const& data) {
  std::vector<std::string> names;
  std::error_code ec;
  for (auto const& entry : fs::directory_iterator(data.dir, ec)) {
    auto name = entry.path().filename().string();
    if (entry.is_regular_file() && !entry.is_symlink() && is_key_file(name, data.database)) {
      names.push_back(std::move(name));
    }
  }
  if (ec && ec != std::errc::no_such_file_or_directory) {
    throw std::system_error(ec, "cannot list " + data.dir.string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

/// A directory removed with everything in it when it goes (temporaries of a failed run).
class ScratchDir {
 public:
  explicit ScratchDir(fs::path const& parent, std::string const& prefix) {
    std::string pattern = (parent / (prefix + "XXXXXX")).string();
    if (::mkdtemp(pattern.data()) == nullptr) fail_errno("cannot create a directory in", parent);
    path_ = pattern;
  }
  ~ScratchDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  ScratchDir(ScratchDir const&) = delete;
  ScratchDir& operator=(ScratchDir const&) = delete;
  fs::path const& path() const { return path_; }

 private:
  fs::path path_;
};

struct ArchiveWriterFree {
  void operator()(archive* a) const { archive_write_free(a); }
};
struct ArchiveReaderFree {
  void operator()(archive* a) const { archive_read_free(a); }
};
struct EntryFree {
  void operator()(archive_entry* e) const { archive_entry_free(e); }
};

[[noreturn]] void fail_archive(archive* a, std::string const& what) {
  char const* message = archive_error_string(a);
  throw std::runtime_error(what + ": " + (message != nullptr ? message : "unknown error"));
}

void set_filter_for(archive* a, fs::path const& file) {
  auto const name = file.filename().string();
  int rc = ARCHIVE_OK;
  if (name.ends_with(".gz") || name.ends_with(".tgz")) {
    rc = archive_write_add_filter_gzip(a);
  } else if (name.ends_with(".xz")) {
    rc = archive_write_add_filter_xz(a);
  } else if (name.ends_with(".zst")) {
    rc = archive_write_add_filter_zstd(a);
  }
  if (rc != ARCHIVE_OK) fail_archive(a, "cannot compress " + name);
}

void add_bytes(archive* a, std::string const& name, std::string const& bytes, std::time_t mtime) {
  std::unique_ptr<archive_entry, EntryFree> const entry(archive_entry_new());
  archive_entry_set_pathname(entry.get(), name.c_str());
  archive_entry_set_filetype(entry.get(), AE_IFREG);
  archive_entry_set_perm(entry.get(), 0600);
  archive_entry_set_size(entry.get(), static_cast<la_int64_t>(bytes.size()));
  archive_entry_set_mtime(entry.get(), mtime, 0);
  if (archive_write_header(a, entry.get()) != ARCHIVE_OK) fail_archive(a, "cannot write " + name);
  if (archive_write_data(a, bytes.data(), bytes.size()) != static_cast<la_ssize_t>(bytes.size())) {
    fail_archive(a, "cannot write " + name);
  }
}

void add_file(archive* a, std::string const& name, fs::path const& path) {
  Fd const fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) fail_errno("cannot open", path);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) fail_errno("cannot read", path);
  std::unique_ptr<archive_entry, EntryFree> const entry(archive_entry_new());
  archive_entry_set_pathname(entry.get(), name.c_str());
  archive_entry_set_filetype(entry.get(), AE_IFREG);
  archive_entry_set_perm(entry.get(), 0600);  // keys and password hashes: the owner's alone
  archive_entry_set_size(entry.get(), st.st_size);
  archive_entry_set_mtime(entry.get(), st.st_mtim.tv_sec, 0);
  if (archive_write_header(a, entry.get()) != ARCHIVE_OK) fail_archive(a, "cannot write " + name);
  std::vector<char> buffer(std::size_t{1} << 20);
  off_t copied = 0;
  while (copied < st.st_size) {
    ssize_t const n = ::read(fd.get(), buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail_errno("cannot read", path);
    if (n == 0) throw std::runtime_error(path.string() + " became shorter while it was archived");
    if (archive_write_data(a, buffer.data(), static_cast<std::size_t>(n)) != n) {
      fail_archive(a, "cannot write " + name);
    }
    copied += n;
  }
}

std::string manifest(std::chrono::system_clock::time_point now, int schema, std::vector<std::string> const& keys) {
  // The names are the data dir's own (no quote or backslash is ever among them: see is_key_file
  // and the checks in restore), so plain concatenation is valid JSON.
  std::string out = "{\"format\":" + std::to_string(kFormat) + ",\"createdAt\":\"" +
                    utc_stamp(now, "%Y-%m-%dT%H:%M:%SZ") + "\",\"admitVersion\":\"" + ADMIT_VERSION +
                    "\",\"schemaVersion\":" + std::to_string(schema) + ",\"database\":\"" + kDatabaseEntry +
                    "\",\"keys\":[";
  for (std::size_t i = 0; i < keys.size(); ++i) {
    if (i > 0) out += ',';
    out += '"' + keys[i] + '"';
  }
  out += "]}\n";
  return out;
}

std::chrono::milliseconds since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
}

/// A name an archive may carry: one plain file name, nothing that could leave the directory.
bool safe_entry_name(std::string const& name) {
  if (name.empty() || name.size() > 255 || name.front() == '.') return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
           c == '.';
  });
}

/// Removes the directories named `prefix…` in `dir` last changed more than `age` ago: the
/// temporaries of a backup or restore that was killed.
void remove_scratch_dirs(fs::path const& dir, std::string const& prefix, std::chrono::seconds age) {
  std::error_code ec;
  auto const now = fs::file_time_type::clock::now();
  for (auto const& entry : fs::directory_iterator(dir, ec)) {
    if (!entry.is_directory() || !entry.path().filename().string().starts_with(prefix)) continue;
    std::error_code time_ec;
    auto const changed = fs::last_write_time(entry.path(), time_ec);
    if (time_ec || now - changed < age) continue;
    std::error_code remove_ec;
    fs::remove_all(entry.path(), remove_ec);
  }
}

void rename_or_fail(fs::path const& from, fs::path const& to) {
  if (::rename(from.c_str(), to.c_str()) != 0) {
    throw std::system_error(errno, std::generic_category(), "cannot move " + from.string() + " to " + to.string());
  }
}

}  // namespace

// ---- the lock -------------------------------------------------------------------------------

DataDirLock::DataDirLock(fs::path const& dir, Mode mode) {
  fs::create_directories(dir);
  auto const path = dir / kLockFile;
  fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd_ < 0) fail_errno("cannot open", path);
  int const how = (mode == Mode::exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB;
  int rc = 0;
  while ((rc = ::flock(fd_, how)) != 0 && errno == EINTR) {
  }
  if (rc == 0) return;
  int const error = errno;
  ::close(fd_);
  fd_ = -1;
  if (error != EWOULDBLOCK) {
    throw std::system_error(error, std::generic_category(), "cannot lock " + path.string());
  }
  throw std::runtime_error(mode == Mode::exclusive
                               ? "a server (or a backup) is running on the data dir " + dir.string() + " (it holds " +
                                     path.string() + "); stop it first"
                               : "a restore is in progress on the data dir " + dir.string() + " (it holds " +
                                     path.string() + ")");
}

DataDirLock::~DataDirLock() {
  if (fd_ >= 0) ::close(fd_);  // closing releases the lock
}

// ---- backup ---------------------------------------------------------------------------------

BackupSummary write_backup(DataDir const& data, fs::path const& file) {
  auto const started = std::chrono::steady_clock::now();
  if (!fs::exists(data.database)) throw std::runtime_error("there is no database at " + data.database.string());
  auto const target = fs::absolute(file);
  auto const parent = target.parent_path();
  fs::create_directories(parent);
  ScratchDir const scratch(parent, ".admit-backup-");

  BackupSummary summary;
  auto const copy = scratch.path() / kDatabaseEntry;
  sqlite::snapshot_database(data.database, copy);
  summary.snapshot = since(started);
  if (auto const problems = sqlite::integrity_problems(copy); !problems.empty()) {
    throw std::runtime_error("the copy of the database fails integrity_check: " + problems);
  }
  summary.schema_version = sqlite::schema_version_of(copy);
  auto const keys = key_files(data);

  auto const partial = scratch.path() / "archive";
  Fd out(::open(partial.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
  if (out.get() < 0) fail_errno("cannot create", partial);
  {
    std::unique_ptr<archive, ArchiveWriterFree> const a(archive_write_new());
    if (archive_write_set_format_pax_restricted(a.get()) != ARCHIVE_OK) fail_archive(a.get(), "tar format");
    set_filter_for(a.get(), target);
    if (archive_write_open_fd(a.get(), out.get()) != ARCHIVE_OK) fail_archive(a.get(), "cannot write the archive");
    auto const now = std::chrono::system_clock::now();
    add_bytes(a.get(), kManifest, manifest(now, summary.schema_version, keys),
              std::chrono::system_clock::to_time_t(now));
    add_file(a.get(), kDatabaseEntry, copy);
    for (auto const& key : keys) add_file(a.get(), key, data.dir / key);
    if (archive_write_close(a.get()) != ARCHIVE_OK) fail_archive(a.get(), "cannot finish the archive");
  }
  sync_fd(out.get(), partial);
  out.close(partial);
  rename_or_fail(partial, target);
  sync_dir(parent);

  summary.files.emplace_back(kManifest);
  summary.files.emplace_back(kDatabaseEntry);
  summary.files.insert(summary.files.end(), keys.begin(), keys.end());
  summary.bytes = fs::file_size(target);
  summary.took = since(started);
  return summary;
}

// ---- restore --------------------------------------------------------------------------------

namespace {

/// Unpacks the archive's entries as files in `into`, each synced; returns their names.
std::vector<std::string> unpack(fs::path const& file, fs::path const& into) {
  std::unique_ptr<archive, ArchiveReaderFree> const a(archive_read_new());
  archive_read_support_filter_all(a.get());
  archive_read_support_format_tar(a.get());
  if (archive_read_open_filename(a.get(), file.c_str(), std::size_t{1} << 16) != ARCHIVE_OK) {
    fail_archive(a.get(), "cannot read " + file.string());
  }
  std::vector<std::string> names;
  archive_entry* entry = nullptr;
  int rc = ARCHIVE_OK;
  std::vector<char> buffer(std::size_t{1} << 20);
  while ((rc = archive_read_next_header(a.get(), &entry)) == ARCHIVE_OK) {
    char const* raw = archive_entry_pathname(entry);
    std::string const name = raw != nullptr ? raw : "";
    if (!safe_entry_name(name) || archive_entry_filetype(entry) != AE_IFREG) {
      throw std::runtime_error(file.string() + " is not an admit backup: it holds '" + name + "'");
    }
    if (std::find(names.begin(), names.end(), name) != names.end()) {
      throw std::runtime_error(file.string() + " holds " + name + " twice");
    }
    auto const path = into / name;
    Fd out(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
    if (out.get() < 0) fail_errno("cannot create", path);
    for (;;) {
      la_ssize_t const n = archive_read_data(a.get(), buffer.data(), buffer.size());
      if (n < 0) fail_archive(a.get(), "cannot read " + name + " from " + file.string());
      if (n == 0) break;
      std::size_t written = 0;
      while (written < static_cast<std::size_t>(n)) {
        ssize_t const w = ::write(out.get(), buffer.data() + written, static_cast<std::size_t>(n) - written);
        if (w < 0 && errno == EINTR) continue;
        if (w < 0) fail_errno("cannot write", path);
        written += static_cast<std::size_t>(w);
      }
    }
    sync_fd(out.get(), path);
    out.close(path);
    names.push_back(name);
  }
  if (rc != ARCHIVE_EOF) fail_archive(a.get(), "cannot read " + file.string());
  return names;
}

/// The files a restore moves: where each is now and where it goes aside.
struct Move {
  fs::path from;
  fs::path to;
};

}  // namespace

RestoreSummary restore_backup(DataDir const& data, fs::path const& file) {
  if (!fs::is_regular_file(file)) throw std::runtime_error("no archive at " + file.string());
  fs::create_directories(data.dir);
  fs::create_directories(data.database.parent_path());

  // What a restore that was killed left behind: nobody else can be restoring (the lock).
  remove_scratch_dirs(data.dir, ".admit-restore-", std::chrono::seconds(0));

  // 1. Unpack and check everything before touching the data dir's files.
  ScratchDir const staged(data.dir, ".admit-restore-");
  auto const names = unpack(file, staged.path());
  auto const has = [&](std::string const& n) { return std::find(names.begin(), names.end(), n) != names.end(); };
  if (!has(kManifest) || !has(kDatabaseEntry)) {
    throw std::runtime_error(file.string() + " is not an admit backup: it lacks " +
                             (has(kManifest) ? kDatabaseEntry : kManifest));
  }
  auto const staged_db = staged.path() / kDatabaseEntry;
  if (auto const problems = sqlite::integrity_problems(staged_db); !problems.empty()) {
    throw std::runtime_error("the database in " + file.string() +
                             " fails integrity_check, nothing was changed: " + problems);
  }
  RestoreSummary summary;
  summary.schema_version = sqlite::schema_version_of(staged_db);
  if (summary.schema_version > sqlite::newest_schema_version()) {
    throw std::runtime_error("the database in " + file.string() + " has schema version " +
                             std::to_string(summary.schema_version) + ", newer than this admit's " +
                             std::to_string(sqlite::newest_schema_version()) + "; restore it with a newer admit");
  }
  std::vector<std::string> keys;
  for (auto const& n : names) {
    if (n != kManifest && n != kDatabaseEntry) keys.push_back(n);
  }
  // A database elsewhere than the data dir is staged beside its destination, so that putting it
  // in place is a rename within one file system.
  auto staged_db_final = staged_db;
  std::optional<fs::path> db_beside;
  if (fs::absolute(data.database.parent_path()) != fs::absolute(data.dir)) {
    db_beside = data.database.parent_path() / (".admit-restore-" + std::to_string(::getpid()) + ".db");
    fs::copy_file(staged_db, *db_beside, fs::copy_options::overwrite_existing);
    {
      Fd const fd(::open(db_beside->c_str(), O_RDONLY | O_CLOEXEC));
      if (fd.get() < 0) fail_errno("cannot open", *db_beside);
      sync_fd(fd.get(), *db_beside);
    }
    staged_db_final = *db_beside;
  }
  struct RemoveBeside {
    std::optional<fs::path> const& path;
    ~RemoveBeside() {
      std::error_code ec;
      if (path) fs::remove(*path, ec);
    }
  } const remove_beside{db_beside};

  // 2. The current files go aside, all of them or none.
  auto aside = data.dir / ("before-restore-" + utc_stamp(std::chrono::system_clock::now(), "%Y%m%dT%H%M%SZ"));
  for (int n = 2; fs::exists(fs::symlink_status(aside)); ++n) {  // two restores within a second
    aside.replace_filename(aside.filename().string().substr(0, 30) + "-" + std::to_string(n));
  }
  std::vector<Move> current;
  for (char const* suffix : {"", "-wal", "-shm", "-journal"}) {
    fs::path const p = data.database.string() + suffix;
    if (fs::exists(fs::symlink_status(p))) current.push_back({p, aside / p.filename()});
  }
  for (auto const& key : key_files(data)) current.push_back({data.dir / key, aside / key});

  std::vector<Move> done;  // moves made so far, undone in reverse on failure
  std::vector<fs::path> placed;
  try {
    if (!current.empty()) {
      fs::create_directory(aside);
      ::chmod(aside.c_str(), 0700);
    }
    for (auto const& m : current) {
      rename_or_fail(m.from, m.to);
      done.push_back(m);
    }
    // 3. The archive's files go in.
    rename_or_fail(staged_db_final, data.database);
    placed.push_back(data.database);
    for (auto const& key : keys) {
      rename_or_fail(staged.path() / key, data.dir / key);
      placed.push_back(data.dir / key);
    }
    sync_dir(data.database.parent_path());
    sync_dir(data.dir);
    if (!current.empty()) sync_dir(aside);
  } catch (...) {
    std::error_code ec;
    for (auto const& p : placed) fs::remove(p, ec);
    for (auto it = done.rbegin(); it != done.rend(); ++it) fs::rename(it->to, it->from, ec);
    if (done.size() == current.size()) fs::remove(aside, ec);
    throw;
  }
  summary.files = names;
  if (!current.empty()) summary.previous = aside;
  return summary;
}

// ---- the schedule ---------------------------------------------------------------------------

namespace {

constexpr std::string_view kScheduledPrefix = "admit-";
constexpr std::string_view kScheduledSuffix = ".tar";

std::int64_t wall_clock_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

std::vector<fs::path> BackupSchedule::scheduled_backups(fs::path const& dir) {
  std::vector<fs::path> found;
  std::error_code ec;
  for (auto const& entry : fs::directory_iterator(dir, ec)) {
    auto const name = entry.path().filename().string();
    // admit-20261207T064501Z.tar: the time sorts as text.
    if (entry.is_regular_file() && name.size() == kScheduledPrefix.size() + 16 + kScheduledSuffix.size() &&
        name.starts_with(kScheduledPrefix) && name.ends_with(kScheduledSuffix)) {
      found.push_back(entry.path());
    }
  }
  std::sort(found.begin(), found.end());
  return found;
}

BackupSchedule::BackupSchedule(Settings settings, TakeBackup take)
    : settings_(std::move(settings)), take_(std::move(take)) {
  if (settings_.dir.empty()) return;
  fs::create_directories(settings_.dir);
  // A backup killed midway (a crash, kill -9) leaves its scratch directory; a day is far longer
  // than any backup (a manual `admit backup` into the same directory may be running now).
  remove_scratch_dirs(settings_.dir, ".admit-backup-", std::chrono::hours(24));
  // Go on from the newest backup a previous run left: it is complete (written under a
  // temporary name, renamed once verified), so it counts as the last success.
  auto const existing = scheduled_backups(settings_.dir);
  auto next = std::chrono::system_clock::now();
  if (!existing.empty()) {
    std::error_code ec;
    auto const written = fs::last_write_time(existing.back(), ec);
    if (!ec) {
      auto const at = std::chrono::file_clock::to_sys(written);
      last_success_ns_.store(std::chrono::duration_cast<std::chrono::nanoseconds>(at.time_since_epoch()).count());
      next = std::max(next, std::chrono::time_point_cast<std::chrono::system_clock::duration>(at) + settings_.interval);
    }
  }
  thread_ = std::jthread([this, next](std::stop_token const& stop) mutable {
    name_this_thread("admit-backup");
    // Normal priority on purpose (unlike the mail sender): a backup starved by a sale would hold
    // its read snapshot, and so keep the write-ahead log from being checkpointed, all along.
    std::mutex mutex;
    std::condition_variable_any wake;
    while (!stop.stop_requested()) {
      {
        std::unique_lock lock(mutex);
        if (wake.wait_until(lock, stop, next, [] { return false; }) || stop.stop_requested()) return;
      }
      auto const started = std::chrono::system_clock::now();
      take_one();
      bool const ok = last_success_ns_.load() >=
                      std::chrono::duration_cast<std::chrono::nanoseconds>(started.time_since_epoch()).count();
      // A failure is tried again sooner than a whole interval later (at most 5 minutes).
      next = started +
             (ok ? settings_.interval : std::min<std::chrono::seconds>(settings_.interval, std::chrono::minutes(5)));
    }
  });
}

void BackupSchedule::take_one() {
  auto const now = std::chrono::system_clock::now();
  auto const file = settings_.dir /
                    (std::string(kScheduledPrefix) + utc_stamp(now, "%Y%m%dT%H%M%SZ") + std::string(kScheduledSuffix));
  try {
    auto const summary = take_(file);
    last_duration_ns_.store(std::chrono::duration_cast<std::chrono::nanoseconds>(summary.took).count());
    last_bytes_.store(summary.bytes);
    last_success_ns_.store(wall_clock_ns());
    log::info("backup written", {{"file", file.string()},
                                 {"bytes", static_cast<std::int64_t>(summary.bytes)},
                                 {"ms", static_cast<std::int64_t>(summary.took.count())}});
  } catch (std::exception const& e) {
    failures_.fetch_add(1);
    log::error("backup failed", {{"file", file.string()}, {"error", e.what()}});
    return;
  }
  auto backups = scheduled_backups(settings_.dir);
  std::size_t const keep = std::max(1u, settings_.keep);
  for (std::size_t i = 0; i + keep < backups.size(); ++i) {
    std::error_code ec;
    fs::remove(backups[i], ec);
    if (ec) log::warn("cannot remove an old backup", {{"file", backups[i].string()}, {"error", ec.message()}});
  }
}

std::string BackupSchedule::metrics_text() const {
  std::string out;
  prometheus::TextWriter(out)
      .metric("admit_backup_interval_seconds", "gauge",
              "How often this node takes a scheduled backup (ADMIT_BACKUP_INTERVAL); 0: it takes none.",
              std::uint64_t{settings_.dir.empty() ? 0u : static_cast<unsigned>(settings_.interval.count())})
      .metric("admit_backup_last_success_seconds", "gauge",
              "When the newest verified scheduled backup was written (Unix time); 0: none yet.",
              std::chrono::nanoseconds(last_success_ns_.load()))
      .metric("admit_backup_failures_total", "counter", "Scheduled backups that failed (logged, retried).",
              std::uint64_t{failures_.load()})
      .metric("admit_backup_last_duration_seconds", "gauge", "How long the last successful backup took.",
              std::chrono::nanoseconds(last_duration_ns_.load()))
      .metric("admit_backup_last_size_bytes", "gauge", "The size of the last successful backup's archive.",
              std::uint64_t{last_bytes_.load()});
  return out;
}

}  // namespace admit
