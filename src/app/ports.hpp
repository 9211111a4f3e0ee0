#pragma once

/// The interfaces the use cases need. Adapters implement them (store/sqlite, auth/ …);
/// main.cpp wires concrete ones in. Every method either succeeds, returns an expected
/// outcome as a value, or throws on an outage (the database is gone, the disk is full),
/// which the HTTP layer turns into a 503.

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "domain/error.hpp"
#include "domain/event.hpp"
#include "domain/mail.hpp"
#include "domain/order_rules.hpp"
#include "domain/placement.hpp"
#include "domain/printed_ticket.hpp"
#include "domain/questions.hpp"
#include "domain/registration.hpp"
#include "domain/staff.hpp"
#include "domain/time.hpp"
#include "domain/user.hpp"
#include "domain/waitlist.hpp"

namespace admit {

/// A dependency failed (database unreachable, disk full, peer down). Adapters throw it or a
/// subclass; the HTTP layer answers 503 and the client may retry.
class Outage : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Who is calling, as proven by an access token, or by a guest order's token (X-Order-Token).
struct Principal {
  std::string user_id;  ///< empty for the holder of an order token: it names no account
  Roles roles;
  std::int64_t token_version = 0;  ///< the account's token version when the token was issued
  /// Set only for the holder of an order token: the one registration that token opens.
  std::optional<std::string> order_id{};
  /// When the person signed in (password or external provider), for tokens issued by that
  /// sign-in itself; tokens a refresh issued carry none. Steps that must follow a fresh sign-in
  /// (erasing an account without a password) check it.
  std::optional<Timestamp> signed_in_at{};
};

/// Who caused a state change and in which request, for the audit log.
struct Actor {
  std::string user_id;  ///< empty for the system itself
  std::string request_id;
};

class Clock {
 public:
  virtual ~Clock() = default;
  virtual Timestamp now() const = 0;
};

/// Unguessable identifiers and secrets from a cryptographic random source.
class Entropy {
 public:
  virtual ~Entropy() = default;
  /// A 128-bit unguessable identifier in URL-safe text (22 characters); at least 80 bits are
  /// random, the rest may order ids by creation time.
  virtual std::string new_id() = 0;
  /// A 256-bit random secret in URL-safe text (43 characters).
  virtual std::string new_secret() = 0;
};

/// Slow, salted password hashing. Both calls take tens of milliseconds on purpose: run them
/// off the I/O threads.
class PasswordHasher {
 public:
  virtual ~PasswordHasher() = default;
  virtual std::string hash(std::string_view password) = 0;
  virtual bool verify(std::string_view hash, std::string_view password) = 0;
};

struct IssuedToken {
  std::string token;
  std::chrono::seconds expires_in;
};

/// Short-lived signed access tokens.
class AccessTokens {
 public:
  virtual ~AccessTokens() = default;
  virtual IssuedToken issue(Principal const& who) = 0;
  /// Whether verify() may refuse a token only because something slow must happen first
  /// (prepare() tells which tokens): callers that can wait then call prepare() on a refusal.
  virtual bool may_defer() const { return false; }
  /// When `token` was refused only because its verifying key is not known yet (an identity
  /// provider's key set must be fetched), starts that work off the caller's thread, or joins
  /// the one under way, and returns true: `ready` then runs, on another thread, once verify()
  /// can answer. False: verify()'s answer stands.
  // NOLINTNEXTLINE(performance-unnecessary-value-param): overrides keep `ready` (moved into their queue)
  virtual bool prepare(std::string_view /*token*/, std::function<void()> /*ready*/) { return false; }
  /// The principal a token proves, or why it proves nothing (bad signature, expired, …).
  virtual std::expected<Principal, std::string> verify(std::string_view token) = 0;
};

/// A one-way digest of a refresh token, so that a stolen database holds no usable token.
class TokenDigest {
 public:
  virtual ~TokenDigest() = default;
  virtual std::string digest(std::string_view token) = 0;
};

/// What a ticket's QR code proves once its signature checks out.
struct TicketClaims {
  std::string ticket_id;
  std::string event_id;
  std::string user_id;
  std::uint32_t key_id = 0;
};

struct PublicScanKey {
  std::uint32_t key_id;
  std::string public_key;  ///< 32 raw bytes
  Timestamp created_at;
  bool active;
};

/// Signed, offline-verifiable ticket codes, one signing key per event.
class TicketCodes {
 public:
  virtual ~TicketCodes() = default;
  /// The QR text for a ticket, signed with the event's active key (created on first use).
  virtual std::string issue(TicketClaims const& claims) = 0;
  /// The claims of an authentic code, or why it is not one.
  virtual std::expected<TicketClaims, std::string> check(std::string_view code) = 0;
  /// The claims a well-formed code states, or why it is not one, without checking its
  /// signature: the server can instead compare the code with the one it issued (see
  /// TicketStore::redeem_ticket), which costs a string comparison, not a signature check.
  virtual std::expected<TicketClaims, std::string> decode(std::string_view code) = 0;
  virtual std::vector<PublicScanKey> public_keys(std::string_view event_id) = 0;
  /// Makes a new signing key active; older keys still verify. The audit row names `actor`.
  virtual PublicScanKey rotate(std::string_view event_id, Actor const& actor) = 0;
};

/// Expiring signed links that serve a ticket's PDF without a bearer token.
class DownloadLinks {
 public:
  virtual ~DownloadLinks() = default;
  virtual std::string signature(std::string_view ticket_id, Timestamp expires) = 0;
  virtual bool verify(std::string_view ticket_id, Timestamp expires, std::string_view signature) = 0;
};

class TicketPrinter {
 public:
  virtual ~TicketPrinter() = default;
  /// A PDF document; the same input gives the same bytes.
  virtual std::string render_pdf(PrintedTicket const& ticket) = 0;
};

// ---- payments --------------------------------------------------------------------------

struct PaymentIntent {
  std::string id;
  std::string client_secret;
  std::int64_t amount_minor = 0;
  std::string currency;
  std::string status;  ///< the provider's word: requires_payment_method, succeeded, …
};

struct RefundOutcome {
  std::string id;
  bool completed = false;  ///< false: the provider confirms later
};

/// The provider refused a request (bad parameters, unknown intent): not an outage, and
/// retrying the same request will not help.
class ProviderError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// A card processor (Stripe, or the offline sandbox). Calls may block on the network; they
/// throw Outage when the provider cannot be reached and ProviderError when it refuses.
/// Every call that creates something carries an idempotency key, so retries never charge or
/// refund twice.
class PaymentProvider {
 public:
  virtual ~PaymentProvider() = default;
  virtual std::string_view name() const = 0;
  virtual PaymentIntent create_intent(std::string const& registration_id, std::int64_t amount_minor,
                                      std::string const& currency, std::string const& idempotency_key) = 0;
  virtual PaymentIntent retrieve_intent(std::string const& intent_id) = 0;
  /// Refunds `amount_minor` of the intent's charge (a part of it, or all that is left).
  virtual RefundOutcome refund(std::string const& intent_id, std::int64_t amount_minor,
                               std::string const& idempotency_key) = 0;
};

struct StoredPayment {
  std::string intent_id;
  std::string registration_id;
  std::string user_id;  ///< the registration's attendee
  std::string provider;
  std::int64_t amount_minor = 0;
  std::string currency;
  std::string client_secret;
  std::string status;
};

/// A refund as an event reports it (a refund.* event's object, or one of a charge's refunds).
struct RefundState {
  std::string id;              ///< re_…, the provider's id that record_refund stored
  std::string status;          ///< pending, requires_action, succeeded, failed, canceled
  std::string failure_reason;  ///< e.g. expired_or_canceled_card; empty unless failed
};

/// One event from the payment provider, as its webhook delivered it.
struct PaymentEvent {
  std::string id;         ///< evt_…
  std::string type;       ///< payment_intent.succeeded, payment_intent.payment_failed, refund.updated, …
  std::string intent_id;  ///< pi_… (a charge's or refund's payment_intent for those events)
  std::string failure_message;
  std::vector<RefundState> refunds{};  ///< refund.updated/refund.failed: one; charge.refunded: the charge's list
};

/// The provider's webhook deliveries, in Stripe's scheme: a JSON event object signed in the
/// Stripe-Signature header (t=…,v1=…).
class Webhooks {
 public:
  virtual ~Webhooks() = default;
  /// Whether `header` signs `payload` with our secret within the tolerance around `now`.
  virtual bool verify(std::string_view payload, std::string_view header, Timestamp now) = 0;
  /// A header signing `payload` at `now` (the sandbox delivers its own events).
  virtual std::string sign(std::string_view payload, Timestamp now) = 0;
  /// The event a delivery carries; Errc::malformed_input when the payload is not a JSON object,
  /// Errc::invalid_input when the event has no id or type.
  virtual Result<PaymentEvent> read_event(std::string_view payload) = 0;
};

/// What paying with a test card did in the sandbox, and the event that reports it.
struct SandboxCharge {
  bool succeeded = false;
  std::string decline_code;  ///< generic_decline, insufficient_funds, …; empty when it succeeded
  std::string message;       ///< why it was declined, for the buyer
  std::string event;         ///< the Stripe event (JSON) the sandbox delivers to the webhook
};

/// The offline sandbox's stand-in for the card networks: the outcome of Stripe's test cards.
class PaymentSandbox {
 public:
  virtual ~PaymentSandbox() = default;
  /// What paying `payment` at `now` with the card `card_digits` (12 to 19 digits) does.
  virtual SandboxCharge charge(StoredPayment const& payment, std::string_view card_digits, Timestamp now) = 0;
  /// The signed-to-be event that ends refund `refund_id` of `intent_id`, which the sandbox left
  /// pending (refund.updated when it succeeds, refund.failed when it fails); nullopt for a refund
  /// made at once.
  virtual std::optional<std::string> settle_refund(std::string const& intent_id, std::string const& refund_id,
                                                   std::int64_t amount_minor, Timestamp now) = 0;
};

// ---- mail --------------------------------------------------------------------------------

struct MailAddress {
  std::string name{};     ///< a display name, any script; may be empty
  std::string address{};  ///< addr-spec, already validated (normalize_email)
};

struct MailAttachment {
  std::string filename{};      ///< "ticket-1.pdf", "event.ics"
  std::string content_type{};  ///< "application/pdf", "text/calendar; method=PUBLISH"
  std::string data{};          ///< the bytes
};

/// One message as the use cases write it; a MailComposer turns it into RFC 5322 bytes.
struct MailContent {
  MailAddress from{};
  MailAddress to{};
  std::string subject{};  ///< UTF-8, any script: the composer encodes it (RFC 2047)
  std::string text{};     ///< the text/plain part (UTF-8)
  std::string html{};     ///< the text/html part (UTF-8)
  std::vector<MailAttachment> attachments{};
  std::string message_id{};  ///< without angle brackets: "id@domain"; the same on every attempt
  Timestamp date{};
};

/// Builds and serializes messages (GMime): multipart/alternative text + HTML, wrapped in
/// multipart/mixed when there are attachments; header values encoded, never concatenated.
class MailComposer {
 public:
  virtual ~MailComposer() = default;
  /// The complete message in RFC 5322 form, with CRLF line ends.
  virtual std::string compose(MailContent const& content) = 0;
};

struct DeliveryReport {
  DeliveryStatus status = DeliveryStatus::delivered;
  /// For the log and the organizer: on a failure the server's refusal ("451 4.3.0 try later") or
  /// the error (an untrusted certificate, a refused connection); on delivery the server's
  /// acceptance ("250 2.0.0 queued as …") or where the file mailbox wrote the message.
  std::string reply{};
};

/// Carries composed messages: SMTP (libcurl), or the file mailbox when no SMTP is configured.
/// deliver() blocks on the network; it never throws for a refused or failed delivery (that is
/// its report), only for programming errors.
class MailTransport {
 public:
  virtual ~MailTransport() = default;
  virtual DeliveryReport deliver(MailAddress const& from, MailAddress const& to, std::string_view message_id,
                                 std::string const& message) = 0;
  /// Where messages go, for the log: "smtp://mail.example.com:587" (no credentials) or the
  /// mailbox directory.
  virtual std::string describe() const = 0;
  /// The program is stopping: deliveries in flight give up within about a second, reporting a
  /// transient failure (their messages are tried again after the restart), and later ones
  /// fail at once.
  virtual void cancel() {}
  /// Removes the copy of a delivered message this transport keeps, if it keeps one (the file
  /// mailbox does; a message handed to an SMTP server has left Admit). For erasing a person.
  virtual void erase_copy(std::string_view /*message_id*/) {}
};

// ---- storage ---------------------------------------------------------------------------

/// A message to write into the outbox. Stores write most of them themselves, in the
/// transaction that causes them; the use cases queue the rest (a resend, a reset link).
struct OutboxEntry {
  std::string id{};  ///< also the Message-ID's left part, so every attempt carries the same one
  MailKind kind = MailKind::registration_confirmed;
  std::string recipient{};  ///< the address; empty: the account's (user_id) when it is sent
  std::string user_id{};
  std::string registration_id{};
  std::string event_id{};
  std::string reference{};  ///< what else it is about: a staff invitation's id, a comp's message
  std::string secret{};     ///< the secret link's token (carries_secret kinds); scrubbed once sent
  bool paid = false;        ///< confirms a paid order: no recipient cap drops it
  Timestamp created_at{};
};

/// A single-use link's token as the stores keep it: only its digest (TokenDigest), never the
/// token itself, which travels in `mail` (the message carrying the link) until it is sent.
struct AccountToken {
  std::string token_hash;
  std::string email;    ///< the normalised address it was issued for
  std::string user_id;  ///< the account (verification); empty for a reset, which names only an address
  Timestamp created_at;
  Timestamp expires_at;
  OutboxEntry mail;  ///< written in the same transaction as the token
};

/// What an access token is checked against on every request: the account as it is now.
struct AccountState {
  std::int64_t token_version = 0;
  bool disabled = false;
  bool operator==(AccountState const&) const = default;
};

/// Why an account change the admin console asked for was not made.
enum class AccountRefusal {
  not_found,   ///< no account has this id (or address)
  last_admin,  ///< it would leave the instance without an enabled admin
  erased,      ///< the account's data was erased; it stays as it is
};

class UserStore {
 public:
  virtual ~UserStore() = default;
  /// Fails with Errc::email_taken when the (normalised) email is already registered. With
  /// `verification`, its token and message are written in the same transaction as the user.
  virtual Result<void> insert_user(User const& user, std::optional<AccountToken> const& verification,
                                   Actor const& actor) = 0;
  virtual std::optional<User> find_user(std::string_view id) = 0;
  virtual std::optional<User> find_user_by_email(std::string_view email) = 0;
  /// Replaces a user's roles with `roles`. Those it adds, and those in `granted_here`, count as
  /// granted in Admit from now on (a sign-in through the external provider never takes those
  /// away, even when the provider also maps them); nullopt when no such user.
  virtual std::optional<User> set_roles(std::string_view email, Roles roles, Roles granted_here,
                                        Actor const& actor) = 0;
  /// Replaces a user's roles; those it adds count as granted in Admit.
  std::optional<User> set_roles(std::string_view email, Roles roles, Actor const& actor) {
    return set_roles(email, roles, Roles{}, actor);
  }
  /// Whether the account still exists, and what a token of it must carry: nullopt when no
  /// account has this id. Read for every authenticated request whose cached answer is stale,
  /// so it must be a cheap lookup.
  virtual std::optional<AccountState> account_state(std::string_view user_id) = 0;
  /// Withdraws `role` from the account and ends everything issued before: in one atomic,
  /// audited step the role goes, the token version moves on (access tokens issued earlier no
  /// longer match) and every refresh token of the account is revoked. Done even when the
  /// account did not hold the role, so its sessions end either way. With `keep_an_admin`, taking
  /// the admin role from the only enabled admin is refused (AccountRefusal::last_admin, nothing
  /// changed), decided atomically with the change: two admins demoting each other at once leave
  /// one. AccountRefusal::not_found when no such user.
  virtual std::expected<User, AccountRefusal> revoke_role(std::string_view email, Role role, Timestamp now,
                                                          Actor const& actor, bool keep_an_admin) = 0;
  /// Disables an account (as revoke_role: the token version moves on and every refresh token
  /// is revoked, atomically and audited) or enables it again (the version moves on too, so the
  /// tokens it signs in with from then on are newer than any state a node has cached; tokens
  /// refused stay refused). `keep_an_admin` as for revoke_role: the only enabled admin is not
  /// disabled. AccountRefusal::not_found when no such user.
  virtual std::expected<User, AccountRefusal> set_disabled(std::string_view email, bool disabled, Timestamp now,
                                                           Actor const& actor, bool keep_an_admin) = 0;

  /// Writes a password reset token and the message carrying it, in one transaction, without
  /// looking for an account: whether the address has one is decided when the message is sent.
  virtual void queue_password_reset(AccountToken const& token) = 0;
  /// Uses the reset token with this digest, atomically: when it is unused, unexpired at `now`
  /// and its address has an account, that account's password hash becomes `password_hash`,
  /// every open reset token of the address is used up, every refresh token of the account is
  /// revoked and its token version moves on (access tokens end too), and the address counts
  /// as verified (the link reached it); audited as user.password_reset. Of two simultaneous
  /// uses one wins. The account's id, or nullopt (and nothing changed) for any other token.
  virtual std::optional<std::string> reset_password(std::string_view token_hash, std::string_view password_hash,
                                                    Timestamp now, Actor const& actor) = 0;
  /// Writes an address verification token of an account and the message carrying it, in one
  /// transaction.
  virtual void queue_email_verification(AccountToken const& token) = 0;
  /// Uses the verification token with this digest, atomically: when it is unused, unexpired at
  /// `now` and its account still has the address it was issued for, the account's address
  /// counts as verified (from its first verification on) and every open verification token of
  /// the account is used up; audited as user.email_verified. The account's id, or nullopt (and
  /// nothing changed) for any other token.
  virtual std::optional<std::string> verify_email(std::string_view token_hash, Timestamp now, Actor const& actor) = 0;
};

/// One refresh token. Tokens of one login form a family: each refresh replaces the
/// presented token with a new one of the same family.
struct RefreshSession {
  std::string token_hash;
  std::string user_id;
  std::string family_id;
  Timestamp issued_at;
  Timestamp expires_at;
};

enum class RotateOutcome {
  rotated,  ///< the old token is now used and the new one stored in its family
  reused,   ///< the old token had been used already: the whole family is now revoked
  invalid,  ///< unknown, expired or revoked
};

struct Rotation {
  RotateOutcome outcome;
  std::string user_id;
};

class SessionStore {
 public:
  virtual ~SessionStore() = default;
  virtual void insert_session(RefreshSession const& session) = 0;
  /// Atomically retires `old_hash` and stores `new_hash` in the same family, expiring at
  /// `expires_at`. Presenting a retired token revokes its family: whoever holds the newer
  /// token (perhaps a thief) is logged out too.
  virtual Rotation rotate_session(std::string_view old_hash, std::string_view new_hash, Timestamp now,
                                  Timestamp expires_at) = 0;
  /// Revokes the family of a token that belongs to `user_id`; false when there is no such
  /// token of that user.
  virtual bool revoke_family(std::string_view token_hash, std::string_view user_id, Timestamp now) = 0;
};

/// A position in the event listing, which is ordered by start time, then id.
struct EventCursor {
  Timestamp starts_at;
  std::string id;
};

struct EventQuery {
  std::optional<std::string> text;  ///< case-insensitive substring of name, description or location
  Timestamp from;                   ///< events starting at or after
  std::optional<Timestamp> to;      ///< and at or before
  std::optional<std::string> organizer_id;
  bool any_status = false;  ///< drafts and cancelled events too (the organizer's own listing)
  std::optional<EventCursor> after;
  int limit = 20;
};

enum class EventUpdate { updated, not_found, capacity_below_sold };

/// What changing an event's ticket types did.
enum class TicketTypeChange {
  done,
  not_found,            ///< no such event, or no such type of it
  capacity_below_sold,  ///< the new quota is below the type's seats already taken
  has_sales,            ///< a type that was ever ordered cannot be deleted
  last_type,            ///< an event keeps at least one type
  too_many,             ///< the event has as many types as it may
};

class EventStore {
 public:
  virtual ~EventStore() = default;
  /// Writes the event with its ticket types (event.ticket_types, at least one).
  virtual void insert_event(Event const& event, Actor const& actor) = 0;
  virtual std::optional<Event> find_event(std::string_view id) = 0;
  /// Up to `query.limit` events in listing order.
  virtual std::vector<Event> list_events(EventQuery const& query) = 0;
  /// Replaces the event's details unless the new capacity is below the seats already taken;
  /// the check and the write are atomic. The price goes to the event's type when it has only
  /// one (the caller refuses a price for an event of several types).
  virtual EventUpdate update_event(std::string_view id, EventDraft const& details, Timestamp now,
                                   Actor const& actor) = 0;
  /// Marks the event cancelled; false when no such event.
  virtual bool cancel_event(std::string_view id, Timestamp now, Actor const& actor) = 0;
  /// Makes a draft published (audited as event.published); false, and nothing changed, when
  /// the event is not a draft (published or cancelled meanwhile) or does not exist.
  virtual bool publish_event(std::string_view id, Timestamp now, Actor const& actor) = 0;
  /// Adds a type to its event (type.event_id). Every change of an event's types keeps the
  /// event's price the lowest visible type's, and happens under the event's row lock, as the
  /// seat counters do.
  virtual TicketTypeChange add_ticket_type(TicketType const& type, Timestamp now, Actor const& actor) = 0;
  /// Replaces a type's details unless its new quota is below its seats taken (atomic). A new
  /// price applies to orders placed from then on.
  virtual TicketTypeChange update_ticket_type(std::string_view event_id, std::string_view type_id,
                                              TicketTypeDraft const& details, Timestamp now, Actor const& actor) = 0;
  /// Deletes a type nobody ever ordered, unless it is the event's last.
  virtual TicketTypeChange delete_ticket_type(std::string_view event_id, std::string_view type_id, Timestamp now,
                                              Actor const& actor) = 0;
};

// ---- questions ---------------------------------------------------------------------------

/// What writing a question did.
enum class QuestionWrite {
  written,
  not_found,            ///< no such event (insert), or the event has no question with this id (update)
  unknown_ticket_type,  ///< it names a ticket type that is not one of its event's
  too_many,             ///< the event already has as many questions as it may (insert)
};

struct QuestionWriteResult {
  QuestionWrite outcome = QuestionWrite::written;
  std::size_t ticket_type_index = 0;  ///< unknown_ticket_type: the first id in its list that is not the event's
};

enum class PromoChange {
  done,
  not_found,
  code_taken,  ///< the event has a code with the same key
  below_uses,  ///< maxUses below the uses already made
  used,        ///< a used code stays, for the books
};

/// Promo and access codes (domain/promo.hpp), each of one event. Uses change only with the
/// orders that hold them (the registration store).
class PromoCodeStore {
 public:
  virtual ~PromoCodeStore() = default;
  /// The event's code whose key (promo_code_key) is `code_key`.
  virtual std::optional<PromoCode> find_promo_code(std::string_view event_id, std::string_view code_key) = 0;
  virtual std::optional<PromoCode> promo_code_by_id(std::string_view event_id, std::string_view id) = 0;
  /// The event's codes by key, after key `after_key`.
  virtual std::vector<PromoCode> list_promo_codes(std::string_view event_id,
                                                  std::optional<std::string> const& after_key, int limit) = 0;
  virtual PromoChange add_promo_code(PromoCode const& code, Timestamp now, Actor const& actor) = 0;
  /// Replaces the code's details (its uses stay).
  virtual PromoChange update_promo_code(PromoCode const& code, Timestamp now, Actor const& actor) = 0;
  virtual PromoChange delete_promo_code(std::string_view event_id, std::string_view id, Timestamp now,
                                        Actor const& actor) = 0;
};

/// The questions organizers ask (domain/questions.hpp), each of one event.
class QuestionStore {
 public:
  virtual ~QuestionStore() = default;
  /// Writes `question` (of `question.event_id`) unless the event is gone, already has `limit`
  /// questions, or the question names a ticket type that is not the event's; the checks and the
  /// write are atomic (two racing inserts cannot pass the limit). Audited as question.created.
  virtual QuestionWriteResult insert_question(Question const& question, std::size_t limit, Timestamp now,
                                              Actor const& actor) = 0;
  /// The event's questions, by position, then id.
  virtual std::vector<Question> list_questions(std::string_view event_id) = 0;
  virtual std::optional<Question> find_question(std::string_view event_id, std::string_view id) = 0;
  /// Replaces the details of the event's question `question.id`, with the same check of its
  /// ticket types, atomically. Audited as question.updated.
  virtual QuestionWriteResult update_question(Question const& question, Timestamp now, Actor const& actor) = 0;
  /// Deletes the event's question `id`; false when the event has none with this id. Audited as
  /// question.deleted.
  virtual bool delete_question(std::string_view event_id, std::string_view id, Timestamp now, Actor const& actor) = 0;
};

// ---- registrations and tickets -------------------------------------------------------

/// A fresh token that opens one guest order. The stores keep only its digest; the token itself
/// travels in the answer to the buyer and in the outbox row of the message that carries the
/// order's link, until that message is sent (the outbox scrubs it then).
struct OrderLink {
  std::string token;       ///< empty: none (an account's order)
  std::string token_hash;  ///< TokenDigest of `token`
};

/// A registration ready to be written: ids chosen, tickets signed.
struct NewRegistration {
  Registration registration;
  std::vector<Ticket> tickets;          ///< issued now (free events); empty while payment is pending
  std::vector<RegistrationItem> items;  ///< at the prices the order was computed with, which must still hold
  Answers answers;                      ///< to the per-order questions, checked and canonical
  std::vector<Attendee> attendees;      ///< one per seat, checked and canonical; empty: the buyer's name
  bool sees_hidden = false;             ///< the buyer may order hidden types (the event's organizer)
  std::string idempotency_key;          ///< empty when the client sent none
  std::string request_hash;             ///< what the key promised: replays must match it
  HoldRules hold_rules;                 ///< how an order waiting for payment holds its seats
  std::string client_address;           ///< the address that placed it, for the per-client cap on holds
  /// Open unpaid orders one client address may have for the event; 0: no cap (or an exempt client).
  std::int32_t client_hold_limit = 0;
  /// A guest order: its buyer, whose id is registration.user_id. The store writes the buyer's
  /// record with the order when the address has none yet, and refuses (Placement::buyer_changed)
  /// when the address's record has another id by then.
  std::optional<GuestBuyer> guest{};
  /// A guest order: the token its answer carries (its digest is stored; the token itself goes
  /// into the confirmation's outbox row when the order is confirmed at once).
  OrderLink link{};
  /// A comp's: the organizer's message to its recipient, carried by its confirmation (empty: none).
  std::string comp_message{};
};

struct PlacementResult {
  Placement outcome;
  RegistrationDetail detail;  ///< when placed or replayed
  std::int32_t seats_left = 0;
  std::int32_t attendee_limit = 0;    ///< the event's cap, for the message
  std::optional<Timestamp> retry_at;  ///< hold_cooldown: when the attendee may hold seats again
  std::optional<std::size_t> item;    ///< the item a refusal is about
  std::int32_t min_per_order = 0;     ///< order_quantity: the item's type's limits
  std::int32_t max_per_order = 0;
};

template <class T>
using Completion = std::function<void(T)>;

enum class Redemption { admitted, already_used, cancelled, unknown, wrong_event };

struct RedemptionResult {
  Redemption outcome;
  std::optional<Ticket> ticket;
};

/// A registration as the organizer's list shows it.
struct RegistrationRow {
  Registration registration;
  std::string attendee_name;
  std::string attendee_email;
  std::int32_t checked_in = 0;
  std::optional<EmailDelivery> email{};  ///< its latest confirmation; nullopt while none is due
  std::string ticket_types{};            ///< its items as "2 × VIP; 1 × Regular"
  Answers answers{};                     ///< to the per-order questions
  std::int64_t list_price_minor = 0;     ///< its items at their list prices, before any discount
};

/// A ticket as the organizer's ticket-per-row export shows it.
struct TicketRow {
  Ticket ticket;
  std::string ticket_type;  ///< its type's name
};

struct RegistrationCursor {
  Timestamp registered_at;
  std::string id;
};

struct EventStats {
  std::int32_t capacity = 0;
  std::int32_t registered_count = 0;
  std::int32_t confirmed_seats = 0;
  std::int32_t pending_seats = 0;
  std::int32_t offered_seats = 0;  ///< held for waiting-list offers (not orders)
  std::int32_t cancelled_seats = 0;
  std::int32_t checked_in = 0;
  std::int64_t revenue_minor = 0;         ///< what confirmed orders paid, less what was refunded of them
  std::int64_t refunded_minor = 0;        ///< money returned (whole and partial refunds)
  std::int64_t refund_pending_minor = 0;  ///< money whose return is under way
  std::int32_t comp_seats = 0;            ///< seats held by complimentary tickets
  /// Orders of a paid event: each began as a hold; `paid` were paid (late ones too), `expired`
  /// ran out unpaid. Many expired holds against few paid ones are the mark of squatting.
  std::int32_t holds_placed = 0;
  std::int32_t holds_paid = 0;
  std::int32_t holds_expired = 0;
  std::int64_t discount_minor = 0;  ///< promo codes' discounts over confirmed orders
  struct Hour {
    std::int64_t hour;  ///< Unix time / 3600
    std::int32_t seats;
    std::int64_t revenue_minor;
    std::int64_t discount_minor = 0;  ///< of the confirmed orders
  };
  std::vector<Hour> by_hour;  ///< confirmed and pending registrations by the hour they were made
};

enum class Cancellation {
  cancelled,
  not_found,
  not_active,       ///< already cancelled, expired or refunded
  ticket_used,      ///< the holder may not cancel: a ticket of it was admitted
  deadline_passed,  ///< the holder may not cancel: the event's cancellation deadline has passed
  reason_required,  ///< the organizer cancels outside the holder's policy and gave no reason
  tickets_refused,  ///< a partial cancellation names tickets it may not cancel (see the field error)
};

/// Who asks to cancel a registration, which decides the policy that applies.
struct CancellationRequest {
  bool by_organizer = false;  ///< false: the holder, bound by the event's cancellation policy
  std::string reason;         ///< the organizer's reason, kept in the audit log
};

/// A request to cancel some tickets of a registration (a partial cancellation).
struct TicketCancellationRequest {
  CancellationRequest request;
  std::vector<std::string> ticket_ids;
  std::string refund_id;  ///< the id of the refund record, should the cancellation refund money
};

struct TicketCancellationResult {
  Cancellation outcome = Cancellation::cancelled;
  std::optional<FieldError> refused{};  ///< for Cancellation::tickets_refused: which ticket, and why
  /// What this cancellation refunds through a refund record of its own; 0 when nothing was paid
  /// or when it cancelled the registration whole (the remainder is refunded as for any whole
  /// cancellation).
  std::int64_t refund_minor = 0;
};

/// What issuing complimentary tickets came to.
enum class CompIssue {
  issued,
  event_not_found,  ///< no such event, or no such type of it
  event_closed,     ///< cancelled, or already begun
  sold_out,         ///< not enough seats for every recipient (event or type): nothing issued
  buyer_changed,    ///< a recipient's guest record was made meanwhile under another id: try again
};

struct CompIssueResult {
  CompIssue outcome = CompIssue::issued;
  std::vector<RegistrationDetail> issued{};
  std::int32_t seats_left = 0;  ///< sold_out: seats there were
};

/// What inviting an address found: a new invitation, or the open one it already had.
struct InviteResult {
  StaffInvitation invitation;
  bool created = false;
};

enum class InvitationAnswer {
  accepted,        ///< the account now holds the right to scan the event
  already_active,  ///< accepted before (by this account): nothing changed
  expired,         ///< past its expiry: nothing changed
  not_found,       ///< no invitation with this id for this address (or removed meanwhile)
};

/// Registrations: placing them (seats taken atomically), reading, listing and cancelling them.
class RegistrationStore {
 public:
  virtual ~RegistrationStore() = default;
  /// Takes the seats and writes the registration and its tickets in one atomic step: capacity
  /// and the attendee's cap are checked against the same state the write changes. `done`
  /// runs once the outcome is durable (possibly on another thread).
  virtual void place_registration(NewRegistration registration, Timestamp now, Actor actor,
                                  Completion<Result<PlacementResult>> done) = 0;
  virtual std::optional<RegistrationDetail> find_registration(std::string_view id) = 0;
  /// Newest first.
  virtual std::vector<RegistrationDetail> list_user_registrations(std::string_view user_id,
                                                                  std::optional<RegistrationCursor> const& after,
                                                                  int limit) = 0;
  /// Oldest first; limit <= 0 means all.
  virtual std::vector<RegistrationRow> list_event_registrations(std::string_view event_id,
                                                                std::optional<RegistrationCursor> const& after,
                                                                int limit) = 0;
  /// Cancels an active registration under the cancellation policy (domain/order_rules.hpp),
  /// decided against the registration's tickets as locked by the change: tickets void, and the
  /// seats the policy releases back on sale (a used seat, or any once the event began, stays
  /// taken), atomically.
  virtual Cancellation cancel_registration(std::string_view id, CancellationRequest const& request, Timestamp now,
                                           Actor const& actor) = 0;
  /// Cancels some tickets of a confirmed registration, under the same policy and atomically,
  /// decided against the registration and its tickets as locked by the change
  /// (domain/refunds.hpp): the tickets become void, their seats go back on sale (none once the
  /// event began), the registration keeps its other tickets and holds that many seats fewer;
  /// a paid order gets a refund record of exactly those tickets' price (refund_for, keyed
  /// partial_refund_key) for the refund path. Naming every valid ticket cancels the
  /// registration whole, as cancel_registration.
  virtual TicketCancellationResult cancel_tickets(std::string_view id, TicketCancellationRequest const& request,
                                                  Timestamp now, Actor const& actor) = 0;
  /// Writes complimentary orders of one event (confirmed, amount 0, source comp, their tickets
  /// issued, each with its guest record and order link when its recipient has no account, and
  /// its confirmation queued, with its `comp_message`) all or none: the seats of every one of them, of the event and of
  /// `ticket_type_id`, taken in one atomic step. Audited as registration.comp_issued.
  virtual CompIssueResult issue_comps(std::string_view event_id, std::string_view ticket_type_id,
                                      std::vector<NewRegistration> comps, Timestamp now, Actor const& actor) = 0;
  virtual EventStats event_stats(std::string_view event_id) = 0;
  /// As list_event_registrations, keeping only rows whose attendee name or email contains
  /// `text`: ASCII letters match either case, every other character matches only itself (no
  /// wildcards). Oldest first; limit <= 0 means all.
  virtual std::vector<RegistrationRow> search_event_registrations(std::string_view event_id, std::string_view text,
                                                                  std::optional<RegistrationCursor> const& after,
                                                                  int limit) = 0;
  /// Every ticket of the event with its holder and its type's name, in the order the
  /// registrations were made, each registration's tickets by position.
  virtual std::vector<TicketRow> list_event_tickets(std::string_view event_id) = 0;
};

/// Tickets, and their admission at the door (once each, ever).
class TicketStore {
 public:
  virtual ~TicketStore() = default;
  virtual std::optional<Ticket> find_ticket(std::string_view id) = 0;
  /// Marks a valid ticket of `event_id` used, at most once ever (an atomic conditional
  /// update), when `code` is exactly the code issued for it; otherwise says why not. A code
  /// that differs from the issued one (forged, altered) finds no ticket: Redemption::unknown,
  /// and nothing about the ticket is returned. `done` runs once the outcome is durable.
  virtual void redeem_ticket(std::string ticket_id, std::string event_id, std::string code, Timestamp now, Actor actor,
                             Completion<Result<RedemptionResult>> done) = 0;
};

/// Door staff: invitations to scan an event's tickets, and the rights they grant.
class StaffStore {
 public:
  virtual ~StaffStore() = default;
  /// Whether `user_id` holds an accepted (active) staff invitation of the event.
  virtual bool is_event_staff(std::string_view event_id, std::string_view user_id) = 0;
  /// Writes `fresh` (status invited) unless the event already has an open invitation for its
  /// address (invited and not expired at `now`, or active): then returns that one, unchanged.
  /// An expired invitation of the address is replaced. Atomic: two simultaneous invitations of
  /// one address leave one row. Audited as staff.invited when created.
  virtual InviteResult invite_staff(StaffInvitation const& fresh, Actor const& actor) = 0;
  /// Accepts the invitation `id` addressed to `email` for the account `user_id`, atomically: of
  /// two simultaneous accepts one is `accepted`, the other `already_active`; after a removal it
  /// is `not_found`. Audited as staff.accepted.
  virtual InvitationAnswer accept_staff_invitation(std::string_view id, std::string_view email,
                                                   std::string_view user_id, Timestamp now, Actor const& actor) = 0;
  /// Deletes the invitation `id` addressed to `email` (invited, expired or active: an active one
  /// thereby gives up the right); the deleted invitation, or nullopt when there is none.
  /// Audited as staff.declined.
  virtual std::optional<StaffInvitation> decline_staff_invitation(std::string_view id, std::string_view email,
                                                                  Timestamp now, Actor const& actor) = 0;
  /// Deletes the invitation `id` of the event, taking away the right it granted; the deleted
  /// invitation, or nullopt when the event has none with that id. Audited as staff.removed.
  virtual std::optional<StaffInvitation> remove_staff_invitation(std::string_view event_id, std::string_view id,
                                                                 Timestamp now, Actor const& actor) = 0;
  /// The event's open invitations (invited and not expired at `now`) and active staff, the
  /// latter with their account's name, in the order they were invited (then by id).
  virtual std::vector<StaffInvitation> list_event_staff(std::string_view event_id, Timestamp now) = 0;
  /// The invitations addressed to `email` that are open at `now` or active, with their event's
  /// name, newest first.
  virtual std::vector<StaffInvitation> list_staff_invitations(std::string_view email, Timestamp now) = 0;
  /// Published (not cancelled) events `user_id` is door staff of, starting at or after `from`,
  /// in listing order (start time, then id), strictly after `after`; at most `limit`.
  virtual std::vector<Event> list_staff_events(std::string_view user_id, Timestamp from,
                                               std::optional<EventCursor> const& after, int limit) = 0;
};

/// One Ed25519 key pair that signs an event's tickets.
struct EventKey {
  std::uint32_t key_id = 0;
  std::string public_key;  ///< 32 raw bytes
  std::string secret_key;  ///< 64 raw bytes (libsodium's seed || public key)
  Timestamp created_at;
  bool active = true;
};

class KeyStore {
 public:
  virtual ~KeyStore() = default;
  /// Every key of an event, the active (signing) one first.
  virtual std::vector<EventKey> event_keys(std::string_view event_id) = 0;
  /// Stores `key` as the event's active key unless another node or thread stored one first
  /// (when `replace_active` is false); returns the event's keys afterwards. The audit row of
  /// a stored key names `actor`.
  virtual std::vector<EventKey> add_event_key(std::string_view event_id, EventKey const& key, bool replace_active,
                                              Actor const& actor) = 0;
  /// A named random secret shared by all nodes, created with `fresh` on first use.
  virtual std::string instance_secret(std::string_view name, std::string const& fresh) = 0;
};

enum class PaymentApplied {
  confirmed,         ///< the registration is now confirmed and its tickets issued
  already_done,      ///< nothing changed: a repeat, or the registration was settled before
  duplicate_event,   ///< this webhook event was handled before
  refund_needed,     ///< paid after its hold ended and the seats are gone: refund it
  failure_recorded,  ///< a failed attempt was noted; the hold stays
  unknown_payment,
};

struct PaymentResult {
  PaymentApplied outcome;
  std::string registration_id;
};

enum class RefundApplied {
  recorded,         ///< at least one refund moved to succeeded or failed
  already_done,     ///< the refunds it names had their outcome already (or are still pending)
  duplicate_event,  ///< this webhook event was handled before
  unknown_refund,   ///< no refund of ours has any of these ids
};

/// A refund to make through the provider: a partial cancellation's record, or what is left of
/// a whole cancelled order's amount.
struct DueRefund {
  std::string refund_id;  ///< the record's id; empty for a whole order's remainder
  std::string registration_id;
  std::string intent_id;
  std::int64_t amount_minor = 0;
  std::string idempotency_key;
};

class PaymentStore {
 public:
  virtual ~PaymentStore() = default;
  /// Records a new intent for a registration, with the client's idempotency key (may be
  /// empty). False when that user already used the key for another intent.
  virtual bool save_intent(std::string_view registration_id, std::string_view user_id, std::string_view provider,
                           PaymentIntent const& intent, std::string_view idempotency_key, Timestamp now) = 0;
  /// The intent a user created with an idempotency key.
  virtual std::optional<StoredPayment> payment_by_key(std::string_view user_id, std::string_view idempotency_key) = 0;
  virtual std::optional<StoredPayment> find_payment(std::string_view intent_id) = 0;
  /// The newest intent of a registration.
  virtual std::optional<StoredPayment> payment_of(std::string_view registration_id) = 0;
  /// Applies a successful payment exactly once: records the event id, confirms the
  /// registration with `tickets` (re-taking its seats when its hold had ended, if seats are
  /// free), or says a refund is needed. A guest order's `link` (empty for an account's) is
  /// stored with the confirmation and carried by its message. Atomic; `done` runs once it is
  /// durable.
  virtual void apply_payment_success(std::string event_id, std::string intent_id, std::vector<Ticket> tickets,
                                     OrderLink link, Timestamp now, Completion<Result<PaymentResult>> done) = 0;
  /// Records a failed attempt (the hold stays until it expires or the buyer retries).
  virtual void apply_payment_failure(std::string event_id, std::string intent_id, std::string message, Timestamp now,
                                     Completion<Result<PaymentResult>> done) = 0;
  /// Ends every hold whose time is up, releasing exactly its seats; returns how many ended.
  virtual int expire_holds(Timestamp now) = 0;
  /// Records that the provider made `due` (refund `provider_refund_id`), or accepted it to
  /// complete later: a whole order's marks its payment and registration refunded (or refund
  /// pending) and writes its refund record; a partial one's marks its record. Once only: a
  /// refund recorded before (by another sweep or node) is not recorded, nor audited, again.
  virtual void record_refund(DueRefund const& due, std::string_view provider_refund_id, bool completed,
                             Timestamp now) = 0;
  /// Applies the final states an event reports of refunds the provider had left `requested`
  /// (matched by their provider id): a succeeded one completes (a whole order's marks its
  /// payment and registration refunded), a failed one is taken out of the refunded amount and
  /// audited as registration.refund_failed. Each refund moves once; the event id is recorded so
  /// a duplicate delivery changes nothing. unknown_refund when no refund matches (nothing is
  /// recorded); `done` runs once it is durable.
  virtual void apply_refund_states(std::string event_id, std::string event_type, std::vector<RefundState> refunds,
                                   Timestamp now, Completion<Result<RefundApplied>> done) = 0;
  /// Registrations waiting for payment that have an intent, for reconciliation at start.
  virtual std::vector<StoredPayment> pending_payments() = 0;
  /// Refunds still to make: partial cancellations' records not yet sent, and paid registrations
  /// cancelled whole that still wait for what is left of their amount.
  virtual std::vector<DueRefund> refunds_due() = 0;
};

/// An outbox row the sender claimed.
struct OutboxMessage {
  OutboxEntry entry;
  MailStatus status = MailStatus::queued;
  std::int32_t attempts = 0;  ///< attempts made before this one
};

using MailClock = std::chrono::sys_time<std::chrono::milliseconds>;

/// What the sender records after an attempt (or after deciding not to send).
struct MailOutcome {
  MailStatus status = MailStatus::sent;
  std::int32_t attempts = 0;  ///< attempts made, this one included
  std::string last_error{};
  MailClock next_attempt_at{};         ///< when retrying
  std::optional<Timestamp> sent_at{};  ///< when sent
  std::string sent_to{};               ///< the address it went (or would have gone) to, for the caps
};

struct MailBacklog {
  std::int64_t queued = 0;             ///< waiting for their first attempt
  std::int64_t retrying = 0;           ///< waiting for another attempt
  std::int64_t oldest_due_age_ms = 0;  ///< how long the most overdue pending message has waited
};

/// The outbox: every message from the change that causes it until it is delivered.
class MailStore {
 public:
  virtual ~MailStore() = default;
  /// Writes `entry` (status queued, due now); nothing when a row with its id exists.
  virtual void queue_mail(OutboxEntry const& entry) = 0;
  /// Claims up to `limit` pending messages due at `now` that no other sender holds, for
  /// `lease`: until it runs out no other claim returns them (a sender that dies mid-send lets
  /// it run out and another retries). Oldest due first.
  virtual std::vector<OutboxMessage> claim_mail(MailClock now, std::chrono::milliseconds lease, int limit) = 0;
  /// Records an attempt's outcome and releases the claim. A message that is no longer pending
  /// (sent, failed, dropped, skipped) loses its secret.
  virtual void record_mail(std::string_view id, MailOutcome const& outcome) = 0;
  /// Messages sent to `address` since each instant, for the recipient caps.
  virtual std::pair<std::int32_t, std::int32_t> mail_sent_to(std::string_view address, Timestamp since_hour,
                                                             Timestamp since_day) = 0;
  virtual MailBacklog mail_backlog(MailClock now) = 0;
};

// ---- external identities ------------------------------------------------------------

/// A sign-in in progress, between the redirect to the provider and its callback. Kept in the
/// database, so whichever node receives the callback can finish it.
struct SignInFlow {
  std::string state_hash;  ///< TokenDigest of `state`: the state itself travels only in the URL
  std::string nonce;
  std::string code_verifier;
  std::string return_to;  ///< a path inside the web app
  Timestamp expires_at;
};

/// A person signing in through the provider, with the roles its groups map to now.
struct ExternalSignInRecord {
  std::string new_user_id;  ///< the account's id should the person be new
  std::string issuer;
  std::string subject;
  std::string email;  ///< normalised, or empty when the provider gave no usable address
  bool email_verified = false;
  std::string name;        ///< the provider's, or a stand-in (the address, the subject) for a new account
  bool name_given = true;  ///< false: `name` is a stand-in, and a known account keeps its name
  Roles provider_roles;
  /// False when the token carried no roles claim (an access token without it): the account's
  /// roles and what the provider granted stay as they are.
  bool roles_known = true;
  Timestamp now;
};

class ExternalIdentityStore {
 public:
  virtual ~ExternalIdentityStore() = default;
  /// Keeps a flow under its state's digest; flows that expired before `now` are removed.
  virtual void save_sign_in_flow(SignInFlow const& flow, Timestamp now) = 0;
  /// Removes and returns the flow of `state_hash` (expired or not: the caller tells); nullopt when
  /// there is none. Of two simultaneous takes of one flow, one gets it.
  virtual std::optional<SignInFlow> take_sign_in_flow(std::string_view state_hash) = 0;
  /// The account linked to (issuer, subject), in one atomic, audited step: a person seen before
  /// gets the roles roles_after_external_sign_in gives (and, when a role went, the account's
  /// token version moves on and its refresh tokens are revoked, as revoke_role does); a new one
  /// gets a new account with the provider's address when no account has it (otherwise an
  /// address under .invalid: an account is never linked by its address) and no password.
  /// The address counts as verified when the provider says so.
  virtual User link_external_person(ExternalSignInRecord const& person, Actor const& actor) = 0;
  /// Keeps a one-time sign-in code's digest for the account, until `expires_at`.
  virtual void save_sign_in_code(std::string_view code_hash, std::string_view user_id, Timestamp expires_at,
                                 Timestamp now) = 0;
  /// Uses up the code: the account it names when it was unused and unexpired at `now`.
  virtual std::optional<std::string> take_sign_in_code(std::string_view code_hash, Timestamp now) = 0;
};

/// Guest orders: their buyers and the tokens that open them. (Placing a guest order is
/// RegistrationStore::place_registration's; an account that proves an address takes over that
/// address's guest buyer inside UserStore::verify_email and reset_password.)
class GuestStore {
 public:
  virtual ~GuestStore() = default;
  /// The guest buyer of a normalised address, when one ordered before.
  virtual std::optional<GuestBuyer> find_guest(std::string_view email) = 0;
  /// The registration an order token (by its digest) opens; nullopt when none does: never
  /// issued, or retired by a resend.
  virtual std::optional<std::string> order_of_token(std::string_view token_hash) = 0;
  /// Stores `fresh` as a token of the registration, in one transaction with retiring its other
  /// tokens (`retire_others`: a resend) and queueing `mail` (the message carrying the new link).
  virtual void issue_order_token(std::string_view registration_id, OrderLink const& fresh, bool retire_others,
                                 std::optional<OutboxEntry> const& mail, Timestamp now) = 0;
};

// ---- waiting list --------------------------------------------------------------------

/// One place on an event's waiting list.
struct WaitlistEntry {
  std::string id{};
  std::string event_id{};
  std::string ticket_type_id{};
  std::string user_id{};   ///< the account that joined; empty for a guest
  std::string buyer_id{};  ///< whom offers are held for: the account, or a confirmed guest's buyer record
  std::string name{};
  std::string email{};  ///< normalised
  std::int32_t quantity = 1;
  WaitlistStatus status = WaitlistStatus::waiting;
  bool confirmed = false;  ///< an account's entry at once; a guest's once the emailed link was followed
  std::optional<std::string> registration_id{};  ///< the offer's hold, then the order it became
  std::optional<Timestamp> offer_expires_at{};
  Timestamp created_at{};
  std::int64_t seq = 0;       ///< joining order within the event
  std::int32_t position = 0;  ///< read model: 1-based among the event's entries in line; 0 when out of line
  /// Read model: a live offer's price per ticket, as its hold was made; 0 without an offer.
  std::int64_t offer_unit_price_minor = 0;
};

/// How the stores serve waiting lists: how long an offer holds its seats, and the secret links'
/// tokens, which the stores write into the messages they queue (their keys stay above them).
struct WaitlistConfig {
  std::chrono::seconds offer_for{86400};
  /// The token of an entry's link: `purpose` "offer" or "confirm".
  std::function<std::string(std::string_view purpose, std::string_view entry_id)> token{};
};

enum class WaitlistJoin {
  joined,
  not_found,        ///< no such event (or it is a draft), or the type is not the event's
  not_sold_out,     ///< what is asked for can be ordered now
  already_waiting,  ///< the address (or account) is in line for this event and type already
  closed,           ///< the event is cancelled or has begun
};

struct WaitlistJoinResult {
  WaitlistJoin outcome = WaitlistJoin::joined;
  WaitlistEntry entry{};
};

enum class OfferClaim {
  claimed,
  not_available,  ///< unknown, expired, claimed, removed, or another person's
  promo_invalid,  ///< the claim's code is unknown, not valid now, or another event's
  promo_used_up,  ///< the claim's code has no use left, in all or for this buyer
  promo_changed,  ///< the code's discount is no longer the one the claim was priced with
};

/// Turning an offer into its buyer's order: the offer's hold becomes a registration waiting for
/// payment (a paid event: `hold_expires_at` set) or a confirmed one with `tickets` (free).
struct OfferClaimRequest {
  std::string entry_id;
  std::string claimant_user_id;  ///< the signed-in claimant; empty: a guest entry claimed by its link
  RegistrationStatus status = RegistrationStatus::pending_payment;
  std::optional<Timestamp> hold_expires_at{};
  std::vector<Ticket> tickets{};
  Answers answers{};
  std::vector<Attendee> attendees{};
  OrderLink link{};  ///< a guest entry's order token
  /// The promo code the claim uses (empty: none) and what it takes off each ticket, as the
  /// claim was priced: the store checks the code once more (check_promo_use) and takes its use.
  std::string promo_code_id{};
  std::int64_t discount_per_ticket_minor = 0;
};

struct OfferClaimResult {
  OfferClaim outcome = OfferClaim::not_available;
  RegistrationDetail detail{};
};

/// Waiting lists. Seats freed anywhere (a cancellation, an expired hold or offer, a capacity
/// raised, an entry removed with a live offer, a list resumed) are offered to the waiting
/// entries in the transaction that freed them, under the event's lock, by choose_offers
/// (domain/waitlist.hpp): each offer is a registration in status `offered` holding its seats,
/// and its message is queued in the same transaction.
class WaitlistStore {
 public:
  virtual ~WaitlistStore() = default;
  /// Set once at start (main), before serving.
  virtual void configure_waitlist(WaitlistConfig config) = 0;
  /// Puts `entry` (id, event, type, person, quantity) last in line when what it asks for cannot
  /// be ordered now and the person is not in line for it already; atomic. A guest's entry is
  /// unconfirmed and its confirmation message queued. Audited as waitlist.joined.
  virtual WaitlistJoinResult join_waitlist(WaitlistEntry const& entry, Timestamp now, Actor const& actor) = 0;
  /// Confirms a guest's entry (its buyer record made when the address has none), then serves
  /// the list; nullopt when no such entry is in line.
  virtual std::optional<WaitlistEntry> confirm_waitlist_entry(std::string_view entry_id, Timestamp now,
                                                              Actor const& actor) = 0;
  virtual std::optional<WaitlistEntry> find_waitlist_entry(std::string_view entry_id) = 0;
  /// The event's entries by joining order (those after `after_seq`), at most `limit`, and
  /// whether the list is paused.
  virtual std::vector<WaitlistEntry> list_waitlist(std::string_view event_id, std::int64_t after_seq, int limit) = 0;
  virtual bool waitlist_paused(std::string_view event_id) = 0;
  /// Pauses (no offers) or resumes (served at once) the event's list; false when no such event.
  virtual bool set_waitlist_paused(std::string_view event_id, bool paused, Timestamp now, Actor const& actor) = 0;
  /// Every entry of an account (its own and those of guest buyers it proved), newest first.
  virtual std::vector<WaitlistEntry> list_user_waitlist(std::string_view user_id) = 0;
  /// Takes an entry in line out of it; a live offer's seats go to the next in line. False when
  /// the event has no such entry in line.
  virtual bool remove_waitlist_entry(std::string_view event_id, std::string_view entry_id, Timestamp now,
                                     Actor const& actor) = 0;
  /// Claims a live offer once, atomically; never takes a seat anew. With a promo code, the
  /// code's use is taken in the same step (its limits, in all and per buyer, hold as for any
  /// order) and the order carries its discount. `done` runs once the outcome is durable
  /// (possibly on another thread): the caller's thread never waits for the writer.
  virtual void claim_offer(OfferClaimRequest request, Timestamp now, Actor actor,
                           Completion<Result<OfferClaimResult>> done) = 0;
};

// ---- administration ------------------------------------------------------------------

/// One row of the audit log: who changed what, when, in which request.
struct AuditEntry {
  std::int64_t id = 0;  ///< grows with every row written: the log's order
  Timestamp at{};
  std::string actor_id{};    ///< empty: the system (a sweep, a webhook) or the command line
  std::string request_id{};  ///< empty when no HTTP request caused it
  std::string action{};      ///< "registration.cancelled", "user.disabled", …
  std::string subject_type{};
  std::string subject_id{};
  std::string event_id{};  ///< the event the change belongs to; empty for accounts and the like
  std::string detail{};
  std::string actor_name{};  ///< the actor's name now (kErasedName once erased); empty for no account
};

/// Which audit rows to read: every filter given must match; newest first.
struct AuditQuery {
  std::optional<std::string> event_id{};
  std::optional<std::string> actor_id{};
  std::optional<std::string> action{};
  std::optional<Timestamp> from{};          ///< at or after
  std::optional<Timestamp> to{};            ///< at or before
  std::optional<std::int64_t> before_id{};  ///< the page after the row with this id
  int limit = 20;
};

/// The name and the address an erased account is left with; the address stays unique and can
/// never receive mail (RFC 2606 reserves .invalid).
inline constexpr std::string_view kErasedName = "Erased person";
inline std::string erased_email(std::string_view user_id) {
  return "erased-" + std::string(user_id) + "@erased.invalid";
}

/// What erasing a buyer's data did to their orders and mail (an account's or a guest's).
struct ErasedOrders {
  std::vector<std::string> cancelled{};      ///< their registrations for events yet to start, cancelled
  std::vector<std::string> refunds_due{};    ///< of those, the paid ones: refund_pending until the provider pays
  std::vector<std::string> sent_messages{};  ///< outbox ids of messages delivered to them (copies to erase)
};

/// What erasing a person did (AdminStore::erase_user).
struct Erasure : ErasedOrders {
  User user;  ///< the account as it is now: no name, address or password
};

/// Which guest buyer to erase: the one of a (normalised) address, or the buyer of an order.
struct GuestToErase {
  std::string email{};
  std::string order_id{};
};

/// Why a guest buyer's erasure was not made.
enum class GuestRefusal {
  not_found,    ///< no guest buyer has this address (or placed this order)
  has_account,  ///< an account proved the address: erasing the account covers its guest orders
};

/// What erasing a guest buyer did (AdminStore::erase_guest).
struct GuestErasure : ErasedOrders {
  std::string guest_id{};
  Timestamp erased_at{};
};

/// The admin console's reads: accounts and the audit log.
class AdminStore {
 public:
  virtual ~AdminStore() = default;
  /// Accounts whose name or email contains `text` (ASCII letters either case; every other
  /// character only itself; empty matches all), ordered by email, those after `after_email`.
  virtual std::vector<User> search_users(std::string_view text, std::optional<std::string> const& after_email,
                                         int limit) = 0;
  /// Up to `query.limit` rows of the audit log matching `query`, newest first.
  virtual std::vector<AuditEntry> list_audit(AuditQuery const& query) = 0;
  /// Erases a person's data (GDPR Art. 17), in one transaction: their registrations for events
  /// that have not started are cancelled as by the organizer (seats released, tickets void, the
  /// paid ones refund_pending so the refund path pays them back); then their name and address
  /// are replaced (kErasedName, erased_email), the password, verification and reset tokens go,
  /// the account is disabled for good and every session ends; their orders' answers and the
  /// holder names and addresses of their tickets (and of tickets naming their address) are
  /// replaced; their staff invitations are deleted; their outbox messages lose the address and
  /// any pending one is skipped; audit details that name them are rewritten. Counts, seats
  /// taken by past events and money stay. Audited as user.erased (naming no erased data).
  /// `keep_an_admin` as for revoke_role. AccountRefusal::erased when erased before.
  virtual std::expected<Erasure, AccountRefusal> erase_user(std::string_view user_id, Timestamp now, Actor const& actor,
                                                            bool keep_an_admin) = 0;
  /// Erases a guest buyer's data as erase_user does an account's, for a buyer no account took
  /// over: their orders for events that have not started cancelled (the paid ones refunded),
  /// their orders' answers and holders, the record's name and address, audit details, outbox
  /// messages and the order tokens of all their orders replaced or retired. Audited as
  /// guest.erased. GuestRefusal::has_account when an account proved the address.
  virtual std::expected<GuestErasure, GuestRefusal> erase_guest(GuestToErase const& which, Timestamp now,
                                                                Actor const& actor) = 0;
};

class Store : public UserStore,
              public SessionStore,
              public EventStore,
              public RegistrationStore,
              public TicketStore,
              public StaffStore,
              public KeyStore,
              public PaymentStore,
              public MailStore,
              public QuestionStore,
              public PromoCodeStore,
              public ExternalIdentityStore,
              public GuestStore,
              public AdminStore,
              public WaitlistStore {
 public:
  /// True when the database answers.
  virtual bool ping() = 0;
  /// The schema version after migrations.
  virtual int schema_version() = 0;
  /// The adapter's own figures in Prometheus' text format (may be empty).
  virtual std::string metrics_text() const { return {}; }
};

}  // namespace admit
