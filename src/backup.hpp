#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <thread>
#include <vector>

namespace admit {

/// Where one SQLite node keeps its state: the data dir (signing keys and the like) and the
/// database file (in the data dir unless ADMIT_DATABASE_URL puts it elsewhere).
struct DataDir {
  std::filesystem::path dir;
  std::filesystem::path database;
};

/// An advisory lock (flock) on `<data dir>/admit.lock`. `admit serve` and `admit backup` hold
/// it shared, `admit restore` exclusive, so a restore never swaps files under a running
/// server and a server never starts on a half-restored data dir. The kernel drops it when the
/// process ends, however it ends.
class DataDirLock {
 public:
  enum class Mode { shared, exclusive };
  /// Throws std::runtime_error naming the data dir when another process holds it the other way.
  DataDirLock(std::filesystem::path const& dir, Mode mode);
  ~DataDirLock();
  DataDirLock(DataDirLock const&) = delete;
  DataDirLock& operator=(DataDirLock const&) = delete;

 private:
  int fd_ = -1;
};

struct BackupSummary {
  std::uintmax_t bytes = 0;               ///< the archive's size
  int schema_version = 0;                 ///< of the database in it
  std::vector<std::string> files;         ///< the archive's entries
  std::chrono::milliseconds took{0};      ///< the whole backup
  std::chrono::milliseconds snapshot{0};  ///< of which copying the database
};

/// Writes one tar archive `file` (gzip, xz or zstd compressed when the name ends so) holding a
/// manifest, a copy of the database as of one moment (SQLite's online backup, safe while a
/// server writes) that passed `PRAGMA integrity_check`, and the data dir's key files. It is
/// written under a temporary name beside `file`, synced and renamed, so `file` is either
/// complete or absent. The caller holds the data dir's lock (shared). Throws on any failure.
BackupSummary write_backup(DataDir const& data, std::filesystem::path const& file);

struct RestoreSummary {
  int schema_version = 0;
  std::vector<std::string> files;
  std::filesystem::path previous;  ///< where the replaced files were moved (empty: there were none)
};

/// Puts the archive `file` back into the data dir: checks it (manifest, database passing
/// `integrity_check`, a schema this build can run) before anything is replaced, moves the
/// current database (with its -wal and -shm) and key files aside into
/// `<data dir>/before-restore-<time>/`, moves the archive's files in, and syncs. When a step of
/// the swap fails the files moved aside are put back. The caller holds the lock exclusively.
RestoreSummary restore_backup(DataDir const& data, std::filesystem::path const& file);

/// Backups on a schedule, on their own thread, off the request path: `admit-<UTC time>.tar` in
/// `dir` every `interval`, keeping the newest `keep` of them. The schedule goes on from the
/// newest backup already in `dir`, so a restart neither skips one nor takes an extra one.
class BackupSchedule {
 public:
  struct Settings {
    std::filesystem::path dir;  ///< empty: no scheduled backups (the metrics still say so)
    std::chrono::seconds interval{3600};
    unsigned keep = 24;
  };
  using TakeBackup = std::function<BackupSummary(std::filesystem::path const& file)>;

  BackupSchedule(Settings settings, TakeBackup take);
  ~BackupSchedule() = default;  ///< stops the thread after the backup in progress, if any
  BackupSchedule(BackupSchedule const&) = delete;
  BackupSchedule& operator=(BackupSchedule const&) = delete;

  /// Prometheus text: the interval (0 when off), when the newest verified backup was written,
  /// failed attempts, the last one's duration and size.
  std::string metrics_text() const;

  /// The file names this schedule writes and prunes, oldest first.
  static std::vector<std::filesystem::path> scheduled_backups(std::filesystem::path const& dir);

 private:
  void take_one();

  Settings settings_;
  TakeBackup take_;
  std::atomic<std::int64_t> last_success_ns_{0};  ///< system clock, since the epoch; 0: none yet
  std::atomic<std::uint64_t> failures_{0};
  std::atomic<std::int64_t> last_duration_ns_{0};
  std::atomic<std::uint64_t> last_bytes_{0};
  std::jthread thread_;  ///< last, so it starts once the members it uses exist
};

}  // namespace admit
