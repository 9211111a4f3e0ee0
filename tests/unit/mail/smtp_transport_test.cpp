#include "mail/smtp_transport.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace admit::mail {
namespace {

using namespace std::chrono_literals;

/// A plain-text SMTP server on 127.0.0.1 that answers from a script and records every byte a
/// client sends, so a test can see what crossed the wire. No TLS: the TLS cases run against a
/// real server in tests/api/mail_transport.test.mjs.
class ScriptedSmtpServer {
 public:
  struct Script {
    std::string greeting = "220 scripted.test ESMTP";
    std::vector<std::string> ehlo = {"250-scripted.test", "250-AUTH PLAIN", "250 8BITMIME"};
    std::map<std::string, std::string> replies = {
        {"MAIL", "250 2.1.0 ok"}, {"RCPT", "250 2.1.5 ok"}, {"DATA", "354 go ahead"},  {"AUTH", "235 2.7.0 ok"},
        {"RSET", "250 2.0.0 ok"}, {"NOOP", "250 2.0.0 ok"}, {"QUIT", "221 2.0.0 bye"}, {".", "250 2.0.0 queued as 42"},
    };
    bool silent = false;                 ///< accepts connections and never answers
    bool hang_up_after_message = false;  ///< closes the connection after accepting a message
    /// From the second transaction on one connection: answer MAIL with this and hang up, as a
    /// server does that timed the idle session out ("421 4.4.2 … timeout").
    std::string second_mail_reply;
  };

  explicit ScriptedSmtpServer(Script script) : script_(std::move(script)) {
    listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
    int const one = 1;
    (void)::setsockopt(listener_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 || ::listen(listener_, 64) != 0) {
      throw std::runtime_error("cannot listen");
    }
    socklen_t length = sizeof address;
    (void)::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length);
    port_ = ntohs(address.sin_port);
    acceptor_ = std::thread([this] { accept_loop(); });
  }

  ~ScriptedSmtpServer() {
    stopping_ = true;
    (void)::shutdown(listener_, SHUT_RDWR);
    (void)::close(listener_);
    acceptor_.join();
    std::vector<std::thread> sessions;
    {
      std::lock_guard const lock(mutex_);
      for (int fd : open_) (void)::shutdown(fd, SHUT_RDWR);  // ends each session's recv
      sessions.swap(sessions_);
    }
    for (auto& t : sessions) t.join();
  }
  ScriptedSmtpServer(ScriptedSmtpServer const&) = delete;
  ScriptedSmtpServer& operator=(ScriptedSmtpServer const&) = delete;

  std::string url(std::string const& userinfo = "") const {
    return "smtp://" + userinfo + "127.0.0.1:" + std::to_string(port_);
  }
  /// Everything clients sent, all connections together.
  std::string received() const {
    std::lock_guard const lock(mutex_);
    return received_;
  }
  /// How many connections clients opened.
  int connections() const {
    std::lock_guard const lock(mutex_);
    return connections_;
  }
  /// Waits up to two seconds until the server has closed `n` connections.
  bool wait_closed(int n) const {
    auto const deadline = std::chrono::steady_clock::now() + 2s;
    while (std::chrono::steady_clock::now() < deadline) {
      {
        std::lock_guard const lock(mutex_);
        if (closed_ >= n) return true;
      }
      std::this_thread::sleep_for(1ms);
    }
    return false;
  }
  /// The messages taken (after DATA, dot-unstuffed, without the final ".").
  std::vector<std::string> messages() const {
    std::lock_guard const lock(mutex_);
    return messages_;
  }

 private:
  void accept_loop() {
    while (!stopping_) {
      int const fd = ::accept(listener_, nullptr, nullptr);
      if (fd < 0) return;
      std::lock_guard const lock(mutex_);
      ++connections_;
      open_.push_back(fd);
      sessions_.emplace_back([this, fd] { serve(fd); });
    }
  }

  void send_line(int fd, std::string const& line) {
    auto const text = line + "\r\n";
    (void)::send(fd, text.data(), text.size(), MSG_NOSIGNAL);
  }

  void serve(int fd) {
    converse(fd);
    std::lock_guard const lock(mutex_);
    std::erase(open_, fd);
    (void)::close(fd);
    ++closed_;
  }

  void converse(int fd) {
    if (!script_.silent) send_line(fd, script_.greeting);
    if (script_.greeting.starts_with("5")) return;
    std::string buffer;
    bool in_data = false;
    int transactions = 0;
    char chunk[4096];
    for (;;) {
      auto const n = ::recv(fd, chunk, sizeof chunk, 0);
      if (n <= 0) break;
      buffer.append(chunk, static_cast<std::size_t>(n));
      {
        std::lock_guard const lock(mutex_);
        received_.append(chunk, static_cast<std::size_t>(n));
      }
      if (script_.silent) continue;
      for (;;) {
        if (in_data) {
          auto const end = buffer.find("\r\n.\r\n");
          if (end == std::string::npos) break;
          std::string message = buffer.substr(0, end + 2);
          for (std::size_t at = 0; (at = message.find("\r\n..", at)) != std::string::npos; at += 3) {
            message.erase(at + 2, 1);
          }
          if (message.starts_with("..")) message.erase(0, 1);
          buffer.erase(0, end + 5);
          in_data = false;
          auto const& reply = script_.replies.at(".");
          if (reply.starts_with("2")) {
            std::lock_guard const lock(mutex_);
            messages_.push_back(std::move(message));
          }
          send_line(fd, reply);
          if (script_.hang_up_after_message) return;
          continue;
        }
        auto const end = buffer.find("\r\n");
        if (end == std::string::npos) break;
        auto const line = buffer.substr(0, end);
        buffer.erase(0, end + 2);
        auto const verb = line.substr(0, line.find(' '));
        if (verb == "MAIL" && ++transactions > 1 && !script_.second_mail_reply.empty()) {
          send_line(fd, script_.second_mail_reply);
          return;
        }
        if (verb == "EHLO") {
          for (auto const& l : script_.ehlo) send_line(fd, l);
        } else if (auto const it = script_.replies.find(verb); it != script_.replies.end()) {
          send_line(fd, it->second);
          if (verb == "DATA" && it->second.starts_with("354")) in_data = true;
          if (verb == "QUIT") {
            (void)::shutdown(fd, SHUT_RDWR);
          }
        } else {
          send_line(fd, "502 5.5.1 unknown command");
        }
      }
    }
  }

  Script script_;
  int listener_ = -1;
  unsigned short port_ = 0;
  std::atomic<bool> stopping_{false};
  std::thread acceptor_;
  mutable std::mutex mutex_;
  std::vector<std::thread> sessions_;
  std::vector<int> open_;
  std::string received_;
  std::vector<std::string> messages_;
  int connections_ = 0;
  int closed_ = 0;
};

MailAddress const kFrom{.name = "Admit", .address = "admit@example.com"};
MailAddress const kTo{.name = "Jane", .address = "jane@example.org"};
std::string const kMessage =
    "Subject: hello\r\nMessage-Id: <m1@example.com>\r\n\r\nline one\r\n.a line that starts with a dot\r\nend\r\n";

SmtpSettings settings_for(std::string url) {
  return {.url = std::move(url), .ca_file = {}, .connect_timeout = 2s, .transfer_timeout = 5s};
}

TEST(SmtpTransport, DeliversAndReportsTheServersAcceptance) {
  ScriptedSmtpServer server({});
  SmtpTransport transport(settings_for(server.url()));
  auto const report = transport.deliver(kFrom, kTo, "m1@example.com", kMessage);
  EXPECT_EQ(report.status, DeliveryStatus::delivered) << report.reply;
  EXPECT_EQ(report.reply, "250 2.0.0 queued as 42");
  ASSERT_EQ(server.messages().size(), 1U);
  EXPECT_EQ(server.messages()[0], kMessage) << "the bytes arrive as given (dot-stuffing undone)";
  auto const wire = server.received();
  EXPECT_NE(wire.find("MAIL FROM:<admit@example.com>"), std::string::npos) << wire;
  EXPECT_NE(wire.find("RCPT TO:<jane@example.org>"), std::string::npos) << wire;
  EXPECT_EQ(wire.find("AUTH"), std::string::npos) << "no credentials, no AUTH";
}

TEST(SmtpTransport, ClassifiesEachRefusalAndKeepsItsLine) {
  struct Case {
    std::string verb;
    std::string reply;
    DeliveryStatus status;
  };
  std::vector<Case> const cases = {
      {"MAIL", "451 4.3.2 not now", DeliveryStatus::transient_failure},
      {"MAIL", "553 5.1.8 bad sender", DeliveryStatus::permanent_failure},
      {"RCPT", "452 4.2.2 mailbox full", DeliveryStatus::transient_failure},
      {"RCPT", "550 5.1.1 no such user", DeliveryStatus::permanent_failure},
      {"DATA", "451 4.3.0 try later", DeliveryStatus::transient_failure},
      {".", "451 4.7.1 greylisted, come back later", DeliveryStatus::transient_failure},
      {".", "554 5.7.1 message refused as spam", DeliveryStatus::permanent_failure},
  };
  for (auto const& c : cases) {
    ScriptedSmtpServer::Script script;
    script.replies[c.verb] = c.reply;
    ScriptedSmtpServer server(script);
    SmtpTransport transport(settings_for(server.url()));
    auto const report = transport.deliver(kFrom, kTo, "m1@example.com", kMessage);
    EXPECT_EQ(report.status, c.status) << c.verb << " " << c.reply << ": " << report.reply;
    EXPECT_EQ(report.reply, c.reply) << c.verb;
    EXPECT_TRUE(server.messages().empty());
    // Whatever the refusal left of the session, the next message starts cleanly.
    auto const again = transport.deliver(kFrom, kTo, "m2@example.com", kMessage);
    EXPECT_EQ(again.status, c.status) << c.verb << " again: " << again.reply;
    EXPECT_EQ(again.reply, c.reply) << c.verb << " again";
  }
}

TEST(SmtpTransport, AGreetingRefusalIsPermanentAndAnUnansweredConnectionTransient) {
  ScriptedSmtpServer::Script refusing;
  refusing.greeting = "554 5.3.2 no service for you";
  ScriptedSmtpServer server(refusing);
  auto const refused = SmtpTransport(settings_for(server.url())).deliver(kFrom, kTo, "m", kMessage);
  EXPECT_EQ(refused.status, DeliveryStatus::permanent_failure) << refused.reply;
  EXPECT_EQ(refused.reply, "554 5.3.2 no service for you");

  ScriptedSmtpServer::Script silent;
  silent.silent = true;
  ScriptedSmtpServer mute(silent);
  auto settings = settings_for(mute.url());
  settings.transfer_timeout = 1s;
  auto const started = std::chrono::steady_clock::now();
  auto const report = SmtpTransport(settings).deliver(kFrom, kTo, "m", kMessage);
  auto const took = std::chrono::steady_clock::now() - started;
  EXPECT_EQ(report.status, DeliveryStatus::transient_failure);
  EXPECT_NE(report.reply.find("imeout"), std::string::npos) << report.reply;
  EXPECT_LT(took, 4s) << "the whole exchange is bounded";
}

TEST(SmtpTransport, CancellingEndsADeliveryInFlightAndRefusesLaterOnes) {
  ScriptedSmtpServer::Script silent;
  silent.silent = true;
  ScriptedSmtpServer mute(silent);
  auto settings = settings_for(mute.url());
  settings.transfer_timeout = 60s;
  SmtpTransport transport(settings);
  auto const started = std::chrono::steady_clock::now();
  std::jthread stopper([&] {
    std::this_thread::sleep_for(300ms);
    transport.cancel();
  });
  auto const report = transport.deliver(kFrom, kTo, "m", kMessage);
  EXPECT_EQ(report.status, DeliveryStatus::transient_failure) << "tried again after the restart";
  EXPECT_LT(std::chrono::steady_clock::now() - started, 5s) << "not the 60 s timeout: " << report.reply;
  EXPECT_EQ(transport.deliver(kFrom, kTo, "m2", kMessage).status, DeliveryStatus::transient_failure);
}

TEST(SmtpTransport, CredentialsAreNeverSentWithoutTls) {
  // The server offers AUTH but no STARTTLS, as an attacker stripping STARTTLS would.
  ScriptedSmtpServer server({});
  SmtpTransport transport(settings_for(server.url("admit%40example.com:s3cret-Passw0rd@")));
  // Twice: the second attempt must not find a plain-text session left over by the first.
  for (int attempt = 0; attempt < 2; ++attempt) {
    auto const report = transport.deliver(kFrom, kTo, "m1@example.com", kMessage);
    EXPECT_EQ(report.status, DeliveryStatus::transient_failure) << report.reply;
    EXPECT_NE(report.reply.find("SSL"), std::string::npos) << report.reply;
  }
  auto const wire = server.received();
  EXPECT_EQ(wire.find("AUTH"), std::string::npos) << wire;
  EXPECT_EQ(wire.find("s3cret"), std::string::npos) << wire;
  // AUTH PLAIN's base64 of "\0admit@example.com\0s3cret-Passw0rd" (or any part of it).
  EXPECT_EQ(wire.find("czNjcmV0"), std::string::npos) << wire;
  EXPECT_EQ(wire.find("MAIL FROM"), std::string::npos) << "nothing is sent either";
  EXPECT_TRUE(server.messages().empty());
  EXPECT_EQ(transport.describe().find("s3cret"), std::string::npos);
}

TEST(SmtpTransport, ConsecutiveMessagesShareOneConnection) {
  ScriptedSmtpServer server({});
  SmtpTransport transport(settings_for(server.url()));
  for (int i = 0; i < 10; ++i) {
    auto const report = transport.deliver(kFrom, kTo, "m", kMessage);
    ASSERT_EQ(report.status, DeliveryStatus::delivered) << i << ": " << report.reply;
  }
  EXPECT_EQ(server.messages().size(), 10U);
  EXPECT_EQ(server.connections(), 1);
}

TEST(SmtpTransport, AServerThatHangsUpBetweenMessagesIsReconnected) {
  ScriptedSmtpServer::Script script;
  script.hang_up_after_message = true;
  ScriptedSmtpServer server(script);
  SmtpTransport transport(settings_for(server.url()));
  for (int i = 0; i < 5; ++i) {
    auto const report = transport.deliver(kFrom, kTo, "m", kMessage);
    ASSERT_EQ(report.status, DeliveryStatus::delivered) << i << ": " << report.reply;
    // The server's side is closed before the next message: an idle connection it dropped.
    ASSERT_TRUE(server.wait_closed(i + 1));
  }
  EXPECT_EQ(server.messages().size(), 5U);
  EXPECT_EQ(server.connections(), 5);
}

TEST(SmtpTransport, AKeptConnectionTheServerTimedOutIsReplacedAtOnce) {
  ScriptedSmtpServer::Script script;
  script.second_mail_reply = "421 4.4.2 scripted.test idle too long, closing";
  ScriptedSmtpServer server(script);
  SmtpTransport transport(settings_for(server.url()));
  for (int i = 0; i < 3; ++i) {
    auto const report = transport.deliver(kFrom, kTo, "m", kMessage);
    EXPECT_EQ(report.status, DeliveryStatus::delivered) << i << ": " << report.reply;
  }
  EXPECT_EQ(server.messages().size(), 3U) << "each message once";
  EXPECT_EQ(server.connections(), 3);
}

TEST(SmtpTransport, ManyThreadsDeliverAtOnce) {
  ScriptedSmtpServer server({});
  SmtpTransport transport(settings_for(server.url()));
  std::atomic<int> delivered{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10; ++i) {
        if (transport.deliver(kFrom, kTo, "m", kMessage).status == DeliveryStatus::delivered) ++delivered;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(delivered.load(), 80);
  EXPECT_EQ(server.messages().size(), 80U);
}

}  // namespace
}  // namespace admit::mail
