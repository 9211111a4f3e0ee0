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
#include <thread>
#include <type_traits>

#include "store/sqlite/sqlite.hpp"

namespace admit::sqlite {

/// The one writer of a SQLite database, with group commit. Jobs queue up while the writer
/// commits; the writer then runs every queued job in one transaction and commits once: one
/// fsync for the whole batch. A job that throws rolls back only its own writes (the batch is
/// rerun with a savepoint per job), so jobs must be safe to run twice: they write their
/// results, they do not accumulate them. Completions run on the writer thread after the
/// commit is durable, so nothing is acknowledged before it is on disk.
class WriteQueue {
 public:
  using Job = std::function<void(Connection&)>;
  /// Receives null when the job's writes are committed, or what the job (or the commit) threw.
  using Done = std::function<void(std::exception_ptr)>;

  explicit WriteQueue(std::unique_ptr<Connection> connection, std::size_t max_batch = 512);
  ~WriteQueue();
  WriteQueue(WriteQueue const&) = delete;
  WriteQueue& operator=(WriteQueue const&) = delete;

  void submit(Job job, Done done);

  struct Stats {
    std::uint64_t batches = 0;  ///< transactions committed (or failed)
    std::uint64_t jobs = 0;     ///< jobs run in them
    std::uint64_t busy_ns = 0;  ///< time spent running batches, commit included
  };
  Stats stats() const;

  /// Runs `work` in the next batch and waits for its commit; returns what it returned,
  /// rethrows what it threw.
  template <class F>
  auto run(F work) -> std::invoke_result_t<F&, Connection&> {
    using R = std::invoke_result_t<F&, Connection&>;
    // A completion (which runs on the writer thread, between batches) may write again: it
    // gets its own transaction at once rather than waiting for itself.
    if (std::this_thread::get_id() == thread_.get_id()) return run_here(work);
    using Slot = std::conditional_t<std::is_void_v<R>, bool, std::optional<R>>;
    // The writer thread owns the promise: the waiter may return (and unwind) the moment the
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
        [promise, &value](std::exception_ptr e) {
          if (e) {
            promise->set_exception(e);
          } else if constexpr (std::is_void_v<R>) {
            promise->set_value();
          } else {
            promise->set_value(std::move(*value));
          }
        });
    return future.get();
  }

 private:
  template <class F>
  auto run_here(F& work) -> std::invoke_result_t<F&, Connection&> {
    connection_->prepare("BEGIN IMMEDIATE").run();
    try {
      if constexpr (std::is_void_v<std::invoke_result_t<F&, Connection&>>) {
        work(*connection_);
        connection_->prepare("COMMIT").run();
      } else {
        auto value = work(*connection_);
        connection_->prepare("COMMIT").run();
        return value;
      }
    } catch (...) {
      try {
        connection_->prepare("ROLLBACK").run();
      } catch (DatabaseError const&) {
        // Already rolled back.
      }
      throw;
    }
  }

  struct Item {
    Job job;
    Done done;
  };
  void loop();
  void run_batch(std::deque<Item>& batch);

  std::unique_ptr<Connection> connection_;
  std::size_t max_batch_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Item> queue_;
  bool stopping_ = false;
  std::atomic<std::uint64_t> batches_{0};
  std::atomic<std::uint64_t> jobs_{0};
  std::atomic<std::uint64_t> busy_ns_{0};
  std::thread thread_;
};

}  // namespace admit::sqlite
