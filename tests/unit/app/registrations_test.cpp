// The registration use cases against fakes: the order the use case hands the store (free or
// paid, hold length, signed tickets, idempotency), each placement outcome the store can answer
// and the error it becomes, the cancellation outcomes, the listings' pages and bounds, and
// analytics by the event's local day.
#include "app/registrations.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "support/fakes.hpp"

namespace admit {
namespace {

using namespace std::chrono_literals;

class RegistrationsTest : public ::testing::Test {
 protected:
  RegistrationsTest() {
    add_event("free", 0, std::nullopt);
    add_event("paid", 2500, std::nullopt);
    add_event("short-hold", 2500, 120);
  }

  void add_event(std::string const& id, std::int64_t price_minor, std::optional<std::int32_t> hold_seconds) {
    Event event;
    event.id = id;
    event.organizer_id = "olga";
    event.details.name = id;
    event.details.starts_at = clock_.now() + 72h;
    event.details.timezone = "Europe/Berlin";
    event.details.capacity = 100;
    event.details.price_minor = price_minor;
    event.details.currency = "EUR";
    event.details.hold_seconds = hold_seconds;
    store_.events[id] = event;
  }

  static TicketingSettings settings() {
    TicketingSettings s;
    s.hold = 900s;
    s.max_unpaid_holds_per_client = 200;
    return s;
  }

  static RegisterRequest request(std::string event_id, std::int64_t quantity = 1) {
    RegisterRequest r;
    r.event_id = std::move(event_id);
    r.quantity = quantity;
    r.idempotency_key = "key-1";
    r.client_address = "192.0.2.7";
    return r;
  }

  Result<Registered> register_for(RegisterRequest const& r) {
    std::optional<Result<Registered>> answer;
    registrations_.register_attendee(ada_, r, actor_, [&](Result<Registered> result) { answer = std::move(result); });
    if (!answer) {
      ADD_FAILURE() << "register_attendee did not answer";
      return fail(Errc::unavailable, "no answer");
    }
    return std::move(*answer);
  }

  /// The error a placement outcome becomes.
  Error refusal(PlacementResult const& answer) {
    store_.placements.push_back(answer);
    auto const registered = register_for(request("paid"));
    if (registered) {
      ADD_FAILURE() << "placed, though the store refused";
      return fail(Errc::conflict, "placed").error();
    }
    return registered.error();
  }

  static PlacementResult answer(Placement outcome) {
    PlacementResult result;
    result.outcome = outcome;
    return result;
  }

  test::FakeStore store_;
  test::FakeTicketCodes codes_;
  test::CountingEntropy entropy_;
  test::FakeClock clock_;
  Registrations registrations_{store_, store_, store_, codes_, entropy_, clock_, settings()};
  Principal const ada_{"ada", Role::attendee};
  Principal const olga_{"olga", Role::attendee | Role::organizer};
  Actor const actor_{"ada", "req-1"};
};

// ---- register_attendee: the order ---------------------------------------------------------

TEST_F(RegistrationsTest, AFreeEventsOrderIsConfirmedWithOneSignedTicketPerSeat) {
  auto const registered = register_for(request("free", 2));
  ASSERT_TRUE(registered) << registered.error().detail;
  EXPECT_FALSE(registered->replayed);

  ASSERT_EQ(store_.orders.size(), 1u);
  auto const& order = store_.orders[0];
  auto const& r = order.registration;
  EXPECT_EQ(registered->detail.registration.id, r.id);
  EXPECT_FALSE(r.id.empty());
  EXPECT_EQ(r.event_id, "free");
  EXPECT_EQ(r.user_id, "ada");
  EXPECT_EQ(r.quantity, 2);
  EXPECT_EQ(r.status, RegistrationStatus::confirmed);
  EXPECT_EQ(r.amount_minor, 0);
  EXPECT_EQ(r.registered_at, clock_.now());
  EXPECT_FALSE(r.hold_expires_at);
  EXPECT_EQ(order.items.at(0).unit_price_minor, 0);
  EXPECT_EQ(order.idempotency_key, "key-1");
  EXPECT_EQ(order.client_address, "192.0.2.7");
  EXPECT_EQ(order.client_hold_limit, 200);

  ASSERT_EQ(order.tickets.size(), 2u);
  for (std::size_t i = 0; i < order.tickets.size(); ++i) {
    auto const& ticket = order.tickets[i];
    EXPECT_EQ(ticket.position, static_cast<std::int32_t>(i + 1));
    EXPECT_EQ(ticket.registration_id, r.id);
    EXPECT_EQ(ticket.status, TicketStatus::valid);
    auto const claims = codes_.check(ticket.qr_code);
    ASSERT_TRUE(claims) << "each ticket's code is signed";
    EXPECT_EQ(claims->ticket_id, ticket.id);
    EXPECT_EQ(claims->event_id, "free");
    EXPECT_EQ(claims->user_id, "ada");
  }
  EXPECT_NE(order.tickets[0].id, order.tickets[1].id);
}

// ---- register_attendee: holders and answers -------------------------------------------------

class RegistrationAnswers : public RegistrationsTest {
 protected:
  RegistrationAnswers() {
    auto& event = store_.events["free"];
    for (auto const* name : {"regular", "vip"}) {
      event.ticket_types.push_back(
          TicketType{.id = name, .event_id = "free", .details = {.name = name, .price_minor = 0, .max_per_order = 10}});
    }
  }

  void add_question(std::string id, QuestionDraft details, std::string event_id = "free") {
    store_.questions[id] = Question{.id = id, .event_id = std::move(event_id), .details = std::move(details)};
  }

  /// An order of one VIP ticket, then two regular ones.
  static RegisterRequest mixed() {
    auto r = request("free");
    r.items = {{"vip", 1}, {"regular", 2}};
    return r;
  }

  static Answers one(std::string id, AnswerValue value) { return {Answer{std::move(id), std::move(value)}}; }

  static QuestionDraft diet() {
    return {.label = "Diet",
            .type = QuestionType::select,
            .options = {"None", "Vegan"},
            .required = true,
            .scope = QuestionScope::ticket};
  }
};

TEST_F(RegistrationAnswers, TheCheckedAnswersAndHoldersGoToTheStoreAndEachTicketNamesTheAttendeeOfItsSeat) {
  add_question("diet", diet());
  add_question("company", {.label = "Company", .required = true, .scope = QuestionScope::order});
  auto r = mixed();
  r.answers = one("company", std::string("  ACME "));
  r.attendees = std::vector<Attendee>{{" Ada ", "Ada@Example.org", one("diet", std::string("Vegan"))},
                                      {"Bob", std::nullopt, one("diet", std::string("None"))},
                                      {"Cyd", std::nullopt, one("diet", std::string("None"))}};
  auto const registered = register_for(r);
  ASSERT_TRUE(registered) << registered.error().detail;
  ASSERT_EQ(store_.orders.size(), 1u);
  auto const& order = store_.orders[0];
  EXPECT_EQ(order.answers, one("company", std::string("ACME"))) << "canonical: check_answers' form";
  ASSERT_EQ(order.attendees.size(), 3u);
  EXPECT_EQ(order.attendees[0].name, "Ada") << "trimmed";
  EXPECT_EQ(order.attendees[0].email, "ada@example.org") << "normalised";
  ASSERT_EQ(order.tickets.size(), 3u);
  std::vector<std::pair<std::string, std::string>> seats;
  for (auto const& t : order.tickets) seats.emplace_back(t.ticket_type_id, t.holder_name);
  EXPECT_EQ(seats,
            (std::vector<std::pair<std::string, std::string>>{{"vip", "Ada"}, {"regular", "Bob"}, {"regular", "Cyd"}}));
  EXPECT_EQ(order.tickets[0].holder_email, "ada@example.org");
  EXPECT_EQ(order.tickets[0].answers, one("diet", std::string("Vegan")));
  EXPECT_FALSE(order.tickets[1].holder_email);
}

TEST_F(RegistrationAnswers, TheIdempotencyKeyPromisesTheHoldersAndAnswersToo) {
  add_question("diet", diet());
  auto with = [&](std::string const& second_holder, std::string const& diet) {
    auto r = mixed();
    r.attendees = std::vector<Attendee>{{"Ada", std::nullopt, one("diet", std::string("Vegan"))},
                                        {second_holder, std::nullopt, one("diet", std::string(diet))},
                                        {"Cyd", std::nullopt, one("diet", std::string("None"))}};
    return r;
  };
  ASSERT_TRUE(register_for(with("Bob", "None")));
  ASSERT_TRUE(register_for(with(" Bob ", "None")));  // the same once trimmed
  ASSERT_TRUE(register_for(with("Bea", "None")));
  ASSERT_TRUE(register_for(with("Bob", "Vegan")));
  ASSERT_EQ(store_.orders.size(), 4u);
  EXPECT_EQ(store_.orders[1].request_hash, store_.orders[0].request_hash);
  EXPECT_NE(store_.orders[2].request_hash, store_.orders[0].request_hash) << "another holder";
  EXPECT_NE(store_.orders[3].request_hash, store_.orders[0].request_hash) << "another answer";
}

TEST_F(RegistrationAnswers, WithoutAttendeesTheTicketsLeaveTheHolderToTheStore) {
  auto const plain = register_for(mixed());
  ASSERT_TRUE(plain) << plain.error().detail;
  for (auto const& t : store_.orders.at(0).tickets) EXPECT_EQ(t.holder_name, "") << "the store writes the buyer's";
  EXPECT_TRUE(store_.orders.at(0).attendees.empty());
  EXPECT_TRUE(store_.orders.at(0).answers.empty());
  EXPECT_EQ(store_.orders.at(0).request_hash.find("|d:"), std::string::npos) << "hashed as before holders existed";
}

TEST_F(RegistrationAnswers, WithoutAttendeesARequiredPerTicketQuestionIsMissingForEachSeat) {
  add_question("diet", diet());
  auto const refused = register_for(mixed());
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, Errc::invalid_input);
  std::vector<std::string> fields;
  for (auto const& e : refused.error().fields) fields.push_back(e.field);
  EXPECT_EQ(fields, (std::vector<std::string>{"attendees[0].answers.diet", "attendees[1].answers.diet",
                                              "attendees[2].answers.diet"}));
  EXPECT_TRUE(store_.orders.empty()) << "nothing reached the store";
}

TEST_F(RegistrationAnswers, RefusedAnswersAndAWrongAttendeeCountNameTheirFieldAndReachNoStore) {
  add_question("diet", diet());
  auto wrong_value = mixed();
  wrong_value.attendees = std::vector<Attendee>{{"A", std::nullopt, one("diet", std::string("Meat"))},
                                                {"B", std::nullopt, one("diet", std::string("None"))},
                                                {"", std::nullopt, one("diet", std::string("None"))}};
  auto const refused = register_for(wrong_value);
  ASSERT_FALSE(refused);
  std::vector<std::string> fields;
  for (auto const& e : refused.error().fields) fields.push_back(e.field);
  EXPECT_EQ(fields, (std::vector<std::string>{"attendees[0].answers.diet", "attendees[2].name"}));

  auto too_few = mixed();
  too_few.attendees = std::vector<Attendee>{{"A", std::nullopt, one("diet", std::string("None"))}};
  auto const count = register_for(too_few);
  ASSERT_FALSE(count);
  ASSERT_EQ(count.error().fields.size(), 1u);
  EXPECT_EQ(count.error().fields[0].field, "attendees");
  EXPECT_TRUE(store_.orders.empty());
}

TEST_F(RegistrationAnswers, AnEventsQuestionsAreReadWithItOncePerSecondNotOncePerOrder) {
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(register_for(mixed()));
  EXPECT_EQ(store_.question_lists, 1) << "read with the cached event";
  EXPECT_EQ(store_.orders.size(), 5u);
}

TEST_F(RegistrationAnswers, AnAnswerToAQuestionAddedSinceTheEventWasCachedIsCheckedAgainstWhatIsStored) {
  ASSERT_TRUE(register_for(mixed()));
  add_question("company", {.label = "Company", .required = false, .scope = QuestionScope::order});
  auto r = mixed();
  r.answers = one("company", std::string("ACME"));
  auto const registered = register_for(r);
  ASSERT_TRUE(registered) << registered.error().detail;
  EXPECT_EQ(store_.orders.back().answers, one("company", std::string("ACME")));
  EXPECT_EQ(store_.question_lists, 2);
}

TEST_F(RegistrationAnswers, APaidOrderKeepsItsAttendeesForTheTicketsIssuedWhenItIsPaid) {
  auto r = request("paid", 2);
  r.attendees = std::vector<Attendee>{{"Ann", "ann@example.org", {}}, {"Ben", std::nullopt, {}}};
  ASSERT_TRUE(register_for(r));
  auto const& order = store_.orders.at(0);
  EXPECT_TRUE(order.tickets.empty());
  ASSERT_EQ(order.attendees.size(), 2u);
  auto const tickets = issue_tickets(order.registration, order.items, order.attendees, codes_, entropy_, clock_.now());
  ASSERT_EQ(tickets.size(), 2u);
  EXPECT_EQ(tickets[0].holder_name, "Ann");
  EXPECT_EQ(tickets[0].holder_email, "ann@example.org");
  EXPECT_EQ(tickets[1].holder_name, "Ben");
}

TEST_F(RegistrationsTest, APaidEventsOrderHoldsItsSeatsWithoutTickets) {
  auto const registered = register_for(request("paid", 3));
  ASSERT_TRUE(registered) << registered.error().detail;
  ASSERT_EQ(store_.orders.size(), 1u);
  auto const& order = store_.orders[0];
  EXPECT_EQ(order.registration.status, RegistrationStatus::pending_payment);
  EXPECT_EQ(order.registration.amount_minor, 7500);
  EXPECT_EQ(order.registration.currency, "EUR");
  EXPECT_EQ(order.items.at(0).unit_price_minor, 2500);
  EXPECT_TRUE(order.tickets.empty()) << "tickets come with the payment";
  EXPECT_EQ(order.hold_rules.length, 900s);
  EXPECT_EQ(order.registration.hold_expires_at, clock_.now() + 900s);
}

TEST_F(RegistrationsTest, AnEventsOwnHoldLengthOverridesTheInstancesSetting) {
  ASSERT_TRUE(register_for(request("short-hold")));
  ASSERT_EQ(store_.orders.size(), 1u);
  EXPECT_EQ(store_.orders[0].hold_rules.length, 120s);
  EXPECT_EQ(store_.orders[0].registration.hold_expires_at, clock_.now() + 120s);
}

TEST_F(RegistrationsTest, ATrustedProxyHasNoCapOnUnpaidOrders) {
  auto exempt = request("paid");
  exempt.client_exempt = true;
  ASSERT_TRUE(register_for(exempt));
  ASSERT_EQ(store_.orders.size(), 1u);
  EXPECT_EQ(store_.orders[0].client_hold_limit, 0);
}

TEST_F(RegistrationsTest, TheIdempotencyKeyPromisesTheEventAndQuantity) {
  ASSERT_TRUE(register_for(request("paid", 2)));
  ASSERT_TRUE(register_for(request("paid", 3)));
  ASSERT_TRUE(register_for(request("free", 2)));
  ASSERT_EQ(store_.orders.size(), 3u);
  EXPECT_NE(store_.orders[0].request_hash, store_.orders[1].request_hash);
  EXPECT_NE(store_.orders[0].request_hash, store_.orders[2].request_hash);
  ASSERT_TRUE(register_for(request("paid", 2)));
  EXPECT_EQ(store_.orders[3].request_hash, store_.orders[0].request_hash);
}

// ---- register_attendee: each outcome --------------------------------------------------------

TEST_F(RegistrationsTest, AReplayAnswersTheFirstRegistration) {
  auto replay = answer(Placement::replayed);
  replay.detail.registration.id = "r-first";
  store_.placements.push_back(replay);
  auto const registered = register_for(request("paid"));
  ASSERT_TRUE(registered) << registered.error().detail;
  EXPECT_TRUE(registered->replayed);
  EXPECT_EQ(registered->detail.registration.id, "r-first");
}

TEST_F(RegistrationsTest, AQuantityOutsideTheLimitsIsRefusedBeforeTheStore) {
  for (std::int64_t const quantity : {0, -1, 101}) {
    auto const registered = register_for(request("paid", quantity));
    ASSERT_FALSE(registered);
    EXPECT_EQ(registered.error().code, Errc::invalid_input);
    ASSERT_EQ(registered.error().fields.size(), 1u);
    EXPECT_EQ(registered.error().fields[0].field, "quantity");
  }
  EXPECT_TRUE(store_.orders.empty());
}

TEST_F(RegistrationsTest, AnEventThatDoesNotExistIsNotFound) {
  auto const registered = register_for(request("gone"));
  ASSERT_FALSE(registered);
  EXPECT_EQ(registered.error().code, Errc::not_found);
  EXPECT_TRUE(store_.orders.empty());
  EXPECT_EQ(refusal(answer(Placement::event_not_found)).code, Errc::not_found) << "deleted meanwhile";
}

TEST_F(RegistrationsTest, ADraftIsNotFoundForAttendeesAndNotOnSaleForItsOrganizer) {
  store_.events["free"].status = EventStatus::draft;
  auto const attendee = register_for(request("free"));
  ASSERT_FALSE(attendee);
  EXPECT_EQ(attendee.error().code, Errc::not_found);

  std::optional<Result<Registered>> organizer;
  registrations_.register_attendee(olga_, request("free"), actor_, [&](Result<Registered> r) { organizer = r; });
  ASSERT_TRUE(organizer && !*organizer);
  EXPECT_EQ(organizer->error().code, Errc::conflict);
  EXPECT_TRUE(store_.orders.empty()) << "nothing reached the store";
}

TEST_F(RegistrationsTest, ADraftPublishedAMomentAgoIsOnSaleAtOnce) {
  store_.events["free"].status = EventStatus::draft;
  ASSERT_FALSE(register_for(request("free"))) << "read while a draft";
  store_.events["free"].status = EventStatus::published;
  auto const registered = register_for(request("free"));
  EXPECT_TRUE(registered) << "a remembered draft is read again: " << registered.error().detail;
}

TEST_F(RegistrationsTest, EachRefusalOfTheStoreBecomesItsError) {
  EXPECT_EQ(refusal(answer(Placement::idempotency_mismatch)).code, Errc::idempotency_mismatch);
  EXPECT_EQ(refusal(answer(Placement::event_closed)).code, Errc::conflict);
  EXPECT_EQ(refusal(answer(Placement::hold_open)).code, Errc::hold_open);
  EXPECT_EQ(refusal(answer(Placement::client_hold_limit)).code, Errc::too_many_holds);

  auto limit = answer(Placement::attendee_limit);
  limit.attendee_limit = 4;
  auto const over_limit = refusal(limit);
  EXPECT_EQ(over_limit.code, Errc::attendee_limit);
  EXPECT_NE(over_limit.detail.find("at most 4 seats"), std::string::npos) << over_limit.detail;

  auto cooldown = answer(Placement::hold_cooldown);
  cooldown.retry_at = clock_.now() + 10min;
  auto const cooling = refusal(cooldown);
  EXPECT_EQ(cooling.code, Errc::hold_cooldown);
  EXPECT_NE(cooling.detail.find(format_rfc3339(clock_.now() + 10min)), std::string::npos) << cooling.detail;

  auto some_left = answer(Placement::sold_out);
  some_left.seats_left = 3;
  auto const few = refusal(some_left);
  EXPECT_EQ(few.code, Errc::sold_out);
  EXPECT_EQ(few.detail, "Only 3 seats are left.");
  auto const none = refusal(answer(Placement::sold_out));
  EXPECT_EQ(none.code, Errc::sold_out);
  EXPECT_EQ(none.detail, "This event is sold out.");
}

TEST_F(RegistrationsTest, AChangedPriceIsReadAgainOnceAndTheOrderRetried) {
  store_.placements.push_back(answer(Placement::price_changed));
  store_.on_place = [this](NewRegistration const&) { store_.events["paid"].details.price_minor = 3000; };
  auto const registered = register_for(request("paid", 2));
  ASSERT_TRUE(registered) << registered.error().detail;
  ASSERT_EQ(store_.orders.size(), 2u);
  EXPECT_EQ(store_.orders[0].items.at(0).unit_price_minor, 2500);
  EXPECT_EQ(store_.orders[1].items.at(0).unit_price_minor, 3000);
  EXPECT_EQ(store_.orders[1].registration.amount_minor, 6000);
  EXPECT_EQ(registered->detail.registration.amount_minor, 6000);
}

TEST_F(RegistrationsTest, APriceThatChangesAgainIsAConflict) {
  store_.placements.push_back(answer(Placement::price_changed));
  store_.placements.push_back(answer(Placement::price_changed));
  auto const registered = register_for(request("paid"));
  ASSERT_FALSE(registered);
  EXPECT_EQ(registered.error().code, Errc::conflict);
  EXPECT_EQ(store_.orders.size(), 2u) << "one retry, not a loop";
}

TEST_F(RegistrationsTest, AFailedWriteIsPassedOn) {
  store_.placements.push_back(fail(Errc::unavailable, "the disk is full"));
  auto const registered = register_for(request("paid"));
  ASSERT_FALSE(registered);
  EXPECT_EQ(registered.error().code, Errc::unavailable);
  EXPECT_EQ(store_.orders.size(), 1u);
}

// ---- reading and cancelling ---------------------------------------------------------------

class RegistrationsHeld : public RegistrationsTest {
 protected:
  RegistrationsHeld() {
    RegistrationDetail held;
    held.registration.id = "r-1";
    held.registration.event_id = "paid";
    held.registration.user_id = "ada";
    held.registration.status = RegistrationStatus::confirmed;
    held.registration.registered_at = clock_.now();
    store_.registrations["r-1"] = held;
  }

  Result<RegistrationDetail> cancel(Principal const& who, std::string reason = {}) {
    return registrations_.cancel_registration(who, "r-1", CancelRequest{std::move(reason)}, actor_);
  }
};

TEST_F(RegistrationsHeld, ARegistrationIsForItsAttendeeAndTheEventsOrganizerOnly) {
  EXPECT_TRUE(registrations_.get_registration(ada_, "r-1"));
  EXPECT_TRUE(registrations_.get_registration(olga_, "r-1"));
  auto const other = registrations_.get_registration(Principal{"eve", Role::attendee}, "r-1");
  ASSERT_FALSE(other);
  EXPECT_EQ(other.error().code, Errc::not_found);
}

TEST_F(RegistrationsHeld, TheHolderCancelsUnderThePolicyTheOrganizerWithAReason) {
  auto const by_holder = cancel(ada_);
  ASSERT_TRUE(by_holder) << by_holder.error().detail;
  EXPECT_EQ(by_holder->registration.status, RegistrationStatus::cancelled);
  auto const by_organizer = cancel(olga_, "the band fell ill");
  ASSERT_TRUE(by_organizer);
  ASSERT_EQ(store_.cancellations.size(), 2u);
  EXPECT_FALSE(store_.cancellations[0].second.by_organizer);
  EXPECT_TRUE(store_.cancellations[1].second.by_organizer);
  EXPECT_EQ(store_.cancellations[1].second.reason, "the band fell ill");
}

TEST_F(RegistrationsHeld, EachCancellationRefusalBecomesItsError) {
  auto const refused = [this](Cancellation outcome) {
    store_.next_cancellation = outcome;
    auto const cancelled = cancel(ada_);
    EXPECT_FALSE(cancelled);
    return cancelled ? Errc::conflict : cancelled.error().code;
  };
  EXPECT_EQ(refused(Cancellation::not_found), Errc::not_found);
  EXPECT_EQ(refused(Cancellation::not_active), Errc::conflict);
  EXPECT_EQ(refused(Cancellation::ticket_used), Errc::cancellation_closed);
  EXPECT_EQ(refused(Cancellation::deadline_passed), Errc::cancellation_closed);
  store_.next_cancellation = Cancellation::reason_required;
  auto const no_reason = cancel(olga_);
  ASSERT_FALSE(no_reason);
  EXPECT_EQ(no_reason.error().code, Errc::invalid_input);
  ASSERT_EQ(no_reason.error().fields.size(), 1u);
  EXPECT_EQ(no_reason.error().fields[0].field, "reason");
}

TEST_F(RegistrationsHeld, NeitherAStrangerNorAnOverlongReasonReachesTheStore) {
  auto const stranger = cancel(Principal{"eve", Role::attendee});
  ASSERT_FALSE(stranger);
  EXPECT_EQ(stranger.error().code, Errc::not_found);
  auto const overlong = cancel(olga_, std::string(Registrations::kMaxReasonLength + 1, 'x'));
  ASSERT_FALSE(overlong);
  EXPECT_EQ(overlong.error().code, Errc::invalid_input);
  EXPECT_TRUE(store_.cancellations.empty());
}

// ---- listings and analytics ----------------------------------------------------------------

class RegistrationsListed : public RegistrationsTest {
 protected:
  RegistrationsListed() {
    add("r-1", "ada", 0h);
    add("r-2", "ada", 1h);
    add("r-3", "ada", 2h);
    add("r-4", "eve", 3h);
  }

  void add(std::string const& id, std::string const& user_id, std::chrono::hours later) {
    RegistrationDetail detail;
    detail.registration.id = id;
    detail.registration.event_id = "paid";
    detail.registration.user_id = user_id;
    detail.registration.registered_at = clock_.now() + later;
    store_.registrations[id] = detail;
  }

  template <class Item>
  static std::vector<std::string> ids(Result<Page<Item>> const& page) {
    std::vector<std::string> out;
    if (!page) {
      ADD_FAILURE() << "the listing failed: " << page.error().detail;
      return out;
    }
    for (auto const& item : page->items) out.push_back(item.registration.id);
    return out;
  }

  /// The field a refused listing names.
  template <class Item>
  static std::string refused_field(Result<Page<Item>> const& page) {
    if (page) {
      ADD_FAILURE() << "listed, though the parameters are out of bounds";
      return {};
    }
    EXPECT_EQ(page.error().code, Errc::invalid_input);
    return page.error().fields.size() == 1 ? page.error().fields[0].field : std::string("several");
  }

  using Ids = std::vector<std::string>;
};

TEST_F(RegistrationsListed, MyRegistrationsComeNewestFirstAPageAtATime) {
  auto const first = registrations_.list_my_registrations(ada_, std::nullopt, 2);
  EXPECT_EQ(ids(first), (Ids{"r-3", "r-2"}));
  ASSERT_TRUE(first && first->next_cursor);
  auto const second = registrations_.list_my_registrations(ada_, first->next_cursor, 2);
  EXPECT_EQ(ids(second), (Ids{"r-1"}));
  ASSERT_TRUE(second);
  EXPECT_FALSE(second->next_cursor);
  auto const whole = registrations_.list_my_registrations(ada_, std::nullopt, 3);
  EXPECT_EQ(ids(whole), (Ids{"r-3", "r-2", "r-1"}));
  ASSERT_TRUE(whole);
  EXPECT_FALSE(whole->next_cursor) << "a full last page has no next one";
}

TEST_F(RegistrationsListed, TheEventsRegistrationsComeOldestFirstForItsOrganizerOnly) {
  auto const first = registrations_.list_event_registrations(olga_, "paid", std::nullopt, 3);
  EXPECT_EQ(ids(first), (Ids{"r-1", "r-2", "r-3"}));
  ASSERT_TRUE(first && first->next_cursor);
  auto const second = registrations_.list_event_registrations(olga_, "paid", first->next_cursor, 3);
  EXPECT_EQ(ids(second), (Ids{"r-4"}));
  ASSERT_TRUE(second);
  EXPECT_FALSE(second->next_cursor);
  auto const all = registrations_.list_event_registrations(olga_, "paid", std::nullopt, 0);
  EXPECT_EQ(ids(all), (Ids{"r-1", "r-2", "r-3", "r-4"})) << "limit 0 lists all (the CSV export)";
  ASSERT_TRUE(all);
  EXPECT_FALSE(all->next_cursor);
  EXPECT_EQ(ids(registrations_.list_event_registrations(olga_, "paid", std::nullopt, 10, "eve")), (Ids{"r-4"}));

  auto const attendee = registrations_.list_event_registrations(ada_, "paid", std::nullopt, 10);
  ASSERT_FALSE(attendee);
  EXPECT_EQ(attendee.error().code, Errc::forbidden);
  auto const unknown = registrations_.list_event_registrations(olga_, "gone", std::nullopt, 10);
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, Errc::not_found);
}

TEST_F(RegistrationsListed, ADraftsRegistrationsAndAnalyticsAreNotFoundForOthers) {
  store_.events["paid"].status = EventStatus::draft;
  auto const listed = registrations_.list_event_registrations(ada_, "paid", std::nullopt, 10);
  ASSERT_FALSE(listed);
  EXPECT_EQ(listed.error().code, Errc::not_found) << "not 'forbidden', which would confirm it";
  auto const analytics = registrations_.event_analytics(ada_, "paid");
  ASSERT_FALSE(analytics);
  EXPECT_EQ(analytics.error().code, Errc::not_found);
  EXPECT_TRUE(registrations_.list_event_registrations(olga_, "paid", std::nullopt, 10));
  EXPECT_TRUE(registrations_.event_analytics(olga_, "paid"));
}

TEST_F(RegistrationsListed, ListingParametersOutOfBoundsAreRefused) {
  EXPECT_EQ(refused_field(registrations_.list_my_registrations(ada_, std::nullopt, 0)), "limit");
  EXPECT_EQ(refused_field(registrations_.list_my_registrations(ada_, std::nullopt, 101)), "limit");
  EXPECT_EQ(refused_field(registrations_.list_my_registrations(ada_, std::string("not a cursor"), 2)), "cursor");
  EXPECT_EQ(refused_field(registrations_.list_event_registrations(olga_, "paid", std::nullopt, -1)), "limit");
  EXPECT_EQ(refused_field(registrations_.list_event_registrations(olga_, "paid", std::nullopt, 101)), "limit");
  EXPECT_EQ(refused_field(registrations_.list_event_registrations(olga_, "paid", std::string("nope"), 2)), "cursor");
  auto const long_search = std::string(Registrations::kMaxSearchLength + 1, 'a');
  EXPECT_EQ(refused_field(registrations_.list_event_registrations(olga_, "paid", std::nullopt, 2, long_search)), "q");
}

TEST_F(RegistrationsListed, AnalyticsCountByTheEventsLocalDay) {
  using namespace std::chrono;
  store_.events["paid"].details.timezone = "Asia/Tokyo";
  auto const hour = [](sys_days day, hours h) { return duration_cast<hours>((day + h).time_since_epoch()).count(); };
  // 14:00, 16:00 and 17:00 UTC on 1 June 2027 are 23:00 on 1 June and 01:00, 02:00 on 2 June in Tokyo.
  store_.stats.by_hour = {{hour(2027y / June / 1, 14h), 2, 5000},
                          {hour(2027y / June / 1, 16h), 1, 2500},
                          {hour(2027y / June / 1, 17h), 3, 7500}};
  auto const analytics = registrations_.event_analytics(olga_, "paid");
  ASSERT_TRUE(analytics) << analytics.error().detail;
  EXPECT_EQ(analytics->currency, "EUR");
  ASSERT_EQ(analytics->by_day.size(), 2u);
  EXPECT_EQ(analytics->by_day[0].date, "2027-06-01");
  EXPECT_EQ(analytics->by_day[0].registrations, 2);
  EXPECT_EQ(analytics->by_day[0].revenue_minor, 5000);
  EXPECT_EQ(analytics->by_day[1].date, "2027-06-02");
  EXPECT_EQ(analytics->by_day[1].registrations, 4);
  EXPECT_EQ(analytics->by_day[1].revenue_minor, 10000);

  auto const attendee = registrations_.event_analytics(ada_, "paid");
  ASSERT_FALSE(attendee);
  EXPECT_EQ(attendee.error().code, Errc::forbidden);
}

}  // namespace
}  // namespace admit
