#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/accounts.hpp"
#include "app/paging.hpp"
#include "app/ports.hpp"

namespace admit {

/// Which audit rows an admin asks for; each filter given must match.
struct AuditFilter {
  std::optional<std::string> event_id{};
  std::optional<std::string> actor_id{};
  std::optional<std::string> action{};
  std::optional<Timestamp> from{};
  std::optional<Timestamp> to{};
};

/// The admin console: accounts (search, roles, disable and enable, with the rules of the
/// command line, which are Accounts') and the audit log. Every call but event_audit is for
/// admins only (Errc::forbidden for anyone else).
class Administration {
 public:
  Administration(UserStore& users, AdminStore& admin, EventStore& events, Accounts& accounts, Clock const& clock);

  /// What an erasure does outside the database, once it is committed: removing the copies of
  /// the messages sent to the person that Admit itself keeps (the file mailbox; outbox ids), and
  /// starting the refunds now rather than at the next sweep. Either may be empty.
  struct FollowUp {
    std::function<void(std::vector<std::string> const&)> forget_messages;
    std::function<void()> refund_due;
  };
  void set_follow_up(FollowUp follow_up) { follow_up_ = std::move(follow_up); }

  /// Accounts whose name or email contains `text` (empty: all), by email.
  Result<Page<User>> list_users(Principal const& who, std::string_view text, std::optional<std::string> const& cursor,
                                int limit);
  /// Takes the roles in `revoke` from the account `user_id` (admin first: refused with
  /// Errc::last_admin, nothing changed, when it is the only enabled admin), then grants those in
  /// `grant`. Each revocation ends the account's sessions as `admit user revoke` does. A role in
  /// both lists is Errc::invalid_input.
  Result<User> change_roles(Principal const& who, std::string_view user_id, std::vector<Role> const& grant,
                            std::vector<Role> const& revoke, Actor const& actor);
  /// Disables the account (as `admit user disable`), unless it is the only enabled admin
  /// (Errc::last_admin).
  Result<User> disable(Principal const& who, std::string_view user_id, Actor const& actor);
  /// Enables the account again (as `admit user enable`).
  Result<User> enable(Principal const& who, std::string_view user_id, Actor const& actor);

  /// Erases the person `user_id`'s data on an admin's request (AdminStore::erase_user): refused
  /// with Errc::last_admin for the only enabled admin, Errc::conflict when erased before.
  Result<Erasure> erase(Principal const& who, std::string_view user_id, Actor const& actor);
  /// The person erases their own data (`DELETE /api/me`), once Accounts::confirm_person is
  /// satisfied (the password, or a fresh sign-in for an account without one): a token left on a
  /// shared computer must not be enough to destroy an account.
  Result<Erasure> erase_self(Principal const& who, std::string_view password, Actor const& actor);

  /// Erases the data of the guest buyer of the address `email` on an admin's request
  /// (AdminStore::erase_guest): Errc::not_found when no guest order was placed with it,
  /// Errc::conflict when an account proved the address (erasing that account covers them).
  Result<GuestErasure> erase_guest(Principal const& who, std::string_view email, Actor const& actor);
  /// The guest erases their own data, proven by the token of one of their orders (`who` holds
  /// one; anyone else is Errc::forbidden): all the orders of that order's buyer.
  Result<GuestErasure> erase_guest_self(Principal const& who, Actor const& actor);

  /// The audit log, newest first, filtered.
  Result<Page<AuditEntry>> list_audit(Principal const& who, AuditFilter const& filter,
                                      std::optional<std::string> const& cursor, int limit);
  /// An event's audit log, newest first, for its organizer (or an admin); as the event's other
  /// organizer views, a draft is not found for anyone else and a published event is forbidden.
  Result<Page<AuditEntry>> event_audit(Principal const& who, std::string_view event_id,
                                       std::optional<std::string> const& cursor, int limit);

 private:
  /// The account `user_id`, for an admin; Errc::conflict for an erased one.
  Result<User> account(Principal const& who, std::string_view user_id);
  Result<Page<AuditEntry>> audit_page(AuditQuery query, std::optional<std::string> const& cursor);
  Result<Erasure> erase_account(std::string_view user_id, Actor const& actor);
  Result<GuestErasure> erase_guest_buyer(GuestToErase const& which, Actor const& actor);
  /// What an erasure does once committed (FollowUp).
  void follow_up(ErasedOrders const& erased);

  UserStore& users_;
  AdminStore& admin_;
  EventStore& events_;
  Accounts& accounts_;
  Clock const& clock_;
  FollowUp follow_up_;
};

/// The opaque cursors of the two listings.
std::string encode_audit_cursor(std::int64_t id);
std::optional<std::int64_t> decode_audit_cursor(std::string_view text);
std::string encode_user_cursor(std::string_view email);
std::optional<std::string> decode_user_cursor(std::string_view text);

}  // namespace admit
