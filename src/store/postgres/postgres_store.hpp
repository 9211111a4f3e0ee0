#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "app/ports.hpp"

namespace admit {

namespace pg {
class Pool;
// Defined in pg.hpp, which this header keeps from its includers (main.cpp also sees sqlite's).
// NOLINTNEXTLINE(bugprone-forward-declaration-namespace)
class Connection;
}  // namespace pg

struct PostgresSettings {
  std::string url;       ///< libpq connection URL (postgresql://user:pass@host:port/db)
  int pool_size = 24;    ///< connections this node opens at most
  int workers = 8;       ///< threads that run asynchronous writes (scans, payment events)
  int max_batch = 1000;  ///< registrations placed in one transaction at most
  int writers = 1;       ///< registration writer threads, each with a batch in flight at most
};

/// The store on a PostgreSQL server, shared by any number of admit nodes. Everything that
/// must hold across nodes is decided by the database: capacity by the event row's lock and a
/// CHECK constraint, one-time use by conditional updates, idempotency and webhook
/// de-duplication by unique keys. Registrations are placed in batches: a few writer threads
/// per node each take the orders waiting, decide them and write them in one transaction (one
/// commit, one WAL flush), so a hot event is not limited to one transaction per registration.
/// A batch takes its seats with one guarded counter update just before its commit, so the
/// event's row is locked only while that commit is flushed and the writers of all nodes insert
/// in parallel; near a sell-out a batch decides under the row lock instead. Commits are
/// durable before anything is acknowledged.
class PostgresStore final : public Store {
 public:
  /// Connects, applies pending migrations (one node at a time) and starts the writers.
  /// Throws Outage when the server cannot be reached.
  explicit PostgresStore(PostgresSettings settings);
  ~PostgresStore() override;
  PostgresStore(PostgresStore const&) = delete;
  PostgresStore& operator=(PostgresStore const&) = delete;

  int schema_version() override;
  std::string metrics_text() const override;
  bool ping() override;

  Result<void> insert_user(User const& user, std::optional<AccountToken> const& verification,
                           Actor const& actor) override;
  std::optional<User> find_user(std::string_view id) override;
  std::optional<User> find_user_by_email(std::string_view email) override;
  std::optional<User> set_roles(std::string_view email, Roles roles, Roles granted_here, Actor const& actor) override;
  using UserStore::set_roles;
  std::optional<AccountState> account_state(std::string_view user_id) override;
  std::expected<User, AccountRefusal> revoke_role(std::string_view email, Role role, Timestamp now, Actor const& actor,
                                                  bool keep_an_admin) override;
  std::expected<User, AccountRefusal> set_disabled(std::string_view email, bool disabled, Timestamp now,
                                                   Actor const& actor, bool keep_an_admin) override;
  void queue_password_reset(AccountToken const& token) override;
  std::optional<std::string> reset_password(std::string_view token_hash, std::string_view password_hash, Timestamp now,
                                            Actor const& actor) override;
  void queue_email_verification(AccountToken const& token) override;
  std::optional<std::string> verify_email(std::string_view token_hash, Timestamp now, Actor const& actor) override;

  void insert_session(RefreshSession const& session) override;
  Rotation rotate_session(std::string_view old_hash, std::string_view new_hash, Timestamp now,
                          Timestamp expires_at) override;
  bool revoke_family(std::string_view token_hash, std::string_view user_id, Timestamp now) override;

  void insert_event(Event const& e, Actor const& actor) override;
  std::optional<Event> find_event(std::string_view id) override;
  std::vector<Event> list_events(EventQuery const& query) override;
  EventUpdate update_event(std::string_view id, EventDraft const& details, Timestamp now, Actor const& actor) override;
  bool cancel_event(std::string_view id, Timestamp now, Actor const& actor) override;
  bool publish_event(std::string_view id, Timestamp now, Actor const& actor) override;
  TicketTypeChange add_ticket_type(TicketType const& type, Timestamp now, Actor const& actor) override;
  TicketTypeChange update_ticket_type(std::string_view event_id, std::string_view type_id,
                                      TicketTypeDraft const& details, Timestamp now, Actor const& actor) override;
  TicketTypeChange delete_ticket_type(std::string_view event_id, std::string_view type_id, Timestamp now,
                                      Actor const& actor) override;

  void place_registration(NewRegistration order, Timestamp now, Actor actor,
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
  TicketCancellationResult cancel_tickets(std::string_view id, TicketCancellationRequest const& request, Timestamp now,
                                          Actor const& actor) override;
  CompIssueResult issue_comps(std::string_view event_id, std::string_view ticket_type_id,
                              std::vector<NewRegistration> comps, Timestamp now, Actor const& actor) override;
  EventStats event_stats(std::string_view event_id) override;
  std::optional<Ticket> find_ticket(std::string_view id) override;
  void redeem_ticket(std::string ticket_id, std::string event_id, std::string code, Timestamp now, Actor actor,
                     Completion<Result<RedemptionResult>> done) override;
  bool is_event_staff(std::string_view event_id, std::string_view user_id) override;
  InviteResult invite_staff(StaffInvitation const& fresh, Actor const& actor) override;
  InvitationAnswer accept_staff_invitation(std::string_view id, std::string_view email, std::string_view user_id,
                                           Timestamp now, Actor const& actor) override;
  std::optional<StaffInvitation> decline_staff_invitation(std::string_view id, std::string_view email, Timestamp now,
                                                          Actor const& actor) override;
  std::optional<StaffInvitation> remove_staff_invitation(std::string_view event_id, std::string_view id, Timestamp now,
                                                         Actor const& actor) override;
  std::vector<StaffInvitation> list_event_staff(std::string_view event_id, Timestamp now) override;
  std::vector<StaffInvitation> list_staff_invitations(std::string_view email, Timestamp now) override;
  std::vector<Event> list_staff_events(std::string_view user_id, Timestamp from,
                                       std::optional<EventCursor> const& after, int limit) override;
  std::vector<RegistrationRow> search_event_registrations(std::string_view event_id, std::string_view text,
                                                          std::optional<RegistrationCursor> const& after,
                                                          int limit) override;
  std::vector<TicketRow> list_event_tickets(std::string_view event_id) override;

  std::vector<EventKey> event_keys(std::string_view event_id) override;
  std::vector<EventKey> add_event_key(std::string_view event_id, EventKey const& key, bool replace_active,
                                      Actor const& actor) override;
  std::string instance_secret(std::string_view name, std::string const& fresh) override;

  bool save_intent(std::string_view registration_id, std::string_view user_id, std::string_view provider,
                   PaymentIntent const& intent, std::string_view idempotency_key, Timestamp now) override;
  std::optional<StoredPayment> payment_by_key(std::string_view user_id, std::string_view idempotency_key) override;
  std::optional<StoredPayment> find_payment(std::string_view intent_id) override;
  std::optional<StoredPayment> payment_of(std::string_view registration_id) override;
  void apply_payment_success(std::string event_id, std::string intent_id, std::vector<Ticket> tickets, OrderLink link,
                             Timestamp now, Completion<Result<PaymentResult>> done) override;

  std::optional<GuestBuyer> find_guest(std::string_view email) override;
  std::optional<std::string> order_of_token(std::string_view token_hash) override;
  void issue_order_token(std::string_view registration_id, OrderLink const& fresh, bool retire_others,
                         std::optional<OutboxEntry> const& mail, Timestamp now) override;
  void apply_payment_failure(std::string event_id, std::string intent_id, std::string message, Timestamp now,
                             Completion<Result<PaymentResult>> done) override;
  int expire_holds(Timestamp now) override;
  void record_refund(DueRefund const& due, std::string_view provider_refund_id, bool completed, Timestamp now) override;
  void apply_refund_states(std::string event_id, std::string event_type, std::vector<RefundState> refunds,
                           Timestamp now, Completion<Result<RefundApplied>> done) override;
  std::vector<StoredPayment> pending_payments() override;
  std::vector<DueRefund> refunds_due() override;

  void queue_mail(OutboxEntry const& entry) override;
  std::vector<OutboxMessage> claim_mail(MailClock now, std::chrono::milliseconds lease, int limit) override;
  void record_mail(std::string_view id, MailOutcome const& outcome) override;
  std::pair<std::int32_t, std::int32_t> mail_sent_to(std::string_view address, Timestamp since_hour,
                                                     Timestamp since_day) override;
  MailBacklog mail_backlog(MailClock now) override;

  QuestionWriteResult insert_question(Question const& question, std::size_t limit, Timestamp now,
                                      Actor const& actor) override;
  std::vector<Question> list_questions(std::string_view event_id) override;

  std::optional<PromoCode> find_promo_code(std::string_view event_id, std::string_view code_key) override;
  std::optional<PromoCode> promo_code_by_id(std::string_view event_id, std::string_view id) override;
  std::vector<PromoCode> list_promo_codes(std::string_view event_id, std::optional<std::string> const& after_key,
                                          int limit) override;
  PromoChange add_promo_code(PromoCode const& code, Timestamp now, Actor const& actor) override;
  PromoChange update_promo_code(PromoCode const& code, Timestamp now, Actor const& actor) override;
  PromoChange delete_promo_code(std::string_view event_id, std::string_view id, Timestamp now,
                                Actor const& actor) override;
  std::vector<User> search_users(std::string_view text, std::optional<std::string> const& after_email,
                                 int limit) override;
  std::vector<AuditEntry> list_audit(AuditQuery const& query) override;
  std::expected<Erasure, AccountRefusal> erase_user(std::string_view user_id, Timestamp now, Actor const& actor,
                                                    bool keep_an_admin) override;
  std::expected<GuestErasure, GuestRefusal> erase_guest(GuestToErase const& which, Timestamp now,
                                                        Actor const& actor) override;
  std::optional<Question> find_question(std::string_view event_id, std::string_view id) override;
  QuestionWriteResult update_question(Question const& question, Timestamp now, Actor const& actor) override;
  bool delete_question(std::string_view event_id, std::string_view id, Timestamp now, Actor const& actor) override;

  void save_sign_in_flow(SignInFlow const& flow, Timestamp now) override;
  std::optional<SignInFlow> take_sign_in_flow(std::string_view state_hash) override;
  User link_external_person(ExternalSignInRecord const& person, Actor const& actor) override;
  void save_sign_in_code(std::string_view code_hash, std::string_view user_id, Timestamp expires_at,
                         Timestamp now) override;
  std::optional<std::string> take_sign_in_code(std::string_view code_hash, Timestamp now) override;

  /// One order waiting for the registration writer.
  struct Order {
    NewRegistration order;
    Timestamp now;
    Actor actor;
    Completion<Result<PlacementResult>> done;
    PlacementResult result;
  };

  void configure_waitlist(WaitlistConfig config) override;
  WaitlistJoinResult join_waitlist(WaitlistEntry const& entry, Timestamp now, Actor const& actor) override;
  std::optional<WaitlistEntry> confirm_waitlist_entry(std::string_view entry_id, Timestamp now,
                                                      Actor const& actor) override;
  std::optional<WaitlistEntry> find_waitlist_entry(std::string_view entry_id) override;
  std::vector<WaitlistEntry> list_waitlist(std::string_view event_id, std::int64_t after_seq, int limit) override;
  bool waitlist_paused(std::string_view event_id) override;
  bool set_waitlist_paused(std::string_view event_id, bool paused, Timestamp now, Actor const& actor) override;
  std::vector<WaitlistEntry> list_user_waitlist(std::string_view user_id) override;
  bool remove_waitlist_entry(std::string_view event_id, std::string_view entry_id, Timestamp now,
                             Actor const& actor) override;
  void claim_offer(OfferClaimRequest request, Timestamp now, Actor actor,
                   Completion<Result<OfferClaimResult>> done) override;

 private:
  CompIssueResult issue_comps_in(std::string_view event_id, std::string_view ticket_type_id,
                                 std::vector<NewRegistration>& comps, Timestamp now, Actor const& actor);
  /// The account with `email` as a change left it.
  std::expected<User, AccountRefusal> changed_user(std::string_view email);

  void migrate();
  /// Runs `job` on a worker thread (asynchronous writes).
  void post(std::function<void()> job);
  void place_orders(std::vector<Order>& batch);
  void run_registration_writer(std::stop_token const& stop);

  PostgresSettings settings_;
  WaitlistConfig waitlist_;  ///< set once before serving (configure_waitlist)
  std::unique_ptr<pg::Pool> pool_;

  std::mutex jobs_mutex_;
  std::condition_variable_any jobs_ready_;
  std::deque<std::function<void()>> jobs_;
  std::vector<std::jthread> workers_;

  std::mutex orders_mutex_;
  std::condition_variable_any orders_ready_;
  std::vector<Order> orders_;
  std::vector<std::jthread> registration_writers_;

  std::atomic<std::uint64_t> batches_{0};
  std::atomic<std::uint64_t> batched_orders_{0};
  std::atomic<std::uint64_t> batch_retries_{0};
  std::atomic<std::uint64_t> guard_fallbacks_{0};
};

}  // namespace admit
