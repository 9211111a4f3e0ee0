#pragma once

#include <filesystem>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "app/ports.hpp"
#include "store/sqlite/sqlite.hpp"
#include "store/sqlite/write_queue.hpp"

namespace admit {

/// The store on one SQLite file in WAL mode: every write goes through one writer thread that
/// commits in groups (one fsync for many writes), and a pool of reader connections serves
/// reads, which never wait for the writer. Writes are durable (synchronous=FULL) before
/// they are acknowledged.
class SqliteStore final : public Store {
 public:
  /// Opens (creating when missing) the database and applies pending migrations.
  explicit SqliteStore(std::filesystem::path path);
  ~SqliteStore() override;

  /// The schema version after migrations.
  int schema_version();
  /// Group-commit figures in Prometheus' text format.
  std::string metrics_text() const;

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

  std::optional<GuestBuyer> find_guest(std::string_view email) override;
  std::optional<std::string> order_of_token(std::string_view token_hash) override;
  void issue_order_token(std::string_view registration_id, OrderLink const& fresh, bool retire_others,
                         std::optional<OutboxEntry> const& mail, Timestamp now) override;
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
  /// Frees every claim on the outbox. Only for the server as it starts: one process serves a
  /// SQLite database, so claims left over are those of a previous process that died mid-send,
  /// and its messages need not wait for their leases to run out.
  void release_mail_claims();

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
  /// The account with `email` as a change left it.
  std::expected<User, AccountRefusal> changed_user(std::string_view email);

  class Reader;
  Reader reader();
  std::vector<Ticket> tickets_of(sqlite::Connection& db, std::string_view registration_id);
  std::unique_ptr<sqlite::Connection> open_connection();
  void migrate(sqlite::Connection& db);

  std::filesystem::path path_;
  WaitlistConfig waitlist_;  ///< set once before serving (configure_waitlist)
  std::unique_ptr<sqlite::WriteQueue> writes_;
  /// Copies the write-ahead log into the database file in the background, so the writer
  /// never pays for a checkpoint inside a commit.
  std::jthread checkpointer_;
  std::mutex readers_mutex_;
  std::vector<std::unique_ptr<sqlite::Connection>> idle_readers_;
};

}  // namespace admit
