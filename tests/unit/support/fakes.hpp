#pragma once

/// Fakes of the ports in app/ports.hpp, shared by the unit tests: a clock moved by hand,
/// predictable ids, a store held in memory, ticket codes whose forgeries are easy to make.
/// Each does what a test can check and nothing more; none touches a disk or a network.

#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "app/ports.hpp"

namespace admit::test {

/// The wall clock use cases read (Clock), standing still until a test moves it.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(Timestamp start = Timestamp{std::chrono::seconds{1'800'000'000}}) : now_(start) {}
  Timestamp now() const override { return now_; }
  void set(Timestamp t) { now_ = t; }
  void advance(std::chrono::seconds by) { now_ += by; }

 private:
  Timestamp now_;
};

/// A steady clock for the parts that take one as a function (AccountGate, LoginThrottle).
struct ManualSteadyClock {
  std::chrono::steady_clock::time_point now{std::chrono::steady_clock::time_point{} + std::chrono::hours{1000}};
  auto function() {
    return [this] { return now; };
  }
};

/// Ids "id-1", "id-2" … and secrets "secret-3" … in the order they are asked for.
class CountingEntropy final : public Entropy {
 public:
  std::string new_id() override { return "id-" + std::to_string(++next_); }
  std::string new_secret() override { return "secret-" + std::to_string(++next_); }

 private:
  int next_ = 0;
};

class PlainHasher final : public PasswordHasher {
 public:
  std::string hash(std::string_view password) override { return "hashed:" + std::string(password); }
  bool verify(std::string_view hash, std::string_view password) override { return hash == this->hash(password); }
};

class PlainDigest final : public TokenDigest {
 public:
  std::string digest(std::string_view token) override { return "digest:" + std::string(token); }
};

/// Ticket codes "T.<ticket>.<event>.<user>.<signature>", the signature a keyed hash of the
/// rest: changing any part of an issued code (or writing one from scratch) breaks it, as with
/// the real Ed25519 codes. Counts signature checks, which a scan should avoid where it can.
class FakeTicketCodes final : public TicketCodes {
 public:
  std::string issue(TicketClaims const& claims) override;
  std::expected<TicketClaims, std::string> check(std::string_view code) override;
  std::expected<TicketClaims, std::string> decode(std::string_view code) override;
  std::vector<PublicScanKey> public_keys(std::string_view event_id) override;
  PublicScanKey rotate(std::string_view event_id, Actor const& by) override;

  /// A code that states `claims` in the right form but was not signed by us.
  static std::string forge(TicketClaims const& claims);

  int checks = 0;                        ///< calls of check()
  std::map<std::string, int> rotations;  ///< rotate() calls by event
};

/// Download link signatures "sig:<ticket>:<expires>".
class FakeDownloadLinks final : public DownloadLinks {
 public:
  std::string signature(std::string_view ticket_id, Timestamp expires) override;
  bool verify(std::string_view ticket_id, Timestamp expires, std::string_view signature) override;
};

/// Keeps what it was asked to print; the "PDF" names the ticket.
class FakePrinter final : public TicketPrinter {
 public:
  std::string render_pdf(PrintedTicket const& ticket) override;
  std::vector<PrintedTicket> printed;
};

/// The whole Store in memory. Reads answer from the public maps, which tests fill directly.
/// Redemption and staff checks behave as the real stores' contract says (tests/unit/store);
/// placing a registration and cancelling one answer what the test scripted, since those
/// decisions are the store's (and the domain's), not the use case's. Everything else answers
/// "nothing there".
class FakeStore final : public Store {
 public:
  // ---- waiting list: none (the use case is tested against the real stores) -------------------
  void configure_waitlist(WaitlistConfig) override {}
  WaitlistJoinResult join_waitlist(WaitlistEntry const&, Timestamp, Actor const&) override {
    return {WaitlistJoin::not_found, {}};
  }
  std::optional<WaitlistEntry> confirm_waitlist_entry(std::string_view, Timestamp, Actor const&) override { return {}; }
  std::optional<WaitlistEntry> find_waitlist_entry(std::string_view) override { return {}; }
  std::vector<WaitlistEntry> list_waitlist(std::string_view, std::int64_t, int) override { return {}; }
  bool waitlist_paused(std::string_view) override { return false; }
  bool set_waitlist_paused(std::string_view, bool, Timestamp, Actor const&) override { return false; }
  std::vector<WaitlistEntry> list_user_waitlist(std::string_view) override { return {}; }
  bool remove_waitlist_entry(std::string_view, std::string_view, Timestamp, Actor const&) override { return false; }
  void claim_offer(OfferClaimRequest, Timestamp, Actor, Completion<Result<OfferClaimResult>> done) override {
    done(OfferClaimResult{});
  }

  // ---- users: only the account state the gate reads --------------------------------------
  std::map<std::string, AccountState, std::less<>> accounts;
  std::map<std::string, User, std::less<>> users;  ///< by id
  int account_state_lookups = 0;
  int user_lookups = 0;                             ///< calls of find_user and find_user_by_email
  std::vector<AccountToken> reset_requests;         ///< what queue_password_reset received
  std::vector<AccountToken> verification_requests;  ///< what queue_email_verification received
  bool down = false;                                ///< account_state throws Outage

  // ---- events, registrations, tickets, staff ------------------------------------------------
  std::map<std::string, Event, std::less<>> events;
  std::map<std::string, RegistrationDetail, std::less<>> registrations;
  std::map<std::string, Ticket, std::less<>> tickets;
  std::set<std::pair<std::string, std::string>> staff;  ///< (event id, user id) of accepted staff
  EventStats stats;
  std::set<std::pair<std::string, std::string>> ticket_types;  ///< (event id, type id), from insert_event
  std::map<std::string, Question, std::less<>> questions;      ///< by id
  int question_lists = 0;                                      ///< calls of list_questions

  /// Every order place_registration received, in order.
  std::vector<NewRegistration> orders;
  /// What the next placements answer, first first; when empty, the order is placed.
  std::deque<Result<PlacementResult>> placements;
  /// Runs as each order arrives, before its answer (to change the store meanwhile).
  std::function<void(NewRegistration const&)> on_place;

  struct RedeemCall {
    std::string ticket_id;
    std::string event_id;
    std::string code;
    Timestamp now;
    Actor actor;
  };
  std::vector<RedeemCall> redemptions;
  std::optional<Error> redeem_failure;  ///< when set, redeem_ticket fails with it (a write failed)

  std::vector<std::pair<std::string, CancellationRequest>> cancellations;
  Cancellation next_cancellation = Cancellation::cancelled;

  /// The registration and detail an order becomes when placed.
  static PlacementResult placed(NewRegistration const& order);

  // ---- guest orders ----------------------------------------------------------------------------
  std::map<std::string, GuestBuyer, std::less<>> guests;         ///< by address
  std::map<std::string, std::string, std::less<>> order_tokens;  ///< live tokens' digests → registration
  std::vector<OutboxEntry> order_token_mail;                     ///< what issue_order_token queued

  std::optional<GuestBuyer> find_guest(std::string_view email) override {
    auto const found = guests.find(email);
    return found == guests.end() ? std::nullopt : std::optional<GuestBuyer>(found->second);
  }
  std::optional<std::string> order_of_token(std::string_view token_hash) override {
    auto const found = order_tokens.find(token_hash);
    return found == order_tokens.end() ? std::nullopt : std::optional<std::string>(found->second);
  }
  void issue_order_token(std::string_view registration_id, OrderLink const& fresh, bool retire_others,
                         std::optional<OutboxEntry> const& mail, Timestamp) override {
    if (retire_others) std::erase_if(order_tokens, [&](auto const& kv) { return kv.second == registration_id; });
    order_tokens.insert_or_assign(fresh.token_hash, std::string(registration_id));
    if (mail) order_token_mail.push_back(*mail);
  }

  bool ping() override { return true; }
  int schema_version() override { return 0; }

  Result<void> insert_user(User const&, std::optional<AccountToken> const&, Actor const&) override { return {}; }
  std::optional<User> find_user(std::string_view id) override;
  std::optional<User> find_user_by_email(std::string_view email) override;
  std::optional<User> set_roles(std::string_view, Roles, Roles, Actor const&) override { return std::nullopt; }
  std::optional<AccountState> account_state(std::string_view user_id) override;
  std::expected<User, AccountRefusal> revoke_role(std::string_view, Role, Timestamp, Actor const&, bool) override {
    return std::unexpected(AccountRefusal::not_found);
  }
  std::expected<GuestErasure, GuestRefusal> erase_guest(GuestToErase const&, Timestamp, Actor const&) override {
    return std::unexpected(GuestRefusal::not_found);
  }
  std::expected<User, AccountRefusal> set_disabled(std::string_view, bool, Timestamp, Actor const&, bool) override {
    return std::unexpected(AccountRefusal::not_found);
  }
  /// Keeps what it was given; the use cases' tests read it.
  void queue_password_reset(AccountToken const& token) override { reset_requests.push_back(token); }
  std::optional<std::string> reset_password(std::string_view, std::string_view, Timestamp, Actor const&) override {
    return std::nullopt;
  }
  void queue_email_verification(AccountToken const& token) override { verification_requests.push_back(token); }
  std::optional<std::string> verify_email(std::string_view, Timestamp, Actor const&) override { return std::nullopt; }

  void insert_session(RefreshSession const&) override {}
  Rotation rotate_session(std::string_view, std::string_view, Timestamp, Timestamp) override {
    return {RotateOutcome::invalid, {}};
  }
  bool revoke_family(std::string_view, std::string_view, Timestamp) override { return false; }

  void insert_event(Event const& event, Actor const&) override {
    events[event.id] = event;
    for (auto const& type : event.ticket_types) ticket_types.emplace(event.id, type.id);
  }
  std::optional<Event> find_event(std::string_view id) override;
  std::vector<Event> list_events(EventQuery const&) override { return {}; }
  EventUpdate update_event(std::string_view, EventDraft const&, Timestamp, Actor const&) override {
    return EventUpdate::not_found;
  }
  bool cancel_event(std::string_view, Timestamp, Actor const&) override { return false; }
  bool publish_event(std::string_view id, Timestamp, Actor const&) override {
    auto const found = events.find(id);
    if (found == events.end() || found->second.status != EventStatus::draft) return false;
    found->second.status = EventStatus::published;
    return true;
  }
  TicketTypeChange add_ticket_type(TicketType const&, Timestamp, Actor const&) override {
    return TicketTypeChange::not_found;
  }
  TicketTypeChange update_ticket_type(std::string_view, std::string_view, TicketTypeDraft const&, Timestamp,
                                      Actor const&) override {
    return TicketTypeChange::not_found;
  }
  TicketTypeChange delete_ticket_type(std::string_view, std::string_view, Timestamp, Actor const&) override {
    return TicketTypeChange::not_found;
  }

  void place_registration(NewRegistration registration, Timestamp now, Actor actor,
                          Completion<Result<PlacementResult>> done) override;
  std::optional<RegistrationDetail> find_registration(std::string_view id) override;
  std::vector<RegistrationDetail> list_user_registrations(std::string_view user_id,
                                                          std::optional<RegistrationCursor> const& after,
                                                          int limit) override;
  std::vector<RegistrationRow> list_event_registrations(std::string_view event_id,
                                                        std::optional<RegistrationCursor> const& after,
                                                        int limit) override;
  Cancellation cancel_registration(std::string_view id, CancellationRequest const& request, Timestamp now,
                                   Actor const& actor) override;
  TicketCancellationResult cancel_tickets(std::string_view, TicketCancellationRequest const&, Timestamp,
                                          Actor const&) override {
    return {.outcome = Cancellation::not_found};
  }
  CompIssueResult issue_comps(std::string_view, std::string_view, std::vector<NewRegistration>, Timestamp,
                              Actor const&) override {
    return {.outcome = CompIssue::event_not_found};
  }
  EventStats event_stats(std::string_view) override { return stats; }
  std::optional<Ticket> find_ticket(std::string_view id) override;
  void redeem_ticket(std::string ticket_id, std::string event_id, std::string code, Timestamp now, Actor actor,
                     Completion<Result<RedemptionResult>> done) override;
  bool is_event_staff(std::string_view event_id, std::string_view user_id) override;
  InviteResult invite_staff(StaffInvitation const& fresh, Actor const&) override { return {fresh, true}; }
  InvitationAnswer accept_staff_invitation(std::string_view, std::string_view, std::string_view, Timestamp,
                                           Actor const&) override {
    return InvitationAnswer::not_found;
  }
  std::optional<StaffInvitation> decline_staff_invitation(std::string_view, std::string_view, Timestamp,
                                                          Actor const&) override {
    return std::nullopt;
  }
  std::optional<StaffInvitation> remove_staff_invitation(std::string_view, std::string_view, Timestamp,
                                                         Actor const&) override {
    return std::nullopt;
  }
  std::vector<StaffInvitation> list_event_staff(std::string_view, Timestamp) override { return {}; }
  std::vector<StaffInvitation> list_staff_invitations(std::string_view, Timestamp) override { return {}; }
  std::vector<Event> list_staff_events(std::string_view, Timestamp, std::optional<EventCursor> const&, int) override {
    return {};
  }
  /// As list_event_registrations, keeping the rows whose attendee (named by the user id,
  /// email "<user id>@example.com") contains `text`, case and all.
  std::vector<RegistrationRow> search_event_registrations(std::string_view event_id, std::string_view text,
                                                          std::optional<RegistrationCursor> const& after,
                                                          int limit) override;

  std::vector<TicketRow> list_event_tickets(std::string_view) override { return {}; }

  std::vector<EventKey> event_keys(std::string_view) override { return {}; }
  std::vector<EventKey> add_event_key(std::string_view, EventKey const&, bool, Actor const&) override { return {}; }
  std::string instance_secret(std::string_view, std::string const& fresh) override { return fresh; }

  bool save_intent(std::string_view, std::string_view, std::string_view, PaymentIntent const&, std::string_view,
                   Timestamp) override {
    return true;
  }
  std::optional<StoredPayment> payment_by_key(std::string_view, std::string_view) override { return std::nullopt; }
  std::optional<StoredPayment> find_payment(std::string_view) override { return std::nullopt; }
  std::optional<StoredPayment> payment_of(std::string_view) override { return std::nullopt; }
  void apply_payment_success(std::string, std::string, std::vector<Ticket>, OrderLink, Timestamp,
                             Completion<Result<PaymentResult>> done) override {
    done(PaymentResult{PaymentApplied::unknown_payment, {}});
  }
  void apply_payment_failure(std::string, std::string, std::string, Timestamp,
                             Completion<Result<PaymentResult>> done) override {
    done(PaymentResult{PaymentApplied::unknown_payment, {}});
  }
  int expire_holds(Timestamp) override { return 0; }
  void apply_refund_states(std::string, std::string, std::vector<RefundState>, Timestamp,
                           Completion<Result<RefundApplied>> done) override {
    done(RefundApplied::unknown_refund);
  }
  void record_refund(DueRefund const&, std::string_view, bool, Timestamp) override {}
  std::vector<StoredPayment> pending_payments() override { return {}; }
  std::vector<DueRefund> refunds_due() override { return {}; }

  /// Questions kept and checked as the real stores do (the event, its ticket types, the limit).
  QuestionWriteResult insert_question(Question const& question, std::size_t limit, Timestamp now,
                                      Actor const& actor) override;
  std::vector<User> search_users(std::string_view, std::optional<std::string> const&, int) override { return {}; }
  std::vector<AuditEntry> list_audit(AuditQuery const&) override { return {}; }
  std::expected<Erasure, AccountRefusal> erase_user(std::string_view, Timestamp, Actor const&, bool) override {
    return std::unexpected(AccountRefusal::not_found);
  }
  std::vector<Question> list_questions(std::string_view event_id) override;

  // Promo codes: the fake knows none (the stores' contract tests cover them).
  std::optional<PromoCode> find_promo_code(std::string_view, std::string_view) override { return std::nullopt; }
  std::optional<PromoCode> promo_code_by_id(std::string_view, std::string_view) override { return std::nullopt; }
  std::vector<PromoCode> list_promo_codes(std::string_view, std::optional<std::string> const&, int) override {
    return {};
  }
  PromoChange add_promo_code(PromoCode const&, Timestamp, Actor const&) override { return PromoChange::not_found; }
  PromoChange update_promo_code(PromoCode const&, Timestamp, Actor const&) override { return PromoChange::not_found; }
  PromoChange delete_promo_code(std::string_view, std::string_view, Timestamp, Actor const&) override {
    return PromoChange::not_found;
  }
  std::optional<Question> find_question(std::string_view event_id, std::string_view id) override;
  QuestionWriteResult update_question(Question const& question, Timestamp now, Actor const& actor) override;
  bool delete_question(std::string_view event_id, std::string_view id, Timestamp now, Actor const& actor) override;

  // ---- the outbox: rows as the real stores keep them ------------------------------------
  struct StoredMail {
    OutboxMessage message;
    MailClock due{};
    MailClock lease_until{};
    std::string last_error;
    std::optional<Timestamp> sent_at;
    std::string sent_to;
  };
  std::map<std::string, StoredMail, std::less<>> outbox;
  std::vector<std::pair<std::string, MailOutcome>> mail_records;  ///< every record_mail, in order

  void queue_mail(OutboxEntry const& entry) override;
  std::vector<OutboxMessage> claim_mail(MailClock now, std::chrono::milliseconds lease, int limit) override;
  void record_mail(std::string_view id, MailOutcome const& outcome) override;
  std::pair<std::int32_t, std::int32_t> mail_sent_to(std::string_view address, Timestamp since_hour,
                                                     Timestamp since_day) override;
  MailBacklog mail_backlog(MailClock now) override;

  // ---- external identities, as the real stores keep them ----------------------------------
  std::map<std::string, SignInFlow, std::less<>> sign_in_flows;                         ///< by state digest
  std::map<std::string, std::pair<std::string, Timestamp>, std::less<>> sign_in_codes;  ///< digest → (user, expiry)
  struct Identity {
    std::string user_id;
    Roles provider_roles;
  };
  std::map<std::pair<std::string, std::string>, Identity> identities;  ///< by (issuer, subject)

  void save_sign_in_flow(SignInFlow const& flow, Timestamp now) override;
  std::optional<SignInFlow> take_sign_in_flow(std::string_view state_hash) override;
  User link_external_person(ExternalSignInRecord const& person, Actor const& actor) override;
  void save_sign_in_code(std::string_view code_hash, std::string_view user_id, Timestamp expires_at,
                         Timestamp now) override;
  std::optional<std::string> take_sign_in_code(std::string_view code_hash, Timestamp now) override;
};

}  // namespace admit::test
