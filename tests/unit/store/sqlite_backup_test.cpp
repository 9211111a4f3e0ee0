/// The SQLite snapshot behind `admit backup` (store/sqlite/sqlite_backup): a copy of one moment
/// while a writer goes on, one self-contained file, and the checks a restore relies on.

#include <gtest/gtest.h>

#include <unistd.h>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "store/sqlite/sqlite.hpp"
#include "store/sqlite/sqlite_backup.hpp"

namespace admit::sqlite {
namespace {

class SqliteSnapshotTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("admit-snapshot-" + std::to_string(::getpid()) + "-" +
                                                     ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  static std::int64_t scalar(std::filesystem::path const& db, std::string const& sql) {
    Connection reader(db.string(), true);
    auto row = reader.prepare(sql);
    EXPECT_TRUE(row.step());
    return row.integer(0);
  }

  std::filesystem::path dir_;
};

TEST_F(SqliteSnapshotTest, CopiesOneMomentWhileAWriterGoesOn) {
  auto const source = dir_ / "live.db";
  Connection writer(source.string());  // WAL, as the server's
  writer.exec("CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT NOT NULL)");
  writer.exec("CREATE INDEX t_v ON t (v)");
  auto insert_batch = [&writer] {
    Transaction tx(writer);
    for (int i = 0; i < 10; ++i) writer.prepare("INSERT INTO t (v) VALUES (hex(randomblob(64)))").run();
    tx.commit();
  };
  for (int i = 0; i < 100; ++i) insert_batch();  // 1000 rows committed before the copy

  std::atomic<bool> stop{false};
  std::atomic<int> batches_during{0};
  std::thread busy([&] {
    while (!stop) {
      insert_batch();
      ++batches_during;
    }
  });
  // Let the writer get going, so the copy runs while transactions commit.
  while (batches_during < 20) std::this_thread::yield();
  auto const copy = dir_ / "copy.db";
  snapshot_database(source, copy);
  int const committed_by_then = batches_during;
  stop = true;
  busy.join();

  EXPECT_EQ(integrity_problems(copy), "");
  auto const rows = scalar(copy, "SELECT COUNT(*) FROM t");
  EXPECT_GE(rows, 1000 + 10 * 20) << "every transaction committed before the copy began";
  EXPECT_EQ(rows % 10, 0) << "whole transactions only: one moment";
  EXPECT_LE(rows, 1000 + 10 * (committed_by_then + 1));
  EXPECT_GT(scalar(source, "SELECT COUNT(*) FROM t"), rows) << "the writer went on meanwhile";
}

TEST_F(SqliteSnapshotTest, TheCopyIsOneSelfContainedFile) {
  auto const source = dir_ / "live.db";
  {
    Connection writer(source.string());
    writer.exec("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT, applied_at BIGINT)");
    writer.exec("INSERT INTO schema_migrations VALUES (3, 'a', 0), (7, 'b', 0)");
    auto const copy = dir_ / "copy.db";
    snapshot_database(source, copy);  // while `writer` keeps the source open in WAL mode
    EXPECT_FALSE(std::filesystem::exists(dir_ / "copy.db-wal"));
    Connection reader(copy.string(), true);
    auto mode = reader.prepare("PRAGMA journal_mode");
    ASSERT_TRUE(mode.step());
    EXPECT_EQ(mode.text(0), "delete");
    EXPECT_EQ(schema_version_of(copy), 7);
  }
  EXPECT_THROW(snapshot_database(dir_ / "missing.db", dir_ / "never.db"), DatabaseError);
}

TEST_F(SqliteSnapshotTest, IntegrityCheckFindsDamageAndFilesThatAreNoDatabase) {
  auto const db = dir_ / "damaged.db";
  {
    Connection writer(db.string());
    writer.exec("PRAGMA journal_mode = DELETE");
    writer.exec("CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT NOT NULL)");
    writer.exec("CREATE INDEX t_v ON t (v)");
    writer.exec(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000) "
        "INSERT INTO t (v) SELECT hex(randomblob(40)) FROM n");
  }
  EXPECT_EQ(integrity_problems(db), "");
  EXPECT_EQ(schema_version_of(db), 0) << "no schema_migrations table";
  auto const page_size = scalar(db, "PRAGMA page_size");
  auto const pages = scalar(db, "PRAGMA page_count");
  {
    std::fstream file(db, std::ios::in | std::ios::out | std::ios::binary);
    std::string const junk(12, 'Z');
    for (std::int64_t p = pages / 2; p < pages; ++p) {  // b-tree page headers in the second half
      file.seekp(p * page_size);
      file.write(junk.data(), static_cast<std::streamsize>(junk.size()));
    }
  }
  EXPECT_NE(integrity_problems(db), "");

  auto const text = dir_ / "notes.txt";
  std::ofstream(text) << std::string(8192, 'x');
  EXPECT_NE(integrity_problems(text), "");
}

}  // namespace
}  // namespace admit::sqlite
