#include "mail/file_mailbox.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace admit::mail {
namespace {

namespace fs = std::filesystem;

class FileMailboxTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "admit-mailbox-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    root_ = pattern;
  }
  void TearDown() override { fs::remove_all(root_); }

  static std::string read(fs::path const& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream buffer;
    buffer << in.rdbuf();
    return buffer.str();
  }
  static std::vector<std::string> names_in(fs::path const& dir) {
    std::vector<std::string> names;
    for (auto const& entry : fs::directory_iterator(dir)) names.push_back(entry.path().filename().string());
    return names;
  }

  fs::path root_;
  MailAddress const from_{.name = "Admit", .address = "admit@localhost"};
  MailAddress const to_{.name = "Jane", .address = "jane@example.com"};
};

TEST_F(FileMailboxTest, WritesTheMessageAsAnEmlFileNamedAfterItsMessageId) {
  auto const dir = root_ / "data" / "mail";  // missing: created on the first message
  FileMailbox mailbox(dir);
  auto const report = mailbox.deliver(from_, to_, "abc123@example.com", "Subject: one\r\n\r\nbody\r\n");
  EXPECT_EQ(report.status, DeliveryStatus::delivered);
  EXPECT_EQ(mailbox.path_for("abc123@example.com"), dir / "abc123@example.com.eml");
  EXPECT_EQ(read(dir / "abc123@example.com.eml"), "Subject: one\r\n\r\nbody\r\n");
  EXPECT_EQ(names_in(dir), std::vector<std::string>{"abc123@example.com.eml"}) << "no temporary file is left";
}

TEST_F(FileMailboxTest, ARetryOfTheSameMessageReplacesItsFile) {
  FileMailbox mailbox(root_);
  ASSERT_EQ(mailbox.deliver(from_, to_, "same@example.com", "first attempt").status, DeliveryStatus::delivered);
  ASSERT_EQ(mailbox.deliver(from_, to_, "same@example.com", "second attempt").status, DeliveryStatus::delivered);
  ASSERT_EQ(mailbox.deliver(from_, to_, "other@example.com", "another message").status, DeliveryStatus::delivered);
  auto names = names_in(root_);
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"other@example.com.eml", "same@example.com.eml"}));
  EXPECT_EQ(read(root_ / "same@example.com.eml"), "second attempt");
}

TEST_F(FileMailboxTest, ReplacesAFileByRenameNeverByWritingIntoIt) {
  // A reader holding the old file (here: a second link to it) keeps the whole old message: the
  // new one was written elsewhere and renamed over the name, so the name always points at one
  // complete message, even if the process dies halfway through writing.
  FileMailbox mailbox(root_);
  ASSERT_EQ(mailbox.deliver(from_, to_, "m@example.com", "the old message").status, DeliveryStatus::delivered);
  auto const name = root_ / "m@example.com.eml";
  auto const old_link = root_ / "old-link";
  fs::create_hard_link(name, old_link);
  ASSERT_EQ(mailbox.deliver(from_, to_, "m@example.com", "the new message, longer").status, DeliveryStatus::delivered);
  EXPECT_EQ(read(old_link), "the old message");
  EXPECT_EQ(read(name), "the new message, longer");
  struct stat before {};
  struct stat after {};
  ASSERT_EQ(::stat(old_link.c_str(), &before), 0);
  ASSERT_EQ(::stat(name.c_str(), &after), 0);
  EXPECT_NE(before.st_ino, after.st_ino);
}

TEST_F(FileMailboxTest, ThreadsWritingTheSameMessageLeaveOneWholeFile) {
  FileMailbox mailbox(root_);
  std::vector<std::thread> threads;
  std::atomic<int> delivered{0};
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      std::string const body(64 * 1024, static_cast<char>('a' + t));
      for (int i = 0; i < 20; ++i) {
        if (mailbox.deliver(from_, to_, "race@example.com", body).status == DeliveryStatus::delivered) ++delivered;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(delivered.load(), 160);
  EXPECT_EQ(names_in(root_), std::vector<std::string>{"race@example.com.eml"});
  auto const content = read(root_ / "race@example.com.eml");
  ASSERT_EQ(content.size(), 64U * 1024U);
  EXPECT_EQ(content, std::string(content.size(), content.front())) << "one writer's whole message, never a mix";
}

TEST_F(FileMailboxTest, ADiskErrorIsATransientFailureNamingIt) {
  auto const file = root_ / "not-a-directory";
  std::ofstream(file) << "x";
  FileMailbox mailbox(file / "mail");
  auto const report = mailbox.deliver(from_, to_, "m@example.com", "message");
  EXPECT_EQ(report.status, DeliveryStatus::transient_failure);
  EXPECT_NE(report.reply.find("Not a directory"), std::string::npos) << report.reply;
}

TEST(MailboxFileName, KeepsPlainIdsAndMakesOthersSafeAndDistinct) {
  EXPECT_EQ(mailbox_file_name("0a1b.confirmation@tickets.example.com"), "0a1b.confirmation@tickets.example.com.eml");
  auto const traversal = mailbox_file_name("../../etc/passwd@x");
  EXPECT_EQ(traversal.find('/'), std::string::npos);
  EXPECT_FALSE(traversal.starts_with("."));
  EXPECT_TRUE(traversal.ends_with(".eml"));
  EXPECT_NE(mailbox_file_name("a/b@x"), mailbox_file_name("a_b@x")) << "a replaced byte adds the id's hash";
  EXPECT_NE(mailbox_file_name("a/b@x"), mailbox_file_name("a\\b@x"));
  EXPECT_EQ(mailbox_file_name("a/b@x"), mailbox_file_name("a/b@x"));
  std::string const long_id(1000, 'x');
  EXPECT_LE(mailbox_file_name(long_id).size(), 255U);
  EXPECT_NE(mailbox_file_name(long_id), mailbox_file_name(long_id + "y"));
  EXPECT_NE(mailbox_file_name(""), ".eml");
}

}  // namespace
}  // namespace admit::mail
