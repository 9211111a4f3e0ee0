#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>
#include <type_traits>
#include <vector>

#include "store/sqlite/sqlite.hpp"

namespace admit::sqlite {

/// The one writer of a SQLite database, with group commit and pipelined durability.
///
/// Jobs run one after another on the writer thread inside an open transaction. The writer's
/// connection commits without waiting for the disk (synchronous=NORMAL writes the log but
/// does not sync it); a syncer thread makes everything committed so far durable with one
/// fdatasync of the write-ahead log and only then runs the jobs' completions, in commit order.
/// So nothing is acknowledged before it is on disk, as with synchronous=FULL, but the writer
/// never waits for the disk: while a sync runs it goes on running jobs, and it commits them
/// when the syncer is ready for the next sync. One commit and one sync carry everything that
/// arrived during the previous sync, which keeps transactions large (few log pages per write)
/// and adds no waiting. If a sync fails, what is on disk is unknown and the process stops (as
/// PostgreSQL does) rather than acknowledge or deny anything; recovery on the next start keeps
/// exactly the commits whose log reached the disk.
///
/// A job that throws rolls back only its own writes (the transaction is rerun with a
/// savepoint per job), so jobs must be safe to run twice: they write their results, they do
/// not accumulate them.
class WriteQueue {
 public:
  using Job = std::function<void(Connection&)>;
  /// Receives null when the job's writes are committed, or what the job (or the commit) threw.
  using Done = std::function<void(std::exception_ptr)>;

  /// `connection` must be in WAL mode; it is switched to synchronous=NORMAL, and the syncer
  /// syncs its write-ahead log (the file SQLite itself names, symbolic links resolved).
  explicit WriteQueue(std::unique_ptr<Connection> connection, std::size_t max_batch = 512);
  ~WriteQueue();
  WriteQueue(WriteQueue const&) = delete;
  WriteQueue& operator=(WriteQueue const&) = delete;

  void submit(Job job, Done done);

  struct Stats {
    std::uint64_t batches = 0;  ///< transactions committed (or failed)
    std::uint64_t jobs = 0;     ///< jobs run in them
    std::uint64_t busy_ns = 0;  ///< time spent running jobs and committing (the sync not included)
    std::uint64_t syncs = 0;    ///< fdatasync calls that made batches durable
    std::uint64_t sync_ns = 0;  ///< time spent in them
    std::uint64_t faults = 0;   ///< jobs the database refused with a fault (disk full, I/O error)
  };
  Stats stats() const;

  /// Runs `work` in the next transaction and waits until it is durable; returns what it returned,
  /// rethrows what it threw.
  template <class F>
  auto run(F work) -> std::invoke_result_t<F&, Connection&> {
    using R = std::invoke_result_t<F&, Connection&>;
    // A job waiting for another job would wait for itself: the writer runs one at a time.
    if (std::this_thread::get_id() == thread_.get_id()) {
      throw std::logic_error("a write job may not wait for another write job");
    }
    using Slot = std::conditional_t<std::is_void_v<R>, bool, std::optional<R>>;
    // The syncer thread owns the promise: the waiter may return (and unwind) the moment the
    // value is set, while set_value is still finishing.
    auto promise = std::make_shared<std::promise<R>>();
    auto future = promise->get_future();
    Slot value{};  // outlives the job: the job writes it on the writer thread before `done`
    submit(
        [&work, &value](Connection& c) {
          if constexpr (std::is_void_v<R>) {
            work(c);
          } else {
            value.emplace(work(c));
          }
        },
        [promise, &value](std::exception_ptr const& e) {
          if (e) {
            promise->set_exception(e);
          } else if constexpr (std::is_void_v<R>) {
            promise->set_value();
          } else {
            promise->set_value(std::move(*value));
          }
        });
    // On the syncer thread (a completion that writes again), nobody else would sync this
    // write: the waiter does the syncer's rounds itself until its own write is durable.
    if (std::this_thread::get_id() == syncer_.get_id()) {
      while (future.wait_for(std::chrono::seconds(0)) != std::future_status::ready) sync_round();
    }
    return future.get();
  }

 private:
  struct Item {
    Job job;
    Done done;
  };
  /// A committed (or failed) transaction waiting for the sync that makes it durable.
  struct Committed {
    std::vector<Done> done;
    std::vector<std::exception_ptr> outcomes;
  };
  void loop();
  /// Runs jobs [from, end) of the open transaction; false when one threw and `careful` was
  /// off (the caller then reruns the whole transaction carefully).
  bool run_jobs(std::vector<Item>& jobs, std::vector<std::exception_ptr>& outcomes, std::size_t from, bool careful);
  /// Commits (or, given a failure, abandons) the open transaction and hands it to the syncer.
  void hand_over(std::vector<Item>& jobs, std::vector<std::exception_ptr>& outcomes, std::exception_ptr failure);
  /// True when the syncer would start a sync at once: none running, nothing waiting.
  bool syncer_ready() const { return !syncing_ && committed_.empty(); }
  void sync_loop();
  /// Waits for committed transactions, syncs once, runs their completions. False once the
  /// writer has stopped and nothing is left.
  bool sync_round();
  /// fdatasync of the log; stops the process when the disk refuses.
  void sync_now();

  std::unique_ptr<Connection> connection_;
  int wal_fd_ = -1;
  std::size_t max_batch_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Item> queue_;
  bool stopping_ = false;
  std::atomic<std::uint64_t> batches_{0};
  std::atomic<std::uint64_t> jobs_{0};
  std::atomic<std::uint64_t> busy_ns_{0};
  std::atomic<std::uint64_t> syncs_{0};
  std::atomic<std::uint64_t> sync_ns_{0};
  std::atomic<std::uint64_t> faults_{0};
  // Guarded by mutex_, as the queue.
  std::condition_variable sync_wake_;
  std::deque<Committed> committed_;
  bool syncing_ = false;
  bool writer_done_ = false;
  std::thread syncer_;
  std::thread thread_;
};

}  // namespace admit::sqlite
