#include "store/sqlite/write_queue.hpp"
#include "base/thread_name.hpp"
#include "base/trace.hpp"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <system_error>
#include <vector>

namespace admit::sqlite {
namespace {

/// Opens the log for syncing, and makes its directory entry durable once: SQLite itself would
/// do that on its first sync of a new log, which with synchronous=NORMAL comes only with a
/// checkpoint.
int open_for_sync(std::string const& wal_path) {
  int const fd = ::open(wal_path.c_str(), O_RDWR | O_CLOEXEC);
  if (fd < 0) {
    auto const reason = std::system_category().message(errno);  // before anything can change errno
    throw DatabaseError("cannot open the write-ahead log " + wal_path + ": " + reason, 0);
  }
  auto const directory = std::filesystem::path(wal_path).parent_path();
  if (int const dir = ::open(directory.empty() ? "." : directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
  return fd;
}

/// True when a job ended in a database fault (disk full, I/O error, lock held too long), not in
/// an expected outcome such as a constraint or a rule the job itself threw.
bool is_fault(std::exception_ptr const& outcome) {
  if (!outcome) return false;
  try {
    std::rethrow_exception(outcome);
  } catch (ConstraintError const&) {
    return false;
  } catch (DatabaseError const&) {
    return true;
  } catch (...) {
    return false;
  }
}

}  // namespace

WriteQueue::WriteQueue(std::unique_ptr<Connection> connection, std::size_t max_batch)
    : connection_(std::move(connection)), max_batch_(max_batch) {
  // The log is written at every commit and synced by the syncer before anything is
  // acknowledged (see the class comment); checkpoints still sync the database file.
  connection_->exec("PRAGMA synchronous = NORMAL");
  // No memory map for the writer: with one, SQLite looks every page up in the log's index
  // before its own page cache, and the pages the writer touches are in the log and the cache.
  connection_->exec("PRAGMA mmap_size = 0");
  char const* const database = sqlite3_db_filename(connection_->handle(), "main");
  char const* const wal = database && *database ? sqlite3_filename_wal(database) : nullptr;
  if (!wal || !*wal) throw DatabaseError("the writer's database has no write-ahead log file", 0);
  wal_fd_ = open_for_sync(wal);
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
    std::lock_guard lock(mutex_);
    writer_done_ = true;
  }
  sync_wake_.notify_one();
  syncer_.join();
  ::close(wal_fd_);
}

void WriteQueue::submit(Job job, Done done) {
  // Its span covers the wait for the writer, the transaction and the sync that makes it durable.
  done = trace::span_until_done("sqlite write (group commit)", "sqlite", std::move(done));
  {
    std::lock_guard lock(mutex_);
    queue_.push_back({std::move(job), std::move(done)});
  }
  wake_.notify_one();
}

WriteQueue::Stats WriteQueue::stats() const {
  return {batches_.load(std::memory_order_relaxed), jobs_.load(std::memory_order_relaxed),
          busy_ns_.load(std::memory_order_relaxed), syncs_.load(std::memory_order_relaxed),
          sync_ns_.load(std::memory_order_relaxed), faults_.load(std::memory_order_relaxed)};
}

void WriteQueue::loop() {
  name_this_thread("admit-writer");
  auto& db = *connection_;
  std::vector<Item> open;  // the jobs of the open transaction
  std::vector<std::exception_ptr> outcomes;
  bool careful = false;  // a savepoint per job, after a job threw in this transaction
  for (;;) {
    std::size_t const first_new = open.size();
    bool stopping = false;
    {
      std::unique_lock lock(mutex_);
      // Wait for jobs or, with a transaction open, for the syncer to be ready for it.
      wake_.wait(lock, [&] { return stopping_ || !queue_.empty() || (!open.empty() && syncer_ready()); });
      if (queue_.empty() && open.empty()) return;  // stopping, and everything submitted is handed over
      auto const take = std::min(queue_.size(), max_batch_ - open.size());
      for (std::size_t i = 0; i < take; ++i) {
        open.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
      stopping = stopping_;
    }
    auto const started = std::chrono::steady_clock::now();
    if (open.size() > first_new) {
      outcomes.resize(open.size());
      try {
        if (first_new == 0) db.prepare("BEGIN IMMEDIATE").run();
        // Jobs seldom throw, so they first run without a savepoint each. When one does throw,
        // the whole transaction is rolled back and run again, each job in its own savepoint,
        // so that the failure undoes only its own writes.
        if (!run_jobs(open, outcomes, first_new, careful)) {
          db.prepare("ROLLBACK").run();
          careful = true;
          std::fill(outcomes.begin(), outcomes.end(), nullptr);
          db.prepare("BEGIN IMMEDIATE").run();
          run_jobs(open, outcomes, 0, true);
        }
      } catch (...) {
        // The transaction itself failed (busy, disk full, I/O error): nothing of it is written.
        hand_over(open, outcomes, std::current_exception());
        careful = false;
        continue;
      }
    }
    bool commit_now = stopping || open.size() >= max_batch_;
    if (!commit_now) {
      std::lock_guard lock(mutex_);
      commit_now = syncer_ready();
    }
    if (commit_now) {
      hand_over(open, outcomes, nullptr);
      careful = false;
    }
    busy_ns_.fetch_add(static_cast<std::uint64_t>((std::chrono::steady_clock::now() - started).count()),
                       std::memory_order_relaxed);
  }
}

bool WriteQueue::run_jobs(std::vector<Item>& jobs, std::vector<std::exception_ptr>& outcomes, std::size_t from,
                          bool careful) {
  auto& db = *connection_;
  for (std::size_t i = from; i < jobs.size(); ++i) {
    if (!careful) {
      try {
        jobs[i].job(db);
      } catch (...) {
        return false;
      }
      continue;
    }
    db.prepare("SAVEPOINT job").run();
    try {
      jobs[i].job(db);
      db.prepare("RELEASE job").run();
    } catch (...) {
      outcomes[i] = std::current_exception();
      db.prepare("ROLLBACK TO job").run();
      db.prepare("RELEASE job").run();
    }
  }
  return true;
}

void WriteQueue::hand_over(std::vector<Item>& jobs, std::vector<std::exception_ptr>& outcomes,
                           std::exception_ptr failure) {
  auto& db = *connection_;
  if (!failure) {
    try {
      db.prepare("COMMIT").run();
    } catch (...) {
      failure = std::current_exception();
    }
  }
  if (failure) {
    try {
      db.prepare("ROLLBACK").run();
      // NOLINTNEXTLINE(bugprone-empty-catch): no transaction was left to roll back.
    } catch (DatabaseError const&) {
    }
    for (auto& outcome : outcomes) outcome = failure;
  }
  std::uint64_t faults = 0;
  for (auto const& outcome : outcomes) faults += is_fault(outcome) ? 1 : 0;
  if (faults > 0) faults_.fetch_add(faults, std::memory_order_relaxed);
  // Committed, not yet durable: the syncer acknowledges it after its next sync. A failed
  // transaction goes the same way, so that completions keep commit order.
  Committed committed;
  committed.done.reserve(jobs.size());
  for (auto& item : jobs) committed.done.push_back(std::move(item.done));
  committed.outcomes = std::move(outcomes);
  batches_.fetch_add(1, std::memory_order_relaxed);
  jobs_.fetch_add(jobs.size(), std::memory_order_relaxed);
  jobs.clear();
  outcomes.clear();
  {
    std::lock_guard lock(mutex_);
    committed_.push_back(std::move(committed));
  }
  sync_wake_.notify_one();
}

void WriteQueue::sync_loop() {
  name_this_thread("admit-syncer");
  while (sync_round()) {
  }
}

bool WriteQueue::sync_round() {
  std::deque<Committed> ready;
  {
    std::unique_lock lock(mutex_);
    sync_wake_.wait(lock, [this] { return writer_done_ || !committed_.empty(); });
    if (committed_.empty()) return false;  // the writer has stopped and everything is acknowledged
    ready.swap(committed_);
    syncing_ = true;
  }
  // Every transaction taken here was committed (its log frames written) before it was
  // queued, so this one sync makes all of them durable.
  sync_now();
  {
    std::lock_guard lock(mutex_);
    syncing_ = false;
  }
  wake_.notify_one();  // the writer commits what it ran meanwhile, for the next sync
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
    auto const reason = std::system_category().message(errno);
    (void)std::fprintf(stderr, "admit: fdatasync of the write-ahead log failed (%s); stopping\n", reason.c_str());
    std::abort();
  }
  sync_ns_.fetch_add(static_cast<std::uint64_t>((std::chrono::steady_clock::now() - started).count()),
                     std::memory_order_relaxed);
  syncs_.fetch_add(1, std::memory_order_relaxed);
}

}  // namespace admit::sqlite
