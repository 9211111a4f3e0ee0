// The sender's rules: what it sends for each kind, when it tries again, when it gives up,
// what it drops, and that every attempt carries the same message.

#include "app/mail_sender.hpp"
#include "app/mail_messages.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <deque>
#include <stdexcept>
#include <thread>

#include "support/fakes.hpp"

namespace admit {
namespace {

using namespace std::chrono_literals;

/// Keeps what it composes; the "message" names its id and subject.
class RecordingComposer final : public MailComposer {
 public:
  std::string compose(MailContent const& content) override {
    if (refuse) throw std::invalid_argument("not an address: " + content.to.address);
    composed.push_back(content);
    return "Message-ID: <" + content.message_id + ">\r\nSubject: " + content.subject + "\r\n";
  }
  std::vector<MailContent> composed;
  bool refuse = false;
};

/// Answers each delivery with the next scripted report (delivered when none is left).
class ScriptedTransport final : public MailTransport {
 public:
  DeliveryReport deliver(MailAddress const&, MailAddress const& to, std::string_view message_id,
                         std::string const& message) override {
    delivered_to.push_back(to.address);
    message_ids.emplace_back(message_id);
    messages.push_back(message);
    if (script.empty()) return {DeliveryStatus::delivered, "250 2.0.0 queued"};
    auto next = script.front();
    script.pop_front();
    return next;
  }
  std::string describe() const override { return "scripted"; }

  std::deque<DeliveryReport> script;
  std::vector<std::string> delivered_to;
  std::vector<std::string> message_ids;
  std::vector<std::string> messages;
};

class MailSenderTest : public ::testing::Test {
 protected:
  MailSenderTest() {
    User ann;
    ann.id = "u1";
    ann.email = "ann@example.com";
    ann.name = "Ann";
    store_.users["u1"] = ann;
    Event event;
    event.id = "e1";
    event.organizer_id = "o1";
    event.details.name = "東京ジャズ・ナイト";
    event.details.starts_at = start() + std::chrono::days(30);
    event.details.timezone = "Asia/Tokyo";
    event.details.location = "Tokyo";
    event.details.capacity = 100;
    event.details.currency = "JPY";
    store_.events["e1"] = event;
    RegistrationDetail order;
    order.registration.id = "r1";
    order.registration.event_id = "e1";
    order.registration.user_id = "u1";
    order.registration.quantity = 2;
    order.registration.status = RegistrationStatus::confirmed;
    order.registration.currency = "JPY";
    order.registration.registered_at = start();
    for (int i = 1; i <= 2; ++i) {
      Ticket t;
      t.id = "t" + std::to_string(i);
      t.registration_id = "r1";
      t.event_id = "e1";
      t.user_id = "u1";
      t.qr_code = "QR" + std::to_string(i);
      t.generated_at = start();
      t.position = i;
      t.holder_name = "Ann";
      order.tickets.push_back(t);
    }
    store_.registrations["r1"] = order;
  }

  static Timestamp start() { return Timestamp{std::chrono::seconds{1'800'000'000}}; }

  void queue(MailKind kind, std::string id, bool paid = false) {
    store_.queue_mail(OutboxEntry{.id = std::move(id),
                                  .kind = kind,
                                  .user_id = "u1",
                                  .registration_id = "r1",
                                  .event_id = "e1",
                                  .paid = paid,
                                  .created_at = start()});
  }
  void advance(std::chrono::milliseconds by) { now_ += by; }
  test::FakeStore::StoredMail const& row(std::string const& id) { return store_.outbox.at(id); }

  test::FakeStore store_;
  test::FakePrinter printer_;
  RecordingComposer composer_;
  ScriptedTransport transport_;
  MailClock now_{start()};
  MailSettings settings_{.from = {"Admit", "tickets@admit.test"},
                         .message_domain = "admit.test",
                         .public_url = "https://tickets.example",
                         .retry = {.base = 1000ms, .max_delay = 8000ms, .give_up_after = 60s},
                         .caps = {.per_hour = 2, .per_day = 3}};
  MailSender sender_{
      store_, store_, store_, store_, printer_, composer_, transport_, settings_, [this] { return now_; }};
};

TEST_F(MailSenderTest, SendsAConfirmationWithEveryTicketAndTheEventThenRecordsItSent) {
  queue(MailKind::registration_confirmed, "registration_confirmed.r1");
  EXPECT_EQ(sender_.send_due(), 1);
  ASSERT_EQ(composer_.composed.size(), 1u);
  auto const& mail = composer_.composed[0];
  EXPECT_EQ(mail.to.address, "ann@example.com");
  EXPECT_EQ(mail.to.name, "Ann");
  EXPECT_EQ(mail.from.address, "tickets@admit.test");
  EXPECT_EQ(mail.message_id, "registration_confirmed.r1@admit.test");
  EXPECT_NE(mail.subject.find("東京ジャズ・ナイト"), std::string::npos);
  EXPECT_NE(mail.text.find("https://tickets.example/tickets"), std::string::npos);
  ASSERT_EQ(mail.attachments.size(), 3u);
  EXPECT_EQ(mail.attachments[0].filename, "ticket-1.pdf");
  EXPECT_EQ(mail.attachments[0].data, "%PDF-fake t1");
  EXPECT_EQ(mail.attachments[1].data, "%PDF-fake t2");
  EXPECT_EQ(mail.attachments[2].filename, "event.ics");
  EXPECT_NE(mail.attachments[2].data.find("BEGIN:VEVENT"), std::string::npos);
  auto const& stored = row("registration_confirmed.r1");
  EXPECT_EQ(stored.message.status, MailStatus::sent);
  EXPECT_EQ(stored.message.attempts, 1);
  EXPECT_EQ(stored.sent_to, "ann@example.com");
  EXPECT_EQ(sender_.counters().sent.load(), 1);
  EXPECT_EQ(sender_.send_due(), 0) << "a sent message is not sent again";
}

TEST_F(MailSenderTest, TheConfirmationSaysWhenTheEventEndsWhenItHasAnEnd) {
  auto& event = store_.events["e1"];
  event.details.starts_at = std::chrono::sys_days{std::chrono::year{2031} / 3 / 14} + std::chrono::hours(10);
  event.details.ends_at = event.details.starts_at + std::chrono::hours(3);
  queue(MailKind::registration_confirmed, "registration_confirmed.r1");
  ASSERT_EQ(sender_.send_due(), 1);
  ASSERT_EQ(composer_.composed.size(), 1u);
  EXPECT_NE(composer_.composed[0].text.find("Friday, 14 March 2031 · 19:00 – 22:00 JST"), std::string::npos)
      << composer_.composed[0].text;
}

TEST_F(MailSenderTest, ATicketCancelledMeanwhileIsNotAttached) {
  store_.registrations["r1"].tickets[1].status = TicketStatus::cancelled;
  queue(MailKind::registration_confirmed, "registration_confirmed.r1");
  sender_.send_due();
  ASSERT_EQ(composer_.composed.size(), 1u);
  EXPECT_EQ(composer_.composed[0].attachments.size(), 2u) << "one ticket and the .ics";
}

TEST_F(MailSenderTest, ATemporaryRefusalIsTriedAgainLaterWithTheDelayDoublingAndTheSameMessage) {
  transport_.script = {{DeliveryStatus::transient_failure, "451 4.3.0 try later"},
                       {DeliveryStatus::transient_failure, "451 4.3.0 still busy"}};
  queue(MailKind::registration_confirmed, "registration_confirmed.r1");
  sender_.send_due();
  EXPECT_EQ(row("registration_confirmed.r1").message.status, MailStatus::retrying);
  EXPECT_EQ(row("registration_confirmed.r1").last_error, "451 4.3.0 try later");
  EXPECT_EQ(row("registration_confirmed.r1").due, now_ + 1000ms);
  advance(999ms);
  EXPECT_EQ(sender_.send_due(), 0) << "not before its time";
  advance(1ms);
  EXPECT_EQ(sender_.send_due(), 1);
  EXPECT_EQ(row("registration_confirmed.r1").due, now_ + 2000ms) << "the delay doubles";
  advance(2000ms);
  sender_.send_due();
  EXPECT_EQ(row("registration_confirmed.r1").message.status, MailStatus::sent);
  EXPECT_EQ(row("registration_confirmed.r1").message.attempts, 3);
  ASSERT_EQ(transport_.messages.size(), 3u);
  EXPECT_EQ(transport_.messages[0], transport_.messages[2]) << "every attempt carries the same bytes";
  EXPECT_EQ(transport_.message_ids[0], transport_.message_ids[2]);
}

TEST_F(MailSenderTest, APermanentRefusalFailsAtOnceWithTheServersReply) {
  transport_.script = {{DeliveryStatus::permanent_failure, "550 5.1.1 no such user"}};
  queue(MailKind::registration_confirmed, "registration_confirmed.r1");
  sender_.send_due();
  EXPECT_EQ(row("registration_confirmed.r1").message.status, MailStatus::failed);
  EXPECT_EQ(row("registration_confirmed.r1").last_error, "550 5.1.1 no such user");
  advance(std::chrono::hours(2));
  EXPECT_EQ(sender_.send_due(), 0);
  EXPECT_EQ(transport_.messages.size(), 1u);
}

TEST_F(MailSenderTest, GivesUpWhenTheNextAttemptWouldFallAfterTheGiveUpTime) {
  for (int i = 0; i < 20; ++i) transport_.script.push_back({DeliveryStatus::transient_failure, "421 down"});
  queue(MailKind::registration_confirmed, "registration_confirmed.r1");
  for (int i = 0; i < 20 && is_pending(row("registration_confirmed.r1").message.status); ++i) {
    now_ = std::max(now_, row("registration_confirmed.r1").due);
    sender_.send_due();
  }
  auto const& stored = row("registration_confirmed.r1");
  EXPECT_EQ(stored.message.status, MailStatus::failed);
  EXPECT_EQ(stored.last_error, "421 down");
  // Attempts at 0, 1, 3, 7, 15, 23, … 55 s (the delay doubles up to 8 s); after the tenth the
  // next would come at 63 s, past the 60 s to give up after.
  EXPECT_EQ(stored.message.attempts, 10);
  EXPECT_LE(now_, MailClock{start()} + 60s);
}

TEST_F(MailSenderTest, AResetForAnAddressWithoutAccountIsSkippedAndSendsNothing) {
  store_.queue_mail(OutboxEntry{.id = "p1",
                                .kind = MailKind::password_reset,
                                .recipient = "nobody@example.com",
                                .secret = "s3cret",
                                .created_at = start()});
  sender_.send_due();
  EXPECT_EQ(row("p1").message.status, MailStatus::skipped);
  EXPECT_TRUE(row("p1").message.entry.secret.empty()) << "the secret goes with the message";
  EXPECT_TRUE(transport_.messages.empty());
}

TEST_F(MailSenderTest, AResetGoesToTheAccountWithItsLink) {
  store_.queue_mail(OutboxEntry{.id = "p1",
                                .kind = MailKind::password_reset,
                                .recipient = "ann@example.com",
                                .secret = "s3cret",
                                .created_at = start()});
  sender_.send_due();
  ASSERT_EQ(composer_.composed.size(), 1u);
  EXPECT_NE(composer_.composed[0].text.find("https://tickets.example/reset-password?token=s3cret"), std::string::npos);
  EXPECT_NE(composer_.composed[0].html.find("https://tickets.example/reset-password?token=s3cret"), std::string::npos);
  EXPECT_EQ(row("p1").message.status, MailStatus::sent);
  EXPECT_TRUE(row("p1").message.entry.secret.empty());
}

TEST_F(MailSenderTest, OverTheRecipientsCapAFreeConfirmationIsDroppedButAPaidOneGoes) {
  queue(MailKind::registration_confirmed, "a");
  queue(MailKind::registration_confirmed, "b");
  queue(MailKind::registration_confirmed, "c");
  queue(MailKind::registration_confirmed, "d", /*paid=*/true);
  while (sender_.send_due() > 0) {
  }
  EXPECT_EQ(row("a").message.status, MailStatus::sent);
  EXPECT_EQ(row("b").message.status, MailStatus::sent);
  EXPECT_EQ(row("c").message.status, MailStatus::dropped);
  EXPECT_NE(row("c").last_error.find("cap"), std::string::npos);
  EXPECT_EQ(row("d").message.status, MailStatus::sent) << "a paid order's confirmation is never dropped";
  EXPECT_EQ(sender_.counters().dropped.load(), 1);
  advance(std::chrono::hours(1));
  queue(MailKind::hold_expired, "e");
  sender_.send_due();
  EXPECT_EQ(row("e").message.status, MailStatus::dropped) << "the day's cap of 3 is reached";
}

TEST_F(MailSenderTest, AConfirmationOfARegistrationNoLongerConfirmedIsSkipped) {
  store_.registrations["r1"].registration.status = RegistrationStatus::cancelled;
  queue(MailKind::registration_confirmed, "registration_confirmed.r1");
  sender_.send_due();
  EXPECT_EQ(row("registration_confirmed.r1").message.status, MailStatus::skipped);
  EXPECT_TRUE(transport_.messages.empty());
}

TEST_F(MailSenderTest, AMessageTheComposerRefusesFailsAtOnce) {
  composer_.refuse = true;
  queue(MailKind::registration_confirmed, "registration_confirmed.r1");
  sender_.send_due();
  EXPECT_EQ(row("registration_confirmed.r1").message.status, MailStatus::failed);
  EXPECT_NE(row("registration_confirmed.r1").last_error.find("not an address"), std::string::npos);
}

TEST_F(MailSenderTest, AnEventCancellationCarriesTheCancelledEventForTheCalendar) {
  store_.events["e1"].status = EventStatus::cancelled;
  queue(MailKind::event_cancelled, "event_cancelled.r1");
  sender_.send_due();
  ASSERT_EQ(composer_.composed.size(), 1u);
  ASSERT_EQ(composer_.composed[0].attachments.size(), 1u);
  EXPECT_NE(composer_.composed[0].attachments[0].data.find("STATUS:CANCELLED"), std::string::npos);
}

TEST_F(MailSenderTest, AClaimedMessageIsLeftToItsSenderUntilTheLeaseRunsOut) {
  queue(MailKind::registration_confirmed, "registration_confirmed.r1");
  auto const claimed = store_.claim_mail(now_, settings_.lease, 10);
  ASSERT_EQ(claimed.size(), 1u);
  EXPECT_EQ(sender_.send_due(), 0) << "another sender holds it";
  advance(settings_.lease);
  EXPECT_EQ(sender_.send_due(), 1) << "its sender died: the lease ran out";
  EXPECT_EQ(row("registration_confirmed.r1").message.status, MailStatus::sent);
}

TEST_F(MailSenderTest, WhileTheNodeIsBusyMessagesTrickleAtTheBusyRateThenDrain) {
  for (int i = 0; i < 30; ++i) queue(MailKind::hold_expired, "m" + std::to_string(i));
  settings_.caps = {.per_hour = 1000, .per_day = 1000};
  settings_.busy_rate = 10;
  settings_.concurrency = 1;  // the fakes are not thread-safe
  settings_.idle_poll = 20ms;
  std::atomic<bool> busy{true};
  std::atomic<int> sent_while_busy{0};
  MailSender sender(
      store_, store_, store_, store_, printer_, composer_, transport_, settings_, [this] { return now_; },
      [&] { return busy.load(); });
  auto const sent = [&] { return static_cast<int>(sender.counters().sent.load()); };
  sender.start();
  std::this_thread::sleep_for(500ms);
  sent_while_busy = sent();
  busy = false;
  auto const deadline = std::chrono::steady_clock::now() + 10s;
  while (sent() < 30 && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(10ms);
  sender.stop();
  // 10 a second for half a second: about 5 (the first goes at once); never the whole backlog.
  EXPECT_GE(sent_while_busy.load(), 1) << "a busy node still sends, slowly";
  EXPECT_LE(sent_while_busy.load(), 9);
  EXPECT_EQ(sent(), 30) << "the backlog drains once the node is no longer busy";
}

TEST(MailMessagesTest, HtmlEscapesWhatPeopleTyped) {
  MessageBody body;
  body.paragraph("<script>alert(1)</script> & \"x\"").link("a\"b", "https://x/?a=1&b=<2>");
  auto const html = body.html("T<itle>");
  EXPECT_EQ(html.find("<script>"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;x&quot;"), std::string::npos);
  EXPECT_NE(html.find("href=\"https://x/?a=1&amp;b=&lt;2&gt;\""), std::string::npos);
  EXPECT_NE(html.find("<title>T&lt;itle&gt;</title>"), std::string::npos);
  EXPECT_NE(body.text().find("https://x/?a=1&b=<2>"), std::string::npos) << "the text part stays as typed";
}

}  // namespace
}  // namespace admit
