#pragma once

/// The interfaces the use cases need. Adapters implement them (store/sqlite, auth/ …);
/// main.cpp wires concrete ones in. Every method either succeeds, returns an expected
/// outcome as a value, or throws on an outage (the database is gone, the disk is full),
/// which the HTTP layer turns into a 503.

#include <chrono>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "domain/error.hpp"
#include "domain/event.hpp"
#include "domain/time.hpp"
#include "domain/user.hpp"

namespace admit {

/// A dependency failed (database unreachable, disk full, peer down). Adapters throw it or a
/// subclass; the HTTP layer answers 503 and the client may retry.
class Outage : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Who is calling, as proven by an access token.
struct Principal {
  std::string user_id;
  Roles roles;
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
  /// A 128-bit random identifier in URL-safe text (22 characters).
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
  /// The principal a token proves, or why it proves nothing (bad signature, expired, …).
  virtual std::expected<Principal, std::string> verify(std::string_view token) = 0;
};

/// A one-way digest of a refresh token, so that a stolen database holds no usable token.
class TokenDigest {
 public:
  virtual ~TokenDigest() = default;
  virtual std::string digest(std::string_view token) = 0;
};

// ---- storage ---------------------------------------------------------------------------

class UserStore {
 public:
  virtual ~UserStore() = default;
  /// Fails with Errc::email_taken when the (normalised) email is already registered.
  virtual Result<void> insert_user(User const& user, Actor const& actor) = 0;
  virtual std::optional<User> find_user(std::string_view id) = 0;
  virtual std::optional<User> find_user_by_email(std::string_view email) = 0;
  /// Replaces a user's roles; nullopt when no such user.
  virtual std::optional<User> set_roles(std::string_view email, Roles roles, Actor const& actor) = 0;
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
  bool include_cancelled = false;
  std::optional<EventCursor> after;
  int limit = 20;
};

enum class EventUpdate { updated, not_found, capacity_below_sold };

class EventStore {
 public:
  virtual ~EventStore() = default;
  virtual void insert_event(Event const& event, TicketType const& default_type, Actor const& actor) = 0;
  virtual std::optional<Event> find_event(std::string_view id) = 0;
  /// Up to `query.limit` events in listing order.
  virtual std::vector<Event> list_events(EventQuery const& query) = 0;
  /// Replaces the event's details (and its default ticket type's price and capacity) unless
  /// the new capacity is below the seats already taken; the check and the write are atomic.
  virtual EventUpdate update_event(std::string_view id, EventDraft const& details, Timestamp now,
                                   Actor const& actor) = 0;
  /// Marks the event cancelled; false when no such event.
  virtual bool cancel_event(std::string_view id, Timestamp now, Actor const& actor) = 0;
};

class Store : public UserStore, public SessionStore, public EventStore {
 public:
  /// True when the database answers.
  virtual bool ping() = 0;
};

}  // namespace admit
