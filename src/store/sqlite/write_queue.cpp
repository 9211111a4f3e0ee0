#include "store/sqlite/write_queue.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <vector>

namespace admit::sqlite {
namespace {

/// Opens the log for syncing, and makes its directory entry durable once: SQLite itself would
/// do that on its first sync of a new log, which with synchronous=NORMAL comes only with a
/// checkpoint.
int open_for_sync(std::string const& wal_path) {
  int const fd = ::open(wal_path.c_str(), O_RDWR | O_CLOEXEC);
  if (fd < 0) {
    throw DatabaseError("cannot open the write-ahead log " + wal_path + ": " + std::strerror(errno), 0);
  }
  auto const directory = std::filesystem::path(wal_path).parent_path();
  if (int const dir = ::open(directory.empty() ? "." : directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
  return fd;
}

}  // namespace

WriteQueue::WriteQueue(std::unique_ptr<Connection> connection, std::string const& wal_path, std::size_t max_batch)
    : connection_(std::move(connection)), max_batch_(max_batch) {
  // The log is written at every commit and synced by the syncer before anything is
  // acknowledged (see the class comment); checkpoints still sync the database file.
  connection_->exec("PRAGMA synchronous = NORMAL");
  wal_fd_ = open_for_sync(wal_path);
  // Anything committed before this point (migrations under synchronous=FULL) is durable already.
  syncer_ = std::thread([this] { sync_loop(); });
  thread_ = std::thread([this] { loop(); });
}

WriteQueue::~WriteQueue() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
  {
    std::lock_guard lock(sync_mutex_);
    writer_done_ = true;
  }
  sync_wake_.notify_one();
  syncer_.join();
  ::close(wal_fd_);
}

void WriteQueue::submit(Job job, Done done) {
  {
    std::lock_guard lock(mutex_);
    queue_.push_back({std::move(job), std::move(done)});
  }
  wake_.notify_one();
}

WriteQueue::Stats WriteQueue::stats() const {
  return {batches_.load(std::memory_order_relaxed), jobs_.load(std::memory_order_relaxed),
          busy_ns_.load(std::memory_order_relaxed), syncs_.load(std::memory_order_relaxed),
          sync_ns_.load(std::memory_order_relaxed)};
}

void WriteQueue::loop() {
  std::deque<Item> batch;
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and everything submitted has been written
      auto const take = std::min(queue_.size(), max_batch_);
      batch.insert(batch.end(), std::make_move_iterator(queue_.begin()),
                   std::make_move_iterator(queue_.begin() + static_cast<std::ptrdiff_t>(take)));
      queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(take));
    }
    auto const started = std::chrono::steady_clock::now();
    run_batch(batch);
    busy_ns_.fetch_add(static_cast<std::uint64_t>((std::chrono::steady_clock::now() - started).count()),
                       std::memory_order_relaxed);
    batches_.fetch_add(1, std::memory_order_relaxed);
    jobs_.fetch_add(batch.size(), std::memory_order_relaxed);
    batch.clear();
  }
}

void WriteQueue::run_batch(std::deque<Item>& batch) {
  auto& db = *connection_;
  std::vector<std::exception_ptr> outcomes(batch.size());
  // Jobs seldom throw, so the batch first runs without a savepoint per job. When one does
  // throw, the whole transaction is rolled back and the batch runs again, each job in its own
  // savepoint, so that the failure undoes only its own writes.
  bool careful = false;
  for (;;) {
    bool retry = false;
    try {
      db.prepare("BEGIN IMMEDIATE").run();
      for (std::size_t i = 0; i < batch.size() && !retry; ++i) {
        if (!careful) {
          try {
            batch[i].job(db);
          } catch (...) {
            retry = true;
          }
          continue;
        }
        db.prepare("SAVEPOINT job").run();
        try {
          batch[i].job(db);
          db.prepare("RELEASE job").run();
        } catch (...) {
          outcomes[i] = std::current_exception();
          db.prepare("ROLLBACK TO job").run();
          db.prepare("RELEASE job").run();
        }
      }
      if (retry) {
        db.prepare("ROLLBACK").run();
        careful = true;
        continue;
      }
      db.prepare("COMMIT").run();
    } catch (...) {
      // The transaction itself failed (disk full, I/O error): nothing of the batch is written.
      auto const failure = std::current_exception();
      try {
        db.prepare("ROLLBACK").run();
      } catch (DatabaseError const&) {
        // No transaction left to roll back.
      }
      for (auto& outcome : outcomes) outcome = failure;
    }
    break;
  }
  // Committed, not yet durable: the syncer acknowledges it after its next sync. A failed batch
  // goes the same way, so that completions keep commit order.
  Committed committed;
  committed.done.reserve(batch.size());
  for (auto& item : batch) committed.done.push_back(std::move(item.done));
  committed.outcomes = std::move(outcomes);
  {
    std::lock_guard lock(sync_mutex_);
    committed_.push_back(std::move(committed));
  }
  sync_wake_.notify_one();
}

void WriteQueue::sync_loop() {
  while (sync_round()) {
  }
}

bool WriteQueue::sync_round() {
  std::deque<Committed> ready;
  {
    std::unique_lock lock(sync_mutex_);
    sync_wake_.wait(lock, [this] { return writer_done_ || !committed_.empty(); });
    if (committed_.empty()) return false;  // the writer has stopped and everything is acknowledged
    ready.swap(committed_);
  }
  // Every batch taken here was committed (its log frames written) before it was queued, so
  // this one sync makes all of them durable.
  sync_now();
  for (auto& batch : ready) {
    for (std::size_t i = 0; i < batch.done.size(); ++i) batch.done[i](batch.outcomes[i]);
  }
  return true;
}

void WriteQueue::sync_now() {
  auto const started = std::chrono::steady_clock::now();
  if (::fdatasync(wal_fd_) != 0) {
    // After a failed sync the kernel may have dropped the unwritten pages: what is on disk is
    // unknown, and a later sync could report success for data that is gone. Acknowledging
    // would risk a lie, denying too; stop, and let recovery on restart decide.
    std::fprintf(stderr, "admit: fdatasync of the write-ahead log failed (%s); stopping\n", std::strerror(errno));
    std::abort();
  }
  sync_ns_.fetch_add(static_cast<std::uint64_t>((std::chrono::steady_clock::now() - started).count()),
                     std::memory_order_relaxed);
  syncs_.fetch_add(1, std::memory_order_relaxed);
}

}  // namespace admit::sqlite
