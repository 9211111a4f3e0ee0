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
    run_batch(batch);
    batch.clear();
  }
}

void WriteQueue::run_batch(std::deque<Item>& batch) {
  auto& db = *connection_;
  std::vector<std::exception_ptr> outcomes(batch.size());
  try {
    db.prepare("BEGIN IMMEDIATE").run();
    for (std::size_t i = 0; i < batch.size(); ++i) {
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
  for (std::size_t i = 0; i < batch.size(); ++i) batch[i].done(outcomes[i]);
}

}  // namespace admit::sqlite
