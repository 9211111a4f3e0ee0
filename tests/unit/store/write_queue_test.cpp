/// The SQLite writer's group commit with pipelined durability (store/sqlite/write_queue):
/// completions in submission order, only after the commit, a failing job undoing only its
/// own writes, synchronous waits (also from a completion), and writes from many threads.

#include <gtest/gtest.h>

#include <unistd.h>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <future>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "store/sqlite/write_queue.hpp"

namespace admit::sqlite {
namespace {

class WriteQueueTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("admit-write-queue-" + std::to_string(::getpid()) + "-" +
                                                     ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    path_ = (dir_ / "test.db").string();
    auto connection = std::make_unique<Connection>(path_);
    connection->exec("CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT NOT NULL UNIQUE)");
    queue_ = std::make_unique<WriteQueue>(std::move(connection));
  }
  void TearDown() override {
    queue_.reset();
    std::filesystem::remove_all(dir_);
  }
  /// Rows as another connection sees them.
  std::int64_t count() {
    Connection reader(path_, true);
    auto row = reader.prepare("SELECT COUNT(*) FROM t");
    row.step();
    return row.integer(0);
  }

  std::filesystem::path dir_;
  std::string path_;
  std::unique_ptr<WriteQueue> queue_;
};

TEST_F(WriteQueueTest, CompletionsFollowTheCommitInSubmissionOrder) {
  constexpr int kJobs = 2000;
  std::mutex mutex;
  std::vector<int> order;
  std::vector<std::int64_t> seen;  // rows visible to another connection when each completion ran
  std::promise<void> all_done;
  for (int i = 0; i < kJobs; ++i) {
    queue_->submit(
        [i](Connection& db) {
          db.prepare("INSERT INTO t (k, v) VALUES (?1, ?2)").bind(1, i).bind(2, std::to_string(i)).run();
        },
        [&, i](std::exception_ptr e) {
          EXPECT_FALSE(e);
          std::lock_guard lock(mutex);
          order.push_back(i);
          if (i % 100 == 0) seen.push_back(count());
          if (i == kJobs - 1) all_done.set_value();
        });
  }
  all_done.get_future().wait();
  ASSERT_EQ(order.size(), static_cast<std::size_t>(kJobs));
  for (int i = 0; i < kJobs; ++i) EXPECT_EQ(order[static_cast<std::size_t>(i)], i);
  // A completion runs after its own commit: by job i, at least i + 1 rows are visible.
  for (std::size_t n = 0; n < seen.size(); ++n) EXPECT_GE(seen[n], static_cast<std::int64_t>(n * 100 + 1));
  EXPECT_EQ(count(), kJobs);
  auto const stats = queue_->stats();
  EXPECT_EQ(stats.jobs, static_cast<std::uint64_t>(kJobs));
  EXPECT_GE(stats.syncs, 1u);
  EXPECT_LE(stats.batches, stats.jobs);
}

TEST_F(WriteQueueTest, AFailingJobUndoesOnlyItsOwnWrites) {
  std::vector<std::promise<std::exception_ptr>> outcomes(5);
  // Job 2 inserts a row and then breaks a UNIQUE constraint: its first row must vanish too.
  for (int i = 0; i < 5; ++i) {
    queue_->submit(
        [i](Connection& db) {
          db.prepare("INSERT INTO t (k, v) VALUES (?1, ?2)").bind(1, 100 + i).bind(2, "row" + std::to_string(i)).run();
          if (i == 2) db.prepare("INSERT INTO t (k, v) VALUES (?1, ?2)").bind(1, 999).bind(2, "row0").run();
        },
        [&outcomes, i](std::exception_ptr e) { outcomes[static_cast<std::size_t>(i)].set_value(e); });
  }
  for (int i = 0; i < 5; ++i) {
    auto const e = outcomes[static_cast<std::size_t>(i)].get_future().get();
    if (i == 2) {
      ASSERT_TRUE(e);
      EXPECT_THROW(std::rethrow_exception(e), ConstraintError);
    } else {
      EXPECT_FALSE(e) << "job " << i;
    }
  }
  EXPECT_EQ(count(), 4);
  Connection reader(path_, true);
  auto row = reader.prepare("SELECT COUNT(*) FROM t WHERE k = 102 OR k = 999");
  row.step();
  EXPECT_EQ(row.integer(0), 0);
}

TEST_F(WriteQueueTest, RunReturnsTheValueOrRethrows) {
  int const k = queue_->run([](Connection& db) {
    db.prepare("INSERT INTO t (k, v) VALUES (7, 'seven')").run();
    return 7;
  });
  EXPECT_EQ(k, 7);
  EXPECT_EQ(count(), 1);
  EXPECT_THROW(queue_->run([](Connection& db) { db.prepare("INSERT INTO t (k, v) VALUES (8, 'seven')").run(); }),
               ConstraintError);
  EXPECT_THROW(queue_->run([](Connection&) -> int { throw std::runtime_error("no"); }), std::runtime_error);
  EXPECT_EQ(count(), 1);
}

TEST_F(WriteQueueTest, CountsOnlyDatabaseFaultsAsFaults) {
  // A constraint and a rule a job throws are outcomes; a DatabaseError (disk full, I/O error)
  // is a fault, what /metrics shows as admit_db_write_faults_total.
  EXPECT_THROW(queue_->run([](Connection& db) { db.prepare("INSERT INTO t (k, v) VALUES (1, 'a'), (2, 'a')").run(); }),
               ConstraintError);
  EXPECT_THROW(queue_->run([](Connection&) { throw std::runtime_error("a rule"); }), std::runtime_error);
  EXPECT_EQ(queue_->stats().faults, 0u);
  EXPECT_THROW(queue_->run([](Connection&) { throw DatabaseError("disk I/O error", 10); }), DatabaseError);
  EXPECT_THROW(queue_->run([](Connection&) { throw DatabaseError("database or disk is full", 13); }), DatabaseError);
  EXPECT_EQ(queue_->stats().faults, 2u);
  queue_->run([](Connection& db) { db.prepare("INSERT INTO t (k, v) VALUES (3, 'c')").run(); });
  EXPECT_EQ(queue_->stats().faults, 2u);
}

TEST_F(WriteQueueTest, ACompletionMayWriteAgainAndWait) {
  std::promise<int> second;
  queue_->submit([](Connection& db) { db.prepare("INSERT INTO t (k, v) VALUES (1, 'a')").run(); },
                 [&](std::exception_ptr e) {
                   ASSERT_FALSE(e);
                   // Runs on the syncer thread: waiting here must not deadlock.
                   second.set_value(queue_->run([](Connection& db) {
                     db.prepare("INSERT INTO t (k, v) VALUES (2, 'b')").run();
                     return 2;
                   }));
                 });
  auto future = second.get_future();
  ASSERT_EQ(future.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  EXPECT_EQ(future.get(), 2);
  EXPECT_EQ(count(), 2);
}

TEST_F(WriteQueueTest, AJobMayNotWaitForAnotherJob) {
  std::promise<std::exception_ptr> outcome;
  queue_->submit([this](Connection&) { queue_->run([](Connection&) {}); },
                 [&](std::exception_ptr e) { outcome.set_value(e); });
  auto const e = outcome.get_future().get();
  ASSERT_TRUE(e);
  EXPECT_THROW(std::rethrow_exception(e), std::logic_error);
}

TEST_F(WriteQueueTest, ManyThreadsWaitingAtOnce) {
  constexpr int kThreads = 32, kEach = 50;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        int const k = t * kEach + i;
        try {
          queue_->run([k](Connection& db) {
            db.prepare("INSERT INTO t (k, v) VALUES (?1, ?2)").bind(1, k).bind(2, "v" + std::to_string(k)).run();
          });
        } catch (...) {
          ++failures;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(count(), kThreads * kEach);
}

TEST_F(WriteQueueTest, StoppingWritesEverythingSubmitted) {
  std::atomic<int> done{0};
  for (int i = 0; i < 500; ++i) {
    queue_->submit(
        [i](Connection& db) {
          db.prepare("INSERT INTO t (k, v) VALUES (?1, ?2)").bind(1, i).bind(2, std::to_string(i)).run();
        },
        [&](std::exception_ptr e) {
          if (!e) ++done;
        });
  }
  queue_.reset();
  EXPECT_EQ(done.load(), 500);
  EXPECT_EQ(count(), 500);
}

TEST(WriteQueueFiles, SyncsTheLogSqliteWritesWhenTheDatabaseIsASymbolicLink) {
  auto const dir = std::filesystem::temp_directory_path() / ("admit-write-queue-link-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir / "real");
  std::filesystem::create_symlink(dir / "real" / "data.db", dir / "link.db");
  {
    auto connection = std::make_unique<Connection>((dir / "link.db").string());
    connection->exec("CREATE TABLE t (k INTEGER PRIMARY KEY)");
    WriteQueue queue(std::move(connection));
    queue.run([](Connection& db) { db.prepare("INSERT INTO t (k) VALUES (1)").run(); });
    // SQLite keeps its log beside the real file, not beside the link.
    EXPECT_TRUE(std::filesystem::exists(dir / "real" / "data.db-wal"));
  }
  Connection reader((dir / "real" / "data.db").string(), true);
  auto row = reader.prepare("SELECT COUNT(*) FROM t");
  row.step();
  EXPECT_EQ(row.integer(0), 1);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace admit::sqlite
