// The ticket use cases against fakes: every outcome of a scan at the door (admitted, already
// used, cancelled, unknown, another event's, forged or altered, a scanner without the right),
// and who may read a ticket, its PDF and the event's scan keys.
#include "app/tickets.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <string>

#include "support/fakes.hpp"

namespace admit {
namespace {

using namespace std::chrono_literals;
using Scan = ScanOutcome::Result;

class TicketsTest : public ::testing::Test {
 protected:
  TicketsTest() {
    add_event("jazz", "olga");
    add_event("opera", "rita");
    store_.staff.insert({"jazz", "sam"});
    ticket_ = add_ticket("t-1", "jazz", "ada");
  }

  void add_event(std::string const& id, std::string const& organizer) {
    Event event;
    event.id = id;
    event.organizer_id = organizer;
    event.details.name = id + " night";
    event.details.starts_at = clock_.now() + 24h;
    event.details.timezone = "Europe/Berlin";
    event.details.location = "Blue Room";
    event.details.capacity = 100;
    event.details.price_minor = 2500;
    event.details.currency = "EUR";
    store_.events[id] = event;
  }

  /// A ticket the server issued and stored, with its genuine code.
  Ticket add_ticket(std::string const& id, std::string const& event_id, std::string const& user_id) {
    Ticket ticket;
    ticket.id = id;
    ticket.registration_id = "r-" + id;
    ticket.event_id = event_id;
    ticket.user_id = user_id;
    ticket.qr_code = codes_.issue({id, event_id, user_id, 0});
    ticket.generated_at = clock_.now();
    ticket.position = 1;
    store_.tickets[id] = ticket;
    return ticket;
  }

  Result<ScanOutcome> scan(Principal const& who, std::string const& code,
                           std::optional<std::string> const& event_id = std::nullopt) {
    std::optional<Result<ScanOutcome>> answer;
    tickets_.validate_ticket(who, code, event_id, actor_, [&](Result<ScanOutcome> r) { answer = std::move(r); });
    if (!answer) {
      ADD_FAILURE() << "validate_ticket did not answer";
      return fail(Errc::unavailable, "no answer");
    }
    return std::move(*answer);
  }

  /// The outcome of a scan that must not fail.
  Scan outcome(Principal const& who, std::string const& code,
               std::optional<std::string> const& event_id = std::nullopt) {
    auto const scanned = scan(who, code, event_id);
    if (!scanned) {
      ADD_FAILURE() << "the scan failed: " << scanned.error().detail;
      return Scan::invalid;
    }
    return scanned->result;
  }

  static TicketingSettings settings() {
    TicketingSettings s;
    s.download_link_ttl = 600s;
    s.public_url = "https://admit.test";
    return s;
  }

  test::FakeStore store_;
  test::FakeTicketCodes codes_;
  test::FakeDownloadLinks links_;
  test::FakePrinter printer_;
  test::FakeClock clock_;
  Tickets tickets_{store_, store_, store_, store_, codes_, links_, printer_, clock_, settings()};
  Actor const actor_{"sam", "req-1"};
  Principal const organizer_{"olga", Role::attendee | Role::organizer};
  Principal const staff_{"sam", Role::attendee};
  Principal const admin_{"root", Role::admin};
  Principal const holder_{"ada", Role::attendee};
  Principal const stranger_{"eve", Role::attendee | Role::organizer};
  Ticket ticket_;
};

// ---- validate_ticket: the outcomes ------------------------------------------------------

TEST_F(TicketsTest, AdmitsAnIssuedTicketOnceThenSaysItWasUsed) {
  auto const first = scan(staff_, ticket_.qr_code, "jazz");
  ASSERT_TRUE(first) << first.error().detail;
  EXPECT_EQ(first->result, Scan::valid);
  ASSERT_TRUE(first->ticket);
  EXPECT_EQ(first->ticket->id, "t-1");
  ASSERT_EQ(store_.redemptions.size(), 1u);
  auto const& asked = store_.redemptions[0];
  EXPECT_EQ(asked.ticket_id, "t-1");
  EXPECT_EQ(asked.event_id, "jazz");
  EXPECT_EQ(asked.code, ticket_.qr_code);
  EXPECT_EQ(asked.now, clock_.now());
  EXPECT_EQ(asked.actor.user_id, "sam");
  EXPECT_EQ(asked.actor.request_id, "req-1");

  auto const second = scan(staff_, ticket_.qr_code, "jazz");
  ASSERT_TRUE(second);
  EXPECT_EQ(second->result, Scan::already_used);
  ASSERT_TRUE(second->ticket);
  EXPECT_EQ(second->ticket->id, "t-1");
}

TEST_F(TicketsTest, TheOrganizerAnAdminAndAcceptedStaffMayScan) {
  auto const by_admin = add_ticket("t-2", "jazz", "ada");
  auto const by_organizer = add_ticket("t-3", "jazz", "ada");
  EXPECT_EQ(outcome(staff_, ticket_.qr_code, "jazz"), Scan::valid);
  EXPECT_EQ(outcome(admin_, by_admin.qr_code, "jazz"), Scan::valid);
  EXPECT_EQ(outcome(organizer_, by_organizer.qr_code), Scan::valid) << "without naming the event";
}

TEST_F(TicketsTest, ACancelledTicketIsCancelled) {
  store_.tickets["t-1"].status = TicketStatus::cancelled;
  auto const scanned = scan(staff_, ticket_.qr_code, "jazz");
  ASSERT_TRUE(scanned);
  EXPECT_EQ(scanned->result, Scan::cancelled);
  EXPECT_FALSE(store_.tickets["t-1"].validated_at);
}

TEST_F(TicketsTest, AnAuthenticCodeTheStoreDoesNotKnowIsInvalid) {
  auto const never_stored = codes_.issue({"t-404", "jazz", "ada", 0});
  auto const scanned = scan(staff_, never_stored, "jazz");
  ASSERT_TRUE(scanned);
  EXPECT_EQ(scanned->result, Scan::invalid);
  EXPECT_FALSE(scanned->ticket);
}

TEST_F(TicketsTest, ATicketTheStoreFindsOfAnotherEventIsTheWrongEvent) {
  // The code names "jazz", the ticket stored with it belongs to "opera": the store's answer.
  auto ticket = add_ticket("t-5", "jazz", "ada");
  store_.tickets["t-5"].event_id = "opera";
  auto const scanned = scan(staff_, ticket.qr_code, "jazz");
  ASSERT_TRUE(scanned);
  EXPECT_EQ(scanned->result, Scan::wrong_event);
  EXPECT_EQ(store_.redemptions.size(), 1u);
}

TEST_F(TicketsTest, AnotherEventsAuthenticTicketIsTheWrongEventAndNotRedeemed) {
  auto const opera = add_ticket("t-6", "opera", "ada");
  auto const scanned = scan(staff_, opera.qr_code, "jazz");
  ASSERT_TRUE(scanned);
  EXPECT_EQ(scanned->result, Scan::wrong_event);
  EXPECT_TRUE(store_.redemptions.empty());
  EXPECT_FALSE(store_.tickets["t-6"].validated_at);
}

TEST_F(TicketsTest, AForgedCodeNamingAnotherEventIsInvalidNotTheWrongEvent) {
  auto const forged = test::FakeTicketCodes::forge({"t-6", "opera", "ada", 0});
  auto const scanned = scan(staff_, forged, "jazz");
  ASSERT_TRUE(scanned);
  EXPECT_EQ(scanned->result, Scan::invalid);
  EXPECT_TRUE(store_.redemptions.empty());
}

TEST_F(TicketsTest, AForgedCodeOfTheScannedEventIsInvalidAndLeavesTheTicketUnused) {
  auto const forged = test::FakeTicketCodes::forge({"t-1", "jazz", "ada", 0});
  EXPECT_EQ(outcome(staff_, forged, "jazz"), Scan::invalid);
  EXPECT_EQ(outcome(staff_, forged), Scan::invalid);
  EXPECT_FALSE(store_.tickets["t-1"].validated_at);
  EXPECT_EQ(outcome(staff_, ticket_.qr_code, "jazz"), Scan::valid) << "the genuine code still admits once";
}

TEST_F(TicketsTest, AnAlteredCodeIsInvalid) {
  // The issued code with another holder written in: the signature no longer matches.
  auto altered = ticket_.qr_code;
  altered.replace(altered.find(".ada."), 5, ".bob.");
  ASSERT_TRUE(codes_.decode(altered)) << "still well-formed";
  EXPECT_EQ(outcome(staff_, altered, "jazz"), Scan::invalid);
  EXPECT_FALSE(store_.tickets["t-1"].validated_at);
}

TEST_F(TicketsTest, TextThatIsNoTicketCodeIsInvalid) {
  for (std::string const text : {"", "hello", "T.t-1.jazz", "https://example.com/t-1"}) {
    SCOPED_TRACE(text);
    EXPECT_EQ(outcome(staff_, text, "jazz"), Scan::invalid);
    EXPECT_EQ(outcome(staff_, text), Scan::invalid);
  }
  EXPECT_TRUE(store_.redemptions.empty());
}

TEST_F(TicketsTest, ACodeOfAnEventThatDoesNotExistIsInvalid) {
  auto const code = codes_.issue({"t-7", "gone", "ada", 0});
  EXPECT_EQ(outcome(admin_, code), Scan::invalid);
  EXPECT_TRUE(store_.redemptions.empty());
}

TEST_F(TicketsTest, ScanningAnEventThatDoesNotExistIsNotFound) {
  auto const scanned = scan(staff_, ticket_.qr_code, "gone");
  ASSERT_FALSE(scanned);
  EXPECT_EQ(scanned.error().code, Errc::not_found);
}

TEST_F(TicketsTest, WhoIsNotStaffOfTheEventMayNotScanIt) {
  // Naming the event: refused before the code is looked at.
  auto const named = scan(stranger_, ticket_.qr_code, "jazz");
  ASSERT_FALSE(named);
  EXPECT_EQ(named.error().code, Errc::forbidden);
  // Staff of another event only.
  auto const other = scan(staff_, add_ticket("t-8", "opera", "ada").qr_code, "opera");
  ASSERT_FALSE(other);
  EXPECT_EQ(other.error().code, Errc::forbidden);
  // Not naming it: the authentic code's event decides.
  auto const unnamed = scan(stranger_, ticket_.qr_code);
  ASSERT_FALSE(unnamed);
  EXPECT_EQ(unnamed.error().code, Errc::forbidden);
  EXPECT_TRUE(store_.redemptions.empty());
  EXPECT_FALSE(store_.tickets["t-1"].validated_at);
}

TEST_F(TicketsTest, AForgedCodeTellsAScannerWithoutTheRightNothing) {
  auto const forged = test::FakeTicketCodes::forge({"t-1", "jazz", "ada", 0});
  EXPECT_EQ(outcome(stranger_, forged), Scan::invalid) << "not 'forbidden', which would confirm the event";
  EXPECT_TRUE(store_.redemptions.empty());
}

TEST_F(TicketsTest, AnAcceptedInvitationCountsAtOnceAndARemovedOneEndsWithForgetStaff) {
  Principal const newcomer{"nina", Role::attendee};
  ASSERT_FALSE(scan(newcomer, ticket_.qr_code, "jazz")) << "not staff yet";
  store_.staff.insert({"jazz", "nina"});
  EXPECT_EQ(outcome(newcomer, ticket_.qr_code, "jazz"), Scan::valid) << "a refusal is not remembered";

  store_.staff.erase({"jazz", "nina"});
  tickets_.forget_staff("jazz", "nina");
  auto const removed = scan(newcomer, ticket_.qr_code, "jazz");
  ASSERT_FALSE(removed);
  EXPECT_EQ(removed.error().code, Errc::forbidden);
}

TEST_F(TicketsTest, TheUsualScanComparesCodesInsteadOfCheckingSignatures) {
  EXPECT_EQ(outcome(staff_, ticket_.qr_code, "jazz"), Scan::valid);
  EXPECT_EQ(outcome(staff_, ticket_.qr_code), Scan::already_used);
  EXPECT_EQ(codes_.checks, 0);
}

TEST_F(TicketsTest, AFailedRedemptionIsPassedOn) {
  store_.redeem_failure = fail(Errc::unavailable, "the disk is full").error();
  auto const scanned = scan(staff_, ticket_.qr_code, "jazz");
  ASSERT_FALSE(scanned);
  EXPECT_EQ(scanned.error().code, Errc::unavailable);
}

// ---- reading a ticket and its PDF -------------------------------------------------------

TEST_F(TicketsTest, ATicketIsForItsHolderAndTheEventsOrganizerOnly) {
  EXPECT_TRUE(tickets_.get_ticket(holder_, "t-1"));
  EXPECT_TRUE(tickets_.get_ticket(organizer_, "t-1"));
  for (auto const& who : {staff_, stranger_}) {
    auto const refused = tickets_.get_ticket(who, "t-1");
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, Errc::not_found) << "its existence is not theirs to learn";
  }
  auto const unknown = tickets_.get_ticket(holder_, "t-404");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, Errc::not_found);
}

TEST_F(TicketsTest, ADownloadLinkIsSignedAndExpiresForTheHolderOnly) {
  auto const link = tickets_.download_link(holder_, "t-1");
  ASSERT_TRUE(link) << link.error().detail;
  auto const expires = clock_.now() + 600s;
  EXPECT_EQ(link->expires_at, expires);
  auto const seconds = std::to_string(expires.time_since_epoch().count());
  EXPECT_EQ(link->url, "https://admit.test/api/tickets/t-1/pdf?expires=" + seconds +
                           "&signature=" + links_.signature("t-1", expires));

  auto const organizer = tickets_.download_link(organizer_, "t-1");
  ASSERT_FALSE(organizer);
  EXPECT_EQ(organizer.error().code, Errc::not_found);
  store_.tickets["t-1"].status = TicketStatus::cancelled;
  auto const cancelled = tickets_.download_link(holder_, "t-1");
  ASSERT_FALSE(cancelled);
  EXPECT_EQ(cancelled.error().code, Errc::conflict);
}

TEST_F(TicketsTest, APdfLinkServesTheTicketWhileItsSignatureHoldsAndItHasNotExpired) {
  RegistrationDetail order;
  order.registration.id = "r-t-1";
  order.registration.quantity = 2;
  order.registration.amount_minor = 5000;
  order.registration.currency = "EUR";
  store_.registrations["r-t-1"] = order;
  auto const expires = clock_.now() + 60s;
  auto const seconds = std::to_string(expires.time_since_epoch().count());
  auto const signature = links_.signature("t-1", expires);

  auto const pdf = tickets_.ticket_pdf("t-1", seconds, signature);
  ASSERT_TRUE(pdf) << pdf.error().detail;
  EXPECT_EQ(*pdf, "%PDF-fake t-1");
  ASSERT_EQ(printer_.printed.size(), 1u);
  auto const& printed = printer_.printed[0];
  EXPECT_EQ(printed.event_name, "jazz night");
  EXPECT_EQ(printed.location, "Blue Room");
  EXPECT_EQ(printed.price_line, "€25.00");
  EXPECT_EQ(printed.ticket_id, "t-1");
  EXPECT_EQ(printed.order_line, "Registration r-t-1 · ticket 1 of 2");
  EXPECT_EQ(printed.qr_text, ticket_.qr_code);

  for (auto const& [expires_text, signed_with] :
       {std::pair{seconds, std::string("sig:t-1:0")}, std::pair{std::string("soon"), signature},
        std::pair{seconds + "0", signature}}) {
    auto const refused = tickets_.ticket_pdf("t-1", expires_text, signed_with);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, Errc::forbidden) << expires_text << " " << signed_with;
  }
  clock_.advance(61s);
  auto const expired = tickets_.ticket_pdf("t-1", seconds, signature);
  ASSERT_FALSE(expired);
  EXPECT_EQ(expired.error().code, Errc::forbidden);
  EXPECT_NE(expired.error().detail.find("expired"), std::string::npos);
  EXPECT_EQ(printer_.printed.size(), 1u);
}

TEST_F(TicketsTest, APdfLinkOfACancelledOrUnknownTicketServesNothing) {
  auto const expires = clock_.now() + 60s;
  auto const seconds = std::to_string(expires.time_since_epoch().count());
  auto const unknown = tickets_.ticket_pdf("t-404", seconds, links_.signature("t-404", expires));
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, Errc::not_found);
  store_.tickets["t-1"].status = TicketStatus::cancelled;
  auto const cancelled = tickets_.ticket_pdf("t-1", seconds, links_.signature("t-1", expires));
  ASSERT_FALSE(cancelled);
  EXPECT_EQ(cancelled.error().code, Errc::conflict);
  EXPECT_TRUE(printer_.printed.empty());
}

// ---- scan keys --------------------------------------------------------------------------

TEST_F(TicketsTest, ScanKeysAreForTheEventsOrganizerAndStaff) {
  for (auto const& who : {organizer_, staff_, admin_}) {
    auto const keys = tickets_.scan_keys(who, "jazz");
    ASSERT_TRUE(keys) << who.user_id;
    EXPECT_EQ(keys->event_id, "jazz");
    EXPECT_EQ(keys->keys.size(), 1u);
  }
  auto const attendee = tickets_.scan_keys(holder_, "jazz");
  ASSERT_FALSE(attendee);
  EXPECT_EQ(attendee.error().code, Errc::forbidden);
  auto const unknown = tickets_.scan_keys(organizer_, "gone");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, Errc::not_found);
}

TEST_F(TicketsTest, OnlyTheOrganizerRotatesTheScanKey) {
  auto const rotated = tickets_.rotate_scan_key(organizer_, "jazz", actor_);
  ASSERT_TRUE(rotated);
  EXPECT_TRUE(rotated->active);
  EXPECT_EQ(codes_.rotations["jazz"], 1);
  for (auto const& who : {staff_, admin_, stranger_}) {
    auto const refused = tickets_.rotate_scan_key(who, "jazz", actor_);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, Errc::forbidden) << who.user_id;
  }
  auto const unknown = tickets_.rotate_scan_key(organizer_, "gone", actor_);
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, Errc::not_found);
  EXPECT_EQ(codes_.rotations["jazz"], 1);
}

// ---- drafts -------------------------------------------------------------------------------

TEST_F(TicketsTest, ADraftIsNotFoundForEveryScannerButItsOrganizer) {
  add_event("rehearsal", "olga");
  store_.events["rehearsal"].status = EventStatus::draft;
  store_.staff.insert({"rehearsal", "sam"});  // cannot happen through the API: proves the rule holds anyway
  auto const code = codes_.issue({"t-9", "rehearsal", "ada", 0});
  for (auto const& who : {staff_, admin_, stranger_}) {
    auto const named = scan(who, code, "rehearsal");
    ASSERT_FALSE(named) << who.user_id;
    EXPECT_EQ(named.error().code, Errc::not_found) << who.user_id << ": not 'forbidden', which would confirm it";
    EXPECT_EQ(outcome(who, code), Scan::invalid) << who.user_id;
    auto const keys = tickets_.scan_keys(who, "rehearsal");
    ASSERT_FALSE(keys) << who.user_id;
    EXPECT_EQ(keys.error().code, Errc::not_found) << who.user_id;
    auto const rotated = tickets_.rotate_scan_key(who, "rehearsal", actor_);
    ASSERT_FALSE(rotated) << who.user_id;
    EXPECT_EQ(rotated.error().code, Errc::not_found) << who.user_id;
  }
  EXPECT_TRUE(store_.redemptions.empty());
  EXPECT_TRUE(tickets_.scan_keys(organizer_, "rehearsal"));
  EXPECT_TRUE(scan(organizer_, code, "rehearsal")) << "its organizer may try a scan";
}

TEST_F(TicketsTest, ADraftPublishedAMomentAgoIsScannableAtOnce) {
  add_event("rehearsal", "olga");
  store_.events["rehearsal"].status = EventStatus::draft;
  store_.staff.insert({"rehearsal", "sam"});
  auto const code = codes_.issue({"t-9", "rehearsal", "ada", 0});
  ASSERT_FALSE(scan(staff_, code, "rehearsal"));
  store_.events["rehearsal"].status = EventStatus::published;
  EXPECT_TRUE(scan(staff_, code, "rehearsal")) << "the draft was not remembered";
}

// ---- what the ticket prints ------------------------------------------------------------------

EventDraft berlin_evening(std::optional<Timestamp> ends_at) {
  using namespace std::chrono;
  EventDraft d;
  d.starts_at = sys_days{2026y / December / 12} + 18h;  // 19:00 in Berlin
  d.timezone = "Europe/Berlin";
  d.ends_at = ends_at;
  return d;
}

TEST(FormatEventPeriod, WithoutAnEndItIsTheStart) {
  auto const d = berlin_evening(std::nullopt);
  EXPECT_EQ(format_event_period(d), "Saturday, 12 December 2026 · 19:00 CET");
  EXPECT_EQ(format_event_period(d), format_event_date(d.starts_at, d.timezone));
}

TEST(FormatEventPeriod, AnEndTheSameDayIsATime) {
  auto const start = berlin_evening(std::nullopt).starts_at;
  EXPECT_EQ(format_event_period(berlin_evening(start + 4h)), "Saturday, 12 December 2026 · 19:00 – 23:00 CET");
}

TEST(FormatEventPeriod, AnEndOnAnotherDayNamesTheDay) {
  auto const start = berlin_evening(std::nullopt).starts_at;
  // 02:00 in Berlin is the next local day, though still the same day in UTC (01:00).
  EXPECT_EQ(format_event_period(berlin_evening(start + 7h)),
            "Saturday, 12 December 2026 · 19:00 – Sunday, 13 December 2026 · 02:00 CET");
}

TEST(PrintedTicket, PrintsTheEventsEnd) {
  auto event = Event{};
  event.details = berlin_evening(berlin_evening(std::nullopt).starts_at + 4h);
  event.details.currency = "EUR";
  Registration registration;
  registration.quantity = 1;
  registration.currency = "EUR";
  EXPECT_EQ(printed_ticket(event, registration, Ticket{}).date_line, "Saturday, 12 December 2026 · 19:00 – 23:00 CET");
}

}  // namespace
}  // namespace admit
