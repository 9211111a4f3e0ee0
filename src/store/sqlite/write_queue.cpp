#include "store/sqlite/write_queue.hpp"

#include <vector>

namespace admit::sqlite {

WriteQueue::WriteQueue(std::unique_ptr<Connection> connection, std::size_t max_batch)
    : connection_(std::move(connection)), max_batch_(max_batch), thread_([this] { loop(); }) {}

WriteQueue::~WriteQueue() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
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
          busy_ns_.load(std::memory_order_relaxed)};
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
  for (std::size_t i = 0; i < batch.size(); ++i) batch[i].done(outcomes[i]);
}

}  // namespace admit::sqlite
