#include "api/routes.hpp"

#include "api/handlers.hpp"
#include "api/problem.hpp"
#include "base/trace.hpp"

namespace admit::api {
namespace {

/// A handler that runs under a span of its own, a child of the request's, named after the use
/// case it calls (handlers are named after their use case: parse, call it, serialize). Spans
/// started inside (the database's) are its children.
template <class Fn, class UseCase>
Handler traced(std::string_view name, Fn fn, UseCase& use_case) {
  return [name, fn, &use_case](Request& r) {
    trace::Span span(r.trace, name);
    if (!span.recording()) return fn(use_case, r);
    trace::Scope const scope(span.context());
    auto response = fn(use_case, r);
    if (response.status >= 500) span.set_status(trace::StatusCode::error);
    return response;
  };
}

/// The same for a use case that answers later: its span ends when it answers.
template <class Fn, class UseCase>
AsyncHandler traced_async(std::string_view name, Fn fn, UseCase& use_case) {
  return [name, fn, &use_case](Request& r, Respond respond) {
    trace::Span span(r.trace, name);
    if (!span.recording()) return fn(use_case, r, std::move(respond));
    trace::Scope const scope(span.context());
    auto running = std::make_shared<trace::Span>(std::move(span));
    fn(use_case, r, [running, respond = std::move(respond)](Response response) {
      if (response.status >= 500) running->set_status(trace::StatusCode::error);
      running->end();
      respond(std::move(response));
    });
  };
}

}  // namespace

// The route table names each handler once; these give its span the handler's name.
#define on(handler, use_case) traced(#handler, handler, use_case)
#define later(handler, use_case) traced_async(#handler, handler, use_case)

std::vector<Route> make_routes(Services const& s) {
  using enum Access;
  using enum Execution;
  auto& accounts = s.accounts;
  auto& events = s.events;
  auto& registrations = s.registrations;
  auto& comps = s.comps;
  auto& confirmations = s.confirmations;
  auto& tickets = s.tickets;
  auto& payments = s.payments;
  auto& staff = s.staff;
  auto& questions = s.questions;
  auto& promo_codes = s.promo_codes;
  auto& console = s.admin;
  auto& waitlist = s.waitlist;

  // clang-format off
  return {
    // method    pattern                    access     runs on      rate limit          handler
    {"GET",    "/healthz",                 anyone,    inline_io,   RateClass::none,    [](Request&) { return json_response(200, R"({"status":"ok"})"); }},
    {"GET",    "/readyz",                  anyone,    inline_io,   RateClass::none,    [ready = s.ready](Request&) {
        return ready() ? json_response(200, R"({"status":"ready"})")
                       : problem(503, "unavailable", "Not ready", "The database does not answer."); }},
    {"GET",    "/metrics",                 anyone,    inline_io,   RateClass::none,    [metrics = s.metrics](Request&) {
        return Response{.status = 200, .content_type = "text/plain; version=0.0.4; charset=utf-8", .body = metrics(), .headers = {}}; }},
    {"GET",    "/api/openapi.json",        anyone,    inline_io,   RateClass::general, [](Request&) {
        return json_response(200, std::string(openapi_document())).with_header("Cache-Control", "public, max-age=300"); }},
    {"GET",    "/.well-known/jwks.json",   anyone,    inline_io,   RateClass::general, [jwks = s.jwks_json](Request&) {
        return json_response(200, jwks()).with_header("Cache-Control", "public, max-age=300"); }},

    {"POST",   "/api/auth/signup",         anyone,    worker_pool, RateClass::auth,    on(sign_up, accounts)},
    {"POST",   "/api/auth/login",          anyone,    worker_pool, RateClass::auth,    on(log_in, accounts)},
    {"POST",   "/api/auth/refresh",        anyone,    worker_pool, RateClass::auth,    on(refresh_session, accounts)},
    {"POST",   "/api/auth/logout",         user,      worker_pool, RateClass::auth,    on(log_out, accounts)},
    {"POST",   "/api/auth/password/forgot", anyone,   blocking,    RateClass::auth,    on(forgot_password, accounts)},
    {"POST",   "/api/auth/password/reset", anyone,    worker_pool, RateClass::auth,    on(reset_password, accounts)},
    {"POST",   "/api/auth/verify-email",   anyone,    blocking,    RateClass::auth,    on(verify_email, accounts)},
    {"POST",   "/api/auth/verify-email/resend", user, blocking,    RateClass::auth,    on(resend_verification, accounts)},
    {"GET",    "/api/auth/oidc/config",    anyone,    inline_io,   RateClass::general, [sign_in = s.external_sign_in](Request& r) { return get_oidc_config(sign_in, r); }},
    {"GET",    "/api/auth/oidc/start",     anyone,    blocking,    RateClass::auth,    [sign_in = s.external_sign_in](Request& r) { return start_oidc_sign_in(sign_in, r); }},
    {"GET",    "/api/auth/oidc/callback",  anyone,    blocking,    RateClass::auth,    [sign_in = s.external_sign_in](Request& r) { return finish_oidc_sign_in(sign_in, r); }},
    {"POST",   "/api/auth/oidc/exchange",  anyone,    blocking,    RateClass::auth,    [sign_in = s.external_sign_in](Request& r) { return exchange_oidc_code(sign_in, r); }},
    {"GET",    "/api/me",                  user,      inline_io,   RateClass::general, on(get_me, accounts)},
    {"DELETE", "/api/me",                  user,      worker_pool, RateClass::auth,    on(erase_me, console)},
    {"GET",    "/api/me/events",           organizer, inline_io,   RateClass::general, on(list_my_events, events)},
    {"GET",    "/api/me/staff-events",     user,      inline_io,   RateClass::general, on(list_my_staff_events, events)},
    {"GET",    "/api/me/staff-invitations", user,     inline_io,   RateClass::general, on(list_my_staff_invitations, staff)},
    {"POST",   "/api/staff-invitations/{invitationId}/accept", user, blocking, RateClass::general, on(accept_staff_invitation, staff)},
    {"POST",   "/api/staff-invitations/{invitationId}/decline", user, blocking, RateClass::general, on(decline_staff_invitation, staff)},

    {"POST",   "/api/events",              organizer, blocking, RateClass::general, on(create_event, events)},
    {"GET",    "/api/events",              anyone,    inline_io,   RateClass::general, on(list_events, events)},
    {"GET",    "/api/events/{id}",         viewer,    inline_io,   RateClass::general, on(get_event, promo_codes)},
    {"PUT",    "/api/events/{id}",         organizer, blocking, RateClass::general, on(update_event, events)},
    {"DELETE", "/api/events/{id}",         organizer, blocking, RateClass::general, on(cancel_event, events)},
    {"POST",   "/api/events/{id}/publish", organizer, blocking, RateClass::general, on(publish_event, events)},
    {"POST",   "/api/events/{id}/ticket-types", organizer, blocking, RateClass::general, on(add_ticket_type, events)},
    {"PUT",    "/api/events/{id}/ticket-types/{typeId}", organizer, blocking, RateClass::general, on(update_ticket_type, events)},
    {"DELETE", "/api/events/{id}/ticket-types/{typeId}", organizer, blocking, RateClass::general, on(delete_ticket_type, events)},
    {"GET",    "/api/events/{id}/registrations", organizer, inline_io, RateClass::general, on(list_event_registrations, registrations)},
    {"GET",    "/api/events/{id}/analytics", organizer, inline_io,  RateClass::general, on(get_event_analytics, registrations)},
    {"POST",   "/api/events/{id}/comps",   organizer, blocking, RateClass::general, on(issue_comps, comps)},
    {"POST",   "/api/events/{id}/promo-codes", organizer, blocking, RateClass::general, on(create_promo_code, promo_codes)},
    {"GET",    "/api/events/{id}/promo-codes", organizer, inline_io, RateClass::general, on(list_promo_codes, promo_codes)},
    {"GET",    "/api/events/{id}/promo-codes/{promoCodeId}", organizer, inline_io, RateClass::general, on(get_promo_code, promo_codes)},
    {"PUT",    "/api/events/{id}/promo-codes/{promoCodeId}", organizer, blocking, RateClass::general, on(update_promo_code, promo_codes)},
    {"DELETE", "/api/events/{id}/promo-codes/{promoCodeId}", organizer, blocking, RateClass::general, on(delete_promo_code, promo_codes)},
    {"POST",   "/api/events/{id}/questions", organizer, blocking, RateClass::general, on(create_question, questions)},
    {"GET",    "/api/events/{id}/questions", viewer,  inline_io,   RateClass::general, on(list_questions, questions)},
    {"PUT",    "/api/events/{id}/questions/{questionId}", organizer, blocking, RateClass::general, on(update_question, questions)},
    {"DELETE", "/api/events/{id}/questions/{questionId}", organizer, blocking, RateClass::general, on(delete_question, questions)},
    {"POST",   "/api/events/{id}/staff",   organizer, blocking, RateClass::general, on(invite_event_staff, staff)},
    {"GET",    "/api/events/{id}/staff",   organizer, inline_io,   RateClass::general, on(list_event_staff, staff)},
    {"DELETE", "/api/events/{id}/staff/{invitationId}", organizer, blocking, RateClass::general, on(remove_event_staff, staff)},
    {"GET",    "/api/events/{id}/scan-keys", user,    inline_io,   RateClass::general, on(get_scan_keys, tickets)},
    {"POST",   "/api/events/{id}/scan-keys/rotate", organizer, blocking, RateClass::general, on(rotate_scan_key, tickets)},
    {"GET",    "/api/events/{id}/audit",   user,      inline_io,   RateClass::general, on(list_event_audit, console)},
    {"POST",   "/api/events/{id}/waitlist", viewer,   blocking,    RateClass::general, on(join_waitlist, waitlist)},
    {"GET",    "/api/events/{id}/waitlist", organizer, inline_io,  RateClass::general, on(list_waitlist, waitlist)},
    {"POST",   "/api/events/{id}/waitlist/pause", organizer, blocking, RateClass::general, on(pause_waitlist, waitlist)},
    {"POST",   "/api/events/{id}/waitlist/resume", organizer, blocking, RateClass::general, on(resume_waitlist, waitlist)},
    {"DELETE", "/api/events/{id}/waitlist/{entryId}", viewer, blocking, RateClass::general, on(leave_waitlist, waitlist)},
    {"POST",   "/api/waitlist/confirm",    anyone,    blocking,    RateClass::auth,    on(confirm_waitlist_entry, waitlist)},
    {"GET",    "/api/waitlist/offers/{entryId}", viewer, inline_io, RateClass::general, on(get_waitlist_offer, waitlist)},
    {"GET",    "/api/me/waitlist",         user,      inline_io,   RateClass::general, on(list_my_waitlist, waitlist)},

    {"POST",   "/api/registrations",       viewer,    inline_io,   RateClass::general, nullptr, later(register_attendee, registrations)},
    {"GET",    "/api/registrations",       user,      inline_io,   RateClass::general, on(list_my_registrations, registrations)},
    {"GET",    "/api/registrations/{id}",  buyer,     inline_io,   RateClass::general, on(get_registration, registrations)},
    {"POST",   "/api/registrations/{id}/cancel", buyer, blocking, RateClass::general, on(cancel_registration, registrations)},
    {"POST",   "/api/registrations/{id}/resend", buyer, blocking, RateClass::general, on(resend_confirmation, confirmations)},
    {"POST",   "/api/orders/lookup",       anyone,    blocking,    RateClass::auth,    on(look_up_orders, confirmations)},
    {"POST",   "/api/guest/erase",         buyer,     blocking,    RateClass::general, on(erase_guest_self, console)},

    {"GET",    "/api/tickets/{id}",        buyer,     inline_io,   RateClass::general, on(get_ticket, tickets)},
    {"GET",    "/api/tickets/{id}/download", buyer,   inline_io,   RateClass::general, on(get_download_link, tickets)},
    {"GET",    "/api/tickets/{id}/pdf",    anyone,    worker_pool, RateClass::general, on(get_ticket_pdf, tickets)},
    {"POST",   "/api/tickets/validate",    user,      inline_io,   RateClass::general, nullptr, later(validate_ticket, tickets)},

    {"GET",    "/api/payments/config",     anyone,    inline_io,   RateClass::general, on(get_checkout_setup, payments)},
    {"POST",   "/api/payments/create-intent", buyer,  blocking, RateClass::general, on(create_payment_intent, payments)},
    {"POST",   "/api/payments/webhook",    anyone,    inline_io,   RateClass::none,    nullptr, later(receive_webhook, payments)},
    {"POST",   "/api/payments/sandbox/confirm", buyer, inline_io,   RateClass::general, nullptr, later(confirm_sandbox_payment, payments)},

    {"GET",    "/api/admin/users",         Access::admin, inline_io, RateClass::general, on(list_users, console)},
    {"POST",   "/api/admin/users/{id}/roles", Access::admin, blocking, RateClass::general, on(change_user_roles, console)},
    {"POST",   "/api/admin/users/{id}/disable", Access::admin, blocking, RateClass::general, on(disable_user, console)},
    {"POST",   "/api/admin/users/{id}/enable", Access::admin, blocking, RateClass::general, on(enable_user, console)},
    {"POST",   "/api/admin/users/{id}/erase", Access::admin, blocking, RateClass::general, on(erase_user, console)},
    {"POST",   "/api/admin/guests/erase",  Access::admin, blocking, RateClass::general, on(erase_guest, console)},
    {"GET",    "/api/admin/audit",         Access::admin, inline_io, RateClass::general, on(list_audit, console)},
  };
  // clang-format on
}

#undef on
#undef later

}  // namespace admit::api
