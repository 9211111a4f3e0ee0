#include "api/handlers.hpp"
#include "api/json_input.hpp"
#include "api/json_mapping.hpp"
#include "api/problem.hpp"
#include "api/query.hpp"

namespace admit::api {
namespace {

void write_text_or_null(JsonWriter& w, std::string_view name, std::string const& text) {
  w.key(name);
  if (text.empty()) {
    w.null();
  } else {
    w.value(text);
  }
}

/// An account as the admin console shows it: the person's view plus its state.
void write_account(JsonWriter& w, User const& user) {
  w.begin_object();
  write_user_fields(w, user);
  w.field("disabled", user.disabled());
  w.key("disabledAt");
  write_time(w, user.disabled_at);
  w.end_object();
}

void write_audit_entry(JsonWriter& w, AuditEntry const& e) {
  w.begin_object();
  w.field("at", format_rfc3339(e.at));
  write_text_or_null(w, "actorId", e.actor_id);
  write_text_or_null(w, "actorName", e.actor_id.empty() ? std::string() : e.actor_name);
  w.field("action", e.action);
  w.key("subject").begin_object();
  w.field("type", e.subject_type);
  w.field("id", e.subject_id);
  w.end_object();
  write_text_or_null(w, "eventId", e.event_id);
  write_text_or_null(w, "requestId", e.request_id);
  write_text_or_null(w, "details", e.detail);
  w.end_object();
}

Response account_response(Result<User> const& user) {
  if (!user) return problem(user.error());
  JsonWriter w;
  write_account(w, *user);
  return json_response(200, w.take());
}

Response audit_response(Result<Page<AuditEntry>> const& page) {
  if (!page) return problem(page.error());
  JsonWriter w;
  write_page(w, *page, write_audit_entry);
  return json_response(200, w.take()).with_header("Cache-Control", "no-store");
}

/// The roles a body names in `field`; an unknown name is an error naming its place.
std::vector<Role> roles_in(JsonInput& input, std::string_view field, std::vector<FieldError>& errors) {
  std::vector<Role> roles;
  auto const names = input.strings(field, 3);
  if (!names) return roles;
  roles.reserve(names->size());
  for (std::size_t i = 0; i < names->size(); ++i) {
    auto const role = parse_role((*names)[i]);
    if (!role) {
      errors.push_back({std::string(field) + "[" + std::to_string(i) + "]", "must be attendee, organizer or admin"});
      continue;
    }
    roles.push_back(*role);
  }
  return roles;
}

}  // namespace

Response list_users(Administration& admin, Request& request) {
  auto query = ListingQuery::parse(request.query, {"q"});
  if (!query) return std::move(query.error());
  if (auto bad = query->problem()) return std::move(*bad);
  auto page = admin.list_users(*request.principal, query->text("q").value_or(""), query->cursor(), query->limit());
  if (!page) return problem(page.error());
  JsonWriter w;
  write_page(w, *page, write_account);
  return json_response(200, w.take()).with_header("Cache-Control", "no-store");
}

Response change_user_roles(Administration& admin, Request& request) {
  auto input = JsonInput::parse(request);
  if (!input) return std::move(input.error());
  input->allow_only({"grant", "revoke"});
  std::vector<FieldError> errors;
  auto const grant = roles_in(*input, "grant", errors);
  auto const revoke = roles_in(*input, "revoke", errors);
  if (auto bad = input->errors()) return std::move(*bad);
  if (!errors.empty()) return problem(Error{Errc::invalid_input, "The roles are not acceptable.", std::move(errors)});
  if (grant.empty() && revoke.empty()) {
    return problem(Error{Errc::invalid_input, "Name a role to grant or revoke.", {{"grant", "or revoke is required"}}});
  }
  return account_response(admin.change_roles(*request.principal, request.param("id"), grant, revoke, request.actor()));
}

Response disable_user(Administration& admin, Request& request) {
  return account_response(admin.disable(*request.principal, request.param("id"), request.actor()));
}

Response enable_user(Administration& admin, Request& request) {
  return account_response(admin.enable(*request.principal, request.param("id"), request.actor()));
}

namespace {

/// What an erasure did to the person's orders, and its response.
Response erased_orders_response(JsonWriter& w, ErasedOrders const& erased) {
  w.key("cancelledRegistrations").begin_array();
  for (auto const& id : erased.cancelled) w.value(id);
  w.end_array();
  w.key("refundedRegistrations").begin_array();
  for (auto const& id : erased.refunds_due) w.value(id);
  w.end_array();
  w.end_object();
  return json_response(200, w.take()).with_header("Cache-Control", "no-store");
}

/// What an erasure answers: the account as it is left, and what was done to its orders.
Response erasure_response(Result<Erasure> const& erased) {
  if (!erased) return problem(erased.error());
  JsonWriter w;
  w.begin_object();
  w.key("user");
  write_account(w, erased->user);
  w.field("erasedAt", format_rfc3339(erased->user.erased_at.value_or(Timestamp{})));
  return erased_orders_response(w, *erased);
}

/// What a guest buyer's erasure answers: the record erased, and what was done to its orders.
Response guest_erasure_response(Result<GuestErasure> const& erased) {
  if (!erased) return problem(erased.error());
  JsonWriter w;
  w.begin_object();
  w.field("guestId", erased->guest_id);
  w.field("erasedAt", format_rfc3339(erased->erased_at));
  return erased_orders_response(w, *erased);
}

}  // namespace

Response erase_user(Administration& admin, Request& request) {
  return erasure_response(admin.erase(*request.principal, request.param("id"), request.actor()));
}

Response erase_me(Administration& admin, Request& request) {
  std::string password;
  if (!request.body.empty()) {
    auto input = JsonInput::parse(request);
    if (!input) return std::move(input.error());
    input->allow_only({"password"});
    auto given = input->string("password");
    if (auto bad = input->errors()) return std::move(*bad);
    password = given.value_or("");
  }
  return erasure_response(admin.erase_self(*request.principal, password, request.actor()));
}

Response erase_guest(Administration& admin, Request& request) {
  auto input = JsonInput::parse(request);
  if (!input) return std::move(input.error());
  input->allow_only({"email"});
  auto email = input->string("email", true);
  if (auto bad = input->errors()) return std::move(*bad);
  return guest_erasure_response(admin.erase_guest(*request.principal, *email, request.actor()));
}

Response erase_guest_self(Administration& admin, Request& request) {
  return guest_erasure_response(admin.erase_guest_self(*request.principal, request.actor()));
}

Response list_audit(Administration& admin, Request& request) {
  auto query = ListingQuery::parse(request.query, {"eventId", "actorId", "action", "from", "to"});
  if (!query) return std::move(query.error());
  AuditFilter filter{.event_id = query->text("eventId"),
                     .actor_id = query->text("actorId"),
                     .action = query->text("action"),
                     .from = query->time("from"),
                     .to = query->time("to")};
  if (auto bad = query->problem()) return std::move(*bad);
  return audit_response(admin.list_audit(*request.principal, filter, query->cursor(), query->limit()));
}

Response list_event_audit(Administration& admin, Request& request) {
  auto query = ListingQuery::parse(request.query);
  if (!query) return std::move(query.error());
  if (auto bad = query->problem()) return std::move(*bad);
  return audit_response(admin.event_audit(*request.principal, request.param("id"), query->cursor(), query->limit()));
}

}  // namespace admit::api
