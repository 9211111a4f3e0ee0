#include "app/administration.hpp"

#include <algorithm>
#include <charconv>

#include "base/encoding.hpp"
#include "domain/user.hpp"

namespace admit {
namespace {

Result<void> admins_only(Principal const& who) {
  if (!who.roles.has(Role::admin)) return fail(Errc::forbidden, "Only admins may do this.");
  return {};
}

}  // namespace

std::string encode_audit_cursor(std::int64_t id) {
  return base64url_encode("audit:" + std::to_string(id));
}

std::optional<std::int64_t> decode_audit_cursor(std::string_view text) {
  auto const raw = base64url_decode(text);
  constexpr std::string_view kPrefix = "audit:";
  if (!raw || !raw->starts_with(kPrefix)) return std::nullopt;
  std::int64_t id = 0;
  auto const* first = raw->data() + kPrefix.size();
  auto const* last = raw->data() + raw->size();
  auto const [end, ec] = std::from_chars(first, last, id);
  if (ec != std::errc{} || end != last || first == last || id <= 0) return std::nullopt;
  return id;
}

std::string encode_user_cursor(std::string_view email) {
  return base64url_encode("user:" + std::string(email));
}

std::optional<std::string> decode_user_cursor(std::string_view text) {
  auto raw = base64url_decode(text);
  constexpr std::string_view kPrefix = "user:";
  if (!raw || !raw->starts_with(kPrefix)) return std::nullopt;
  return raw->substr(kPrefix.size());
}

Administration::Administration(UserStore& users, AdminStore& admin, EventStore& events, Accounts& accounts,
                               Clock const& clock)
    : users_(users), admin_(admin), events_(events), accounts_(accounts), clock_(clock) {}

Result<Page<User>> Administration::list_users(Principal const& who, std::string_view text,
                                              std::optional<std::string> const& cursor, int limit) {
  if (auto allowed = admins_only(who); !allowed) return std::unexpected(allowed.error());
  std::vector<FieldError> errors;
  auto const after = check_page_request(limit, cursor, decode_user_cursor, errors);
  if (text.size() > 200) errors.push_back({"q", "must be at most 200 characters"});
  if (!errors.empty())
    return fail(Errc::invalid_input, "The listing parameters are not acceptable.", std::move(errors));
  return read_page(
      limit, [&](int rows) { return admin_.search_users(text, after, rows); },
      [](User const& last) { return encode_user_cursor(last.email); });
}

Result<User> Administration::account(Principal const& who, std::string_view user_id) {
  if (auto allowed = admins_only(who); !allowed) return std::unexpected(allowed.error());
  auto user = users_.find_user(user_id);
  if (!user) return fail(Errc::not_found, "No account has this id.");
  // Its address is no longer one: nothing is changed through it, and it stays disabled.
  if (user->erased()) return fail(Errc::conflict, "This account's data was erased; it cannot be changed.");
  return std::move(*user);
}

Result<User> Administration::change_roles(Principal const& who, std::string_view user_id,
                                          std::vector<Role> const& grant, std::vector<Role> const& revoke,
                                          Actor const& actor) {
  auto user = account(who, user_id);
  if (!user) return user;
  for (auto const role : grant) {
    if (std::ranges::find(revoke, role) != revoke.end()) {
      return fail(Errc::invalid_input, "A role cannot be granted and revoked at once.",
                  {{"revoke", std::string(role_name(role)) + " is also in grant"}});
    }
  }
  // Admin goes first: when that is refused (the last admin), nothing has changed.
  auto revoking = revoke;
  std::ranges::stable_partition(revoking, [](Role r) { return r == Role::admin; });
  for (auto const role : revoking) {
    user = accounts_.revoke_role(user->email, role, actor, true);
    if (!user) return user;
  }
  for (auto const role : grant) {
    if (user->roles.has(role)) continue;
    user = accounts_.grant_role(user->email, role, actor);
    if (!user) return user;
  }
  return user;
}

Result<User> Administration::disable(Principal const& who, std::string_view user_id, Actor const& actor) {
  auto user = account(who, user_id);
  if (!user) return user;
  return accounts_.disable(user->email, actor, true);
}

Result<User> Administration::enable(Principal const& who, std::string_view user_id, Actor const& actor) {
  auto user = account(who, user_id);
  if (!user) return user;
  return accounts_.enable(user->email, actor);
}

Result<Erasure> Administration::erase_account(std::string_view user_id, Actor const& actor) {
  auto erased = admin_.erase_user(user_id, clock_.now(), actor, true);
  if (!erased) {
    switch (erased.error()) {
      case AccountRefusal::last_admin:
        return fail(Errc::last_admin,
                    "This is the only enabled admin account; make another account an admin before erasing it.");
      case AccountRefusal::erased: return fail(Errc::conflict, "This account's data was erased already.");
      case AccountRefusal::not_found: break;
    }
    return fail(Errc::not_found, "No account has this id.");
  }
  follow_up(*erased);
  return std::move(*erased);
}

void Administration::follow_up(ErasedOrders const& erased) {
  // After the commit, and never able to undo it: a copy left behind is removed by the next try.
  if (follow_up_.forget_messages && !erased.sent_messages.empty()) follow_up_.forget_messages(erased.sent_messages);
  if (follow_up_.refund_due && !erased.refunds_due.empty()) follow_up_.refund_due();
}

Result<GuestErasure> Administration::erase_guest_buyer(GuestToErase const& which, Actor const& actor) {
  auto erased = admin_.erase_guest(which, clock_.now(), actor);
  if (!erased) {
    switch (erased.error()) {
      case GuestRefusal::has_account:
        return fail(Errc::conflict,
                    "An account has proved this address and holds its guest orders; erase that account instead.");
      case GuestRefusal::not_found: break;
    }
    return fail(Errc::not_found, "No guest order was placed with this address.");
  }
  follow_up(*erased);
  return std::move(*erased);
}

Result<GuestErasure> Administration::erase_guest(Principal const& who, std::string_view email, Actor const& actor) {
  if (auto allowed = admins_only(who); !allowed) return std::unexpected(allowed.error());
  auto normalized = normalize_email(email);
  if (!normalized) return fail(Errc::invalid_input, "The email is not valid.", {{"email", "must be an email address"}});
  return erase_guest_buyer({.email = std::move(*normalized), .order_id = {}}, actor);
}

Result<GuestErasure> Administration::erase_guest_self(Principal const& who, Actor const& actor) {
  if (!who.order_id) {
    return fail(Errc::forbidden,
                "Prove the order with its order token (X-Order-Token); an account erases itself "
                "with DELETE /api/me.");
  }
  return erase_guest_buyer({.email = {}, .order_id = *who.order_id}, actor);
}

Result<Erasure> Administration::erase(Principal const& who, std::string_view user_id, Actor const& actor) {
  if (auto allowed = admins_only(who); !allowed) return std::unexpected(allowed.error());
  return erase_account(user_id, actor);
}

Result<Erasure> Administration::erase_self(Principal const& who, std::string_view password, Actor const& actor) {
  if (auto confirmed = accounts_.confirm_person(who, password); !confirmed) {
    return std::unexpected(confirmed.error());
  }
  return erase_account(who.user_id, actor);
}

Result<Page<AuditEntry>> Administration::audit_page(AuditQuery query, std::optional<std::string> const& cursor) {
  std::vector<FieldError> errors;
  query.before_id = check_page_request(query.limit, cursor, decode_audit_cursor, errors);
  if (query.from && query.to && *query.to < *query.from) errors.push_back({"to", "must not be before from"});
  if (!errors.empty())
    return fail(Errc::invalid_input, "The listing parameters are not acceptable.", std::move(errors));
  int const limit = query.limit;
  return read_page(
      limit,
      [&](int rows) {
        query.limit = rows;
        return admin_.list_audit(query);
      },
      [](AuditEntry const& last) { return encode_audit_cursor(last.id); });
}

Result<Page<AuditEntry>> Administration::list_audit(Principal const& who, AuditFilter const& filter,
                                                    std::optional<std::string> const& cursor, int limit) {
  if (auto allowed = admins_only(who); !allowed) return std::unexpected(allowed.error());
  return audit_page(AuditQuery{.event_id = filter.event_id,
                               .actor_id = filter.actor_id,
                               .action = filter.action,
                               .from = filter.from,
                               .to = filter.to,
                               .limit = limit},
                    cursor);
}

Result<Page<AuditEntry>> Administration::event_audit(Principal const& who, std::string_view event_id,
                                                     std::optional<std::string> const& cursor, int limit) {
  auto const event = events_.find_event(event_id);
  bool const admin = who.roles.has(Role::admin);
  if (!event || (!admin && !visible_to(*event, who.user_id))) return fail(Errc::not_found, "No event has this id.");
  if (!admin && event->organizer_id != who.user_id) {
    return fail(Errc::forbidden, "Only the event's organizer may see its audit log.");
  }
  return audit_page(AuditQuery{.event_id = std::string(event_id), .limit = limit}, cursor);
}

}  // namespace admit
