// The payment use case (app/Payments) with fake stores, a fake provider and a clock set by
// hand, and the real sandbox and Stripe webhook adapters: what a sandbox payment does for
// each test card, how each outcome of applying a provider event is answered, and that a
// reconciliation that fails is logged.
#include "app/payments.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <ostream>
#include <stdexcept>
#include <string>
#include <vector>

#include "base/log.hpp"
#include "payments/sandbox.hpp"
#include "payments/stripe_webhooks.hpp"
#include "support/fakes.hpp"

namespace admit {
namespace {

using namespace std::chrono;
using namespace std::chrono_literals;

constexpr char const* kIntent = "pi_sandbox_AAAABBBBCCCCDDDDEEEEFF";
constexpr char const* kRegistration = "reg-1";

class CountingEntropy final : public Entropy {
 public:
  std::string new_id() override { return "id" + std::to_string(++next_); }
  std::string new_secret() override { return "secret-of-at-least-twenty-four-characters-" + std::to_string(++next_); }

 private:
  int next_ = 0;
};

class FakeTicketCodes final : public TicketCodes {
 public:
  std::string issue(TicketClaims const& claims) override { return "code-" + claims.ticket_id; }
  std::expected<TicketClaims, std::string> check(std::string_view) override { return std::unexpected("unused"); }
  std::expected<TicketClaims, std::string> decode(std::string_view) override { return std::unexpected("unused"); }
  std::vector<PublicScanKey> public_keys(std::string_view) override { return {}; }
  PublicScanKey rotate(std::string_view, Actor const&) override { throw std::logic_error("unused"); }
};

/// Only find_registration is used by payments; the rest is never reached.
class FakeRegistrationStore final : public RegistrationStore {
 public:
  std::map<std::string, RegistrationDetail, std::less<>> details;

  std::optional<RegistrationDetail> find_registration(std::string_view id) override {
    auto const found = details.find(id);
    if (found == details.end()) return std::nullopt;
    return found->second;
  }
  void place_registration(NewRegistration, Timestamp, Actor, Completion<Result<PlacementResult>>) override {
    throw std::logic_error("unused");
  }
  std::vector<RegistrationDetail> list_user_registrations(std::string_view, std::optional<RegistrationCursor> const&,
                                                          int) override {
    throw std::logic_error("unused");
  }
  std::vector<RegistrationRow> list_event_registrations(std::string_view, std::optional<RegistrationCursor> const&,
                                                        int) override {
    throw std::logic_error("unused");
  }
  Cancellation cancel_registration(std::string_view, CancellationRequest const&, Timestamp, Actor const&) override {
    throw std::logic_error("unused");
  }
  TicketCancellationResult cancel_tickets(std::string_view, TicketCancellationRequest const&, Timestamp,
                                          Actor const&) override {
    throw std::logic_error("unused");
  }
  CompIssueResult issue_comps(std::string_view, std::string_view, std::vector<NewRegistration>, Timestamp,
                              Actor const&) override {
    throw std::logic_error("unused");
  }
  EventStats event_stats(std::string_view) override { throw std::logic_error("unused"); }
  std::vector<RegistrationRow> search_event_registrations(std::string_view, std::string_view,
                                                          std::optional<RegistrationCursor> const&, int) override {
    throw std::logic_error("unused");
  }
  std::vector<TicketRow> list_event_tickets(std::string_view) override { throw std::logic_error("unused"); }
};

/// What the use case asked the store to apply.
struct AppliedEvent {
  bool success = false;
  std::string event_id;
  std::string intent_id;
  std::vector<Ticket> tickets;  ///< success only
  std::string message;          ///< failure only
  Timestamp now;
};

struct RecordedRefund {
  DueRefund due;
  std::string refund_id;
  bool completed = false;
  Timestamp now;
};

/// Answers every apply_* with `answer` (or `error`) and records what it was asked; the rules
/// behind the answers are the stores' (see the store contract suite).
class FakePaymentStore final : public PaymentStore {
 public:
  std::map<std::string, StoredPayment, std::less<>> payments;  ///< by intent id
  PaymentApplied answer = PaymentApplied::confirmed;
  std::optional<Error> error;        ///< answered instead of `answer` when set
  std::function<void()> on_success;  ///< runs when a success is applied (e.g. confirms)
  std::vector<AppliedEvent> applied;
  std::vector<StoredPayment> pending;
  std::vector<DueRefund> due;

  void apply_payment_success(std::string event_id, std::string intent_id, std::vector<Ticket> tickets, OrderLink,
                             Timestamp now, Completion<Result<PaymentResult>> done) override {
    applied.push_back({true, event_id, intent_id, std::move(tickets), {}, now});
    if (!error && on_success) on_success();
    done(result_for(intent_id));
  }
  void apply_payment_failure(std::string event_id, std::string intent_id, std::string message, Timestamp now,
                             Completion<Result<PaymentResult>> done) override {
    applied.push_back({false, event_id, intent_id, {}, std::move(message), now});
    done(result_for(intent_id));
  }
  std::optional<StoredPayment> find_payment(std::string_view intent_id) override {
    auto const found = payments.find(intent_id);
    if (found == payments.end()) return std::nullopt;
    return found->second;
  }
  std::vector<RefundState> refund_states;  ///< what apply_refund_states was given, in order
  void apply_refund_states(std::string, std::string, std::vector<RefundState> states, Timestamp,
                           Completion<Result<RefundApplied>> done) override {
    refund_states.insert(refund_states.end(), states.begin(), states.end());
    done(RefundApplied::recorded);
  }
  void record_refund(DueRefund const& due_refund, std::string_view refund_id, bool completed, Timestamp now) override {
    std::lock_guard lock(mutex_);
    refunds_.push_back({due_refund, std::string(refund_id), completed, now});
    refunded_.notify_all();
  }
  /// The refunds recorded, once there are `count` (refunds run on a background thread).
  std::vector<RecordedRefund> await_refunds(std::size_t count) {
    std::unique_lock lock(mutex_);
    refunded_.wait_for(lock, 5s, [&] { return refunds_.size() >= count; });
    return refunds_;
  }
  std::vector<StoredPayment> pending_payments() override { return pending; }
  std::vector<DueRefund> refunds_due() override { return due; }

  bool save_intent(std::string_view, std::string_view, std::string_view, PaymentIntent const&, std::string_view,
                   Timestamp) override {
    throw std::logic_error("unused");
  }
  std::optional<StoredPayment> payment_by_key(std::string_view, std::string_view) override {
    throw std::logic_error("unused");
  }
  std::optional<StoredPayment> payment_of(std::string_view) override { throw std::logic_error("unused"); }
  int expire_holds(Timestamp) override { throw std::logic_error("unused"); }

 private:
  Result<PaymentResult> result_for(std::string const& intent_id) {
    if (error) return std::unexpected(*error);
    auto const payment = find_payment(intent_id);
    return PaymentResult{answer, payment ? payment->registration_id : std::string()};
  }

  std::mutex mutex_;
  std::condition_variable refunded_;
  std::vector<RecordedRefund> refunds_;
};

/// Stripe as reconciliation and refunds see it: each intent's status, refunds by key.
class FakeProvider final : public PaymentProvider {
 public:
  std::map<std::string, std::string, std::less<>> statuses;  ///< intent id → status
  bool down = false;
  std::mutex mutex;
  std::vector<std::string> refund_keys;
  std::vector<std::int64_t> refund_amounts;

  std::string_view name() const override { return "stripe"; }
  PaymentIntent create_intent(std::string const&, std::int64_t, std::string const&, std::string const&) override {
    throw std::logic_error("unused");
  }
  PaymentIntent retrieve_intent(std::string const& intent_id) override {
    if (down) throw Outage("Stripe cannot be reached");
    return {intent_id, {}, 0, {}, statuses.contains(intent_id) ? statuses[intent_id] : "requires_payment_method"};
  }
  RefundOutcome refund(std::string const& intent_id, std::int64_t amount_minor,
                       std::string const& idempotency_key) override {
    if (down) throw Outage("Stripe cannot be reached");
    std::lock_guard lock(mutex);
    refund_keys.push_back(idempotency_key);
    refund_amounts.push_back(amount_minor);
    return {"re_" + intent_id, false};
  }
};

Principal const kAda{"ada", Role::attendee, 0};
Principal const kBob{"bob", Role::attendee, 0};

class PaymentsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Registration r;
    r.id = kRegistration;
    r.event_id = "event-1";
    r.ticket_type_id = "type-1";
    r.user_id = kAda.user_id;
    r.quantity = 2;
    r.status = RegistrationStatus::pending_payment;
    r.amount_minor = 5000;
    r.currency = "EUR";
    r.payment_id = kIntent;
    r.registered_at = clock_.now();
    r.hold_expires_at = clock_.now() + 15min;
    r.updated_at = clock_.now();
    registrations_.details[kRegistration] = {r, {}};
    store_.payments[kIntent] = StoredPayment{.intent_id = kIntent,
                                             .registration_id = kRegistration,
                                             .user_id = kAda.user_id,
                                             .provider = "sandbox",
                                             .amount_minor = 5000,
                                             .currency = "EUR",
                                             .client_secret = std::string(kIntent) + "_secret_x",
                                             .status = "requires_payment_method"};
    // The store confirms the registration when it applies a success, as the real ones do.
    store_.on_success = [this] {
      registrations_.details[kRegistration].registration.status = RegistrationStatus::confirmed;
    };
  }

  Result<RegistrationDetail> pay(std::string_view card, Principal const& who = kAda, Payments* payments = nullptr) {
    std::optional<Result<RegistrationDetail>> out;
    (payments ? *payments : payments_).confirm_sandbox_payment(who, kIntent, card, [&](Result<RegistrationDetail> r) {
      out = std::move(r);
    });
    if (!out) throw std::logic_error("confirm_sandbox_payment did not answer");
    return std::move(*out);
  }

  Result<PaymentEventOutcome> apply(PaymentEvent const& event) {
    std::optional<Result<PaymentEventOutcome>> out;
    payments_.handle_event(event, [&](Result<PaymentEventOutcome> r) { out = std::move(r); });
    if (!out) throw std::logic_error("handle_event did not answer");
    return std::move(*out);
  }

  Result<PaymentEventOutcome> deliver(std::string const& payload, std::string const& signature) {
    std::optional<Result<PaymentEventOutcome>> out;
    payments_.receive_webhook(payload, signature, [&](Result<PaymentEventOutcome> r) { out = std::move(r); });
    if (!out) throw std::logic_error("receive_webhook did not answer");
    return std::move(*out);
  }

  static PaymentEvent succeeded(std::string intent = kIntent) {
    return {"evt_1", "payment_intent.succeeded", std::move(intent), {}};
  }

  // Months away from the real time: a signature made with the system clock would not verify.
  test::FakeClock clock_{sys_days{2026y / June / 1} + 9h};
  CountingEntropy entropy_;
  FakeTicketCodes codes_;
  FakeRegistrationStore registrations_;
  FakePaymentStore store_;
  FakeProvider provider_;
  payments::SandboxProvider sandbox_{entropy_};
  payments::StripeWebhooks webhooks_{"whsec_unit_test_secret"};
  Payments payments_{registrations_, store_, provider_, &sandbox_, webhooks_, codes_, entropy_, clock_};
};

// ---- confirming a sandbox payment -------------------------------------------------------

class ConfirmSandboxPayment : public PaymentsTest {};

TEST_F(ConfirmSandboxPayment, TheSuccessCardConfirmsAndAnswersTheRegistrationAsItIsNow) {
  auto const paid = pay("4242 4242 4242 4242");
  ASSERT_TRUE(paid) << paid.error().detail;
  EXPECT_EQ(paid->registration.id, kRegistration);
  EXPECT_EQ(paid->registration.status, RegistrationStatus::confirmed);

  ASSERT_EQ(store_.applied.size(), 1u);
  auto const& event = store_.applied[0];
  EXPECT_TRUE(event.success);
  EXPECT_EQ(event.intent_id, kIntent);
  EXPECT_EQ(event.tickets.size(), 2u) << "one ticket per seat, signed before the write";
  EXPECT_EQ(event.now, clock_.now());
}

TEST_F(ConfirmSandboxPayment, TheEventIsNamedAndSignedWithTheInjectedClock) {
  // Were the event signed with the system clock, its signature would not verify at this time
  // and the payment would fail with invalid_signature.
  clock_.set(sys_days{2030y / January / 2} + 3h);
  ASSERT_TRUE(pay("4242-4242-4242-4242"));
  ASSERT_EQ(store_.applied.size(), 1u);
  auto const seconds = clock_.now().time_since_epoch().count();
  EXPECT_EQ(store_.applied[0].event_id, "evt_sandbox_AAAABBBBCCCCDDDDEEEEFF_" + std::to_string(seconds) + "_4242");
  EXPECT_EQ(store_.applied[0].now, clock_.now());
}

struct DeclineCase {
  char const* card;
  char const* decline_code;
  char const* message;
};

void PrintTo(DeclineCase const& c, std::ostream* os) {
  *os << c.card;
}

class ConfirmSandboxPaymentDecline : public PaymentsTest, public ::testing::WithParamInterface<DeclineCase> {};

TEST_P(ConfirmSandboxPaymentDecline, RecordsTheFailureAndAnswersPaymentDeclined) {
  auto const [card, decline_code, message] = GetParam();
  auto const paid = pay(card);
  ASSERT_FALSE(paid);
  EXPECT_EQ(paid.error().code, Errc::payment_declined);
  EXPECT_EQ(paid.error().detail, message);
  ASSERT_EQ(paid.error().fields.size(), 1u);
  EXPECT_EQ(paid.error().fields[0].field, "cardNumber");
  EXPECT_EQ(paid.error().fields[0].message, decline_code);

  // The decline travels as a payment_failed event carrying the card's message.
  ASSERT_EQ(store_.applied.size(), 1u);
  EXPECT_FALSE(store_.applied[0].success);
  EXPECT_EQ(store_.applied[0].intent_id, kIntent);
  EXPECT_EQ(store_.applied[0].message, message);
  EXPECT_EQ(registrations_.details[kRegistration].registration.status, RegistrationStatus::pending_payment);
}

INSTANTIATE_TEST_SUITE_P(
    TestCards, ConfirmSandboxPaymentDecline,
    ::testing::Values(DeclineCase{"4000 0000 0000 0002", "generic_decline", "Your card was declined."},
                      DeclineCase{"4000000000009995", "insufficient_funds", "Your card has insufficient funds."},
                      DeclineCase{"5555 5555 5555 4444", "generic_decline",
                                  "Your card was declined. In the sandbox, pay with the test card 4242 4242 4242 "
                                  "4242."},
                      DeclineCase{"4242 4242 4242 4241", "generic_decline",
                                  "Your card was declined. In the sandbox, pay with the test card 4242 4242 4242 "
                                  "4242."}));

TEST_F(ConfirmSandboxPayment, RejectsACardNumberThatIsNotTwelveToNineteenDigits) {
  for (auto card : {"", "4242 4242 424", "4242x4242424242", "4242 4242 4242 4242 4242", "42424242424242424242"}) {
    auto const paid = pay(card);
    ASSERT_FALSE(paid) << card;
    EXPECT_EQ(paid.error().code, Errc::invalid_input) << card;
    ASSERT_EQ(paid.error().fields.size(), 1u) << card;
    EXPECT_EQ(paid.error().fields[0].field, "cardNumber");
  }
  EXPECT_TRUE(store_.applied.empty());
  // Twelve digits make a card number: an unknown card, declined.
  auto const short_card = pay("4242 4242 4242");
  ASSERT_FALSE(short_card);
  EXPECT_EQ(short_card.error().code, Errc::payment_declined);
}

TEST_F(ConfirmSandboxPayment, AnotherUsersOrAnUnknownIntentIsNotFound) {
  auto const theirs = pay("4242 4242 4242 4242", kBob);
  ASSERT_FALSE(theirs);
  EXPECT_EQ(theirs.error().code, Errc::not_found);
  store_.payments.clear();
  auto const unknown = pay("4242 4242 4242 4242");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, Errc::not_found);
  EXPECT_TRUE(store_.applied.empty());
}

TEST_F(ConfirmSandboxPayment, IsNotFoundWhenTheServerTakesRealPayments) {
  Payments stripe_only{registrations_, store_, provider_, nullptr, webhooks_, codes_, entropy_, clock_};
  auto const paid = pay("4242 4242 4242 4242", kAda, &stripe_only);
  ASSERT_FALSE(paid);
  EXPECT_EQ(paid.error().code, Errc::not_found);
  EXPECT_EQ(paid.error().detail, "The sandbox is off: this server takes real payments.");
  EXPECT_TRUE(store_.applied.empty());
}

TEST_F(ConfirmSandboxPayment, AStoreThatCannotApplyTheEventFailsThePayment) {
  store_.error = Error{Errc::unavailable, "the database is down"};
  auto const paid = pay("4242 4242 4242 4242");
  ASSERT_FALSE(paid);
  EXPECT_EQ(paid.error().code, Errc::unavailable);
}

// ---- receiving a webhook delivery -------------------------------------------------------

class ReceiveWebhook : public PaymentsTest {};

TEST_F(ReceiveWebhook, AppliesASignedStripeEvent) {
  std::string const payload = R"({"id":"evt_9","type":"payment_intent.payment_failed","data":{"object":{"id":")" +
                              std::string(kIntent) + R"(","last_payment_error":{"message":"Card expired."}}}})";
  store_.answer = PaymentApplied::failure_recorded;
  auto const outcome = deliver(payload, webhooks_.sign(payload, clock_.now()));
  ASSERT_TRUE(outcome) << outcome.error().detail;
  EXPECT_EQ(outcome->result, PaymentEventResult::failure_recorded);
  ASSERT_EQ(store_.applied.size(), 1u);
  EXPECT_EQ(store_.applied[0].event_id, "evt_9");
  EXPECT_EQ(store_.applied[0].message, "Card expired.");
}

TEST_F(ReceiveWebhook, RefusesABadSignatureAnUnreadablePayloadAndAnEventWithoutIdOrType) {
  std::string const payload = R"({"id":"evt_9","type":"payment_intent.succeeded"})";
  auto const stale = deliver(payload, webhooks_.sign(payload, clock_.now() - 10min));
  ASSERT_FALSE(stale);
  EXPECT_EQ(stale.error().code, Errc::invalid_signature);

  std::string const garbage = "[1,2";
  auto const unreadable = deliver(garbage, webhooks_.sign(garbage, clock_.now()));
  ASSERT_FALSE(unreadable);
  EXPECT_EQ(unreadable.error().code, Errc::malformed_input);

  std::string const anonymous = R"({"type":"payment_intent.succeeded"})";
  auto const incomplete = deliver(anonymous, webhooks_.sign(anonymous, clock_.now()));
  ASSERT_FALSE(incomplete);
  EXPECT_EQ(incomplete.error().code, Errc::invalid_input);
  EXPECT_TRUE(store_.applied.empty());
}

// ---- applying a provider event ----------------------------------------------------------

class HandlePaymentEvent : public PaymentsTest {};

TEST_F(HandlePaymentEvent, ASuccessConfirmsWithOneSignedTicketPerSeat) {
  auto const outcome = apply(succeeded());
  ASSERT_TRUE(outcome);
  EXPECT_EQ(outcome->result, PaymentEventResult::confirmed);
  EXPECT_EQ(outcome->registration_id, kRegistration);
  ASSERT_EQ(store_.applied.size(), 1u);
  auto const& tickets = store_.applied[0].tickets;
  ASSERT_EQ(tickets.size(), 2u);
  for (auto const& t : tickets) {
    EXPECT_EQ(t.registration_id, kRegistration);
    EXPECT_EQ(t.qr_code, "code-" + t.id);
  }
}

TEST_F(HandlePaymentEvent, IssuesNoNewTicketsForARegistrationThatHasThem) {
  Ticket issued;
  issued.id = "t-1";
  issued.registration_id = kRegistration;
  registrations_.details[kRegistration].tickets.push_back(issued);
  store_.answer = PaymentApplied::already_done;
  auto const outcome = apply(succeeded());
  ASSERT_TRUE(outcome);
  EXPECT_EQ(outcome->result, PaymentEventResult::already_done);
  ASSERT_EQ(store_.applied.size(), 1u);
  EXPECT_TRUE(store_.applied[0].tickets.empty());
}

TEST_F(HandlePaymentEvent, AnswersWhatTheStoreDidWithTheEvent) {
  struct Case {
    PaymentApplied applied;
    PaymentEventResult result;
    bool names_registration;
  };
  for (auto const [applied, result, names_registration] : {
           Case{PaymentApplied::confirmed, PaymentEventResult::confirmed, true},
           Case{PaymentApplied::already_done, PaymentEventResult::already_done, true},
           Case{PaymentApplied::duplicate_event, PaymentEventResult::duplicate, true},
           Case{PaymentApplied::failure_recorded, PaymentEventResult::failure_recorded, true},
           Case{PaymentApplied::unknown_payment, PaymentEventResult::unknown, false},
       }) {
    store_.answer = applied;
    auto const outcome = apply(succeeded());
    ASSERT_TRUE(outcome);
    EXPECT_EQ(outcome->result, result) << static_cast<int>(applied);
    EXPECT_EQ(outcome->registration_id, names_registration ? kRegistration : "") << static_cast<int>(applied);
  }
}

TEST_F(HandlePaymentEvent, AFailureIsRecordedWithItsMessage) {
  store_.answer = PaymentApplied::failure_recorded;
  auto const outcome = apply({"evt_2", "payment_intent.payment_failed", kIntent, "Card expired."});
  ASSERT_TRUE(outcome);
  EXPECT_EQ(outcome->result, PaymentEventResult::failure_recorded);
  ASSERT_EQ(store_.applied.size(), 1u);
  EXPECT_FALSE(store_.applied[0].success);
  EXPECT_EQ(store_.applied[0].event_id, "evt_2");
  EXPECT_EQ(store_.applied[0].message, "Card expired.");
}

TEST_F(HandlePaymentEvent, APaymentThatNeedsARefundIsRefundedUnderItsRegistrationsKey) {
  store_.answer = PaymentApplied::refund_needed;
  // What the store then lists as due: the registration's whole amount, under its key.
  store_.due = {DueRefund{.refund_id = {},
                          .registration_id = kRegistration,
                          .intent_id = kIntent,
                          .amount_minor = 5000,
                          .idempotency_key = "admit-refund-reg-1"}};
  auto const outcome = apply(succeeded());
  ASSERT_TRUE(outcome);
  EXPECT_EQ(outcome->result, PaymentEventResult::refunding);
  EXPECT_EQ(outcome->registration_id, kRegistration);
  auto const refunds = store_.await_refunds(1);
  ASSERT_EQ(refunds.size(), 1u);
  EXPECT_EQ(refunds[0].due.registration_id, kRegistration);
  EXPECT_EQ(refunds[0].refund_id, std::string("re_") + kIntent);
  EXPECT_FALSE(refunds[0].completed);
  EXPECT_EQ(refunds[0].now, clock_.now());
  std::lock_guard lock(provider_.mutex);
  EXPECT_EQ(provider_.refund_keys, std::vector<std::string>{"admit-refund-reg-1"});
  EXPECT_EQ(provider_.refund_amounts, std::vector<std::int64_t>{5000});
}

TEST_F(HandlePaymentEvent, RefundsEachDueRefundItsOwnAmountUnderItsOwnKey) {
  store_.due = {DueRefund{.refund_id = "rf-1",
                          .registration_id = kRegistration,
                          .intent_id = kIntent,
                          .amount_minor = 1250,
                          .idempotency_key = "cancel:reg-1:t1"},
                DueRefund{.refund_id = {},
                          .registration_id = kRegistration,
                          .intent_id = kIntent,
                          .amount_minor = 0,
                          .idempotency_key = "admit-refund-reg-1"}};
  payments_.refund_due();
  auto const refunds = store_.await_refunds(2);
  ASSERT_EQ(refunds.size(), 2u);
  EXPECT_EQ(refunds[0].due.refund_id, "rf-1");
  EXPECT_EQ(refunds[0].refund_id, std::string("re_") + kIntent);
  // Nothing left to refund: recorded as done, the provider never asked for 0.
  EXPECT_EQ(refunds[1].due.idempotency_key, "admit-refund-reg-1");
  EXPECT_TRUE(refunds[1].completed);
  std::lock_guard lock(provider_.mutex);
  EXPECT_EQ(provider_.refund_keys, std::vector<std::string>{"cancel:reg-1:t1"});
  EXPECT_EQ(provider_.refund_amounts, std::vector<std::int64_t>{1250});
}

TEST_F(HandlePaymentEvent, AnIntentNoRegistrationHasIsUnknownAndChangesNothing) {
  auto const outcome = apply(succeeded("pi_nobody"));
  ASSERT_TRUE(outcome);
  EXPECT_EQ(outcome->result, PaymentEventResult::unknown);
  EXPECT_TRUE(store_.applied.empty());
}

TEST_F(ReceiveWebhook, AChargeRefundedPassesOnTheFinalStatesOfItsRefundsList) {
  std::string const payload =
      R"({"id":"evt_r","type":"charge.refunded","data":{"object":{"id":"ch_1","object":"charge",)"
      R"("payment_intent":"pi_1","refunds":{"object":"list","data":[)"
      R"({"id":"re_a","object":"refund","status":"pending","failure_reason":null},)"
      R"({"id":"re_b","object":"refund","status":"succeeded","failure_reason":null},)"
      R"({"id":"re_c","object":"refund","status":"failed","failure_reason":"lost_or_stolen_card"}]}}}})";
  auto const outcome = deliver(payload, webhooks_.sign(payload, clock_.now()));
  ASSERT_TRUE(outcome) << outcome.error().detail;
  EXPECT_EQ(outcome->result, PaymentEventResult::refund_settled);
  ASSERT_EQ(store_.refund_states.size(), 2u);  // the pending one waits for its own event
  EXPECT_EQ(store_.refund_states[0].id, "re_b");
  EXPECT_EQ(store_.refund_states[0].status, "succeeded");
  EXPECT_EQ(store_.refund_states[1].id, "re_c");
  EXPECT_EQ(store_.refund_states[1].failure_reason, "lost_or_stolen_card");
}

TEST_F(ReceiveWebhook, ARefundFailedPassesOnItsRefundAndAPendingOneIsIgnored) {
  std::string const failed = R"({"id":"evt_f","type":"refund.failed","data":{"object":{"id":"re_d","object":"refund",)"
                             R"("payment_intent":"pi_1","status":"failed","failure_reason":"declined"}}})";
  auto const outcome = deliver(failed, webhooks_.sign(failed, clock_.now()));
  ASSERT_TRUE(outcome) << outcome.error().detail;
  EXPECT_EQ(outcome->result, PaymentEventResult::refund_settled);
  ASSERT_EQ(store_.refund_states.size(), 1u);
  EXPECT_EQ(store_.refund_states[0].failure_reason, "declined");
  std::string const pending = R"({"id":"evt_p","type":"refund.updated","data":{"object":{"id":"re_e",)"
                              R"("object":"refund","status":"pending"}}})";
  auto const waiting = deliver(pending, webhooks_.sign(pending, clock_.now()));
  ASSERT_TRUE(waiting);
  EXPECT_EQ(waiting->result, PaymentEventResult::ignored);
  EXPECT_EQ(store_.refund_states.size(), 1u);
}

TEST_F(HandlePaymentEvent, OtherEventTypesAreIgnored) {
  auto const outcome = apply({"evt_3", "customer.created", kIntent, {}});
  ASSERT_TRUE(outcome);
  EXPECT_EQ(outcome->result, PaymentEventResult::ignored);
  EXPECT_TRUE(store_.applied.empty());
}

TEST_F(HandlePaymentEvent, AStoreErrorIsPassedOn) {
  store_.error = Error{Errc::unavailable, "the database is down"};
  auto const outcome = apply(succeeded());
  ASSERT_FALSE(outcome);
  EXPECT_EQ(outcome.error().code, Errc::unavailable);
}

// ---- reconciliation at start ------------------------------------------------------------

class Reconcile : public PaymentsTest {
 protected:
  /// What reconcile() wrote to the log.
  std::string reconcile_log() {
    ::testing::internal::CaptureStdout();
    payments_.reconcile();
    log::flush();
    return ::testing::internal::GetCapturedStdout();
  }
};

TEST_F(Reconcile, AppliesASuccessTheProviderSawUnderAnEventIdOfItsOwn) {
  store_.pending = {store_.payments[kIntent]};
  provider_.statuses[kIntent] = "succeeded";
  reconcile_log();
  ASSERT_EQ(store_.applied.size(), 1u);
  EXPECT_TRUE(store_.applied[0].success);
  EXPECT_EQ(store_.applied[0].event_id, std::string("reconcile-") + kIntent);
}

TEST_F(Reconcile, LeavesAPaymentTheProviderDidNotSeeSucceed) {
  store_.pending = {store_.payments[kIntent]};
  reconcile_log();
  EXPECT_TRUE(store_.applied.empty());
}

TEST_F(Reconcile, LogsAPaymentTheStoreCouldNotApply) {
  store_.pending = {store_.payments[kIntent]};
  provider_.statuses[kIntent] = "succeeded";
  store_.error = Error{Errc::unavailable, "the disk is full"};
  auto const log = reconcile_log();
  EXPECT_NE(log.find("reconciliation could not apply a payment"), std::string::npos) << log;
  EXPECT_NE(log.find(kIntent), std::string::npos) << log;
  EXPECT_NE(log.find("the disk is full"), std::string::npos) << log;
}

TEST_F(Reconcile, LogsAPaymentItCouldNotAskTheProviderAbout) {
  store_.pending = {store_.payments[kIntent]};
  provider_.down = true;
  auto const log = reconcile_log();
  EXPECT_NE(log.find("reconciliation skipped a payment"), std::string::npos) << log;
  EXPECT_NE(log.find(kIntent), std::string::npos) << log;
}

TEST_F(Reconcile, LogsARefundDueThatFailed) {
  store_.due = {DueRefund{.refund_id = {},
                          .registration_id = kRegistration,
                          .intent_id = kIntent,
                          .amount_minor = 5000,
                          .idempotency_key = "admit-refund-reg-1"}};
  provider_.down = true;
  ::testing::internal::CaptureStdout();
  payments_.refund_due();
  log::flush();
  auto const log = ::testing::internal::GetCapturedStdout();
  EXPECT_NE(log.find("refund failed; will retry"), std::string::npos) << log;
  EXPECT_NE(log.find(kRegistration), std::string::npos) << log;
}

}  // namespace
}  // namespace admit
