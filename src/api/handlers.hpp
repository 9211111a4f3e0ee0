#pragma once

/// The handlers: each parses its request, calls one use case and serialises the outcome.

#include "api/http_types.hpp"
#include "api/router.hpp"
#include "app/accounts.hpp"
#include "app/administration.hpp"
#include "app/comps.hpp"
#include "app/confirmations.hpp"
#include "app/events.hpp"
#include "app/external_sign_in.hpp"
#include "app/payments.hpp"
#include "app/promo_codes.hpp"
#include "app/questions.hpp"
#include "app/registrations.hpp"
#include "app/staff.hpp"
#include "app/tickets.hpp"
#include "app/waitlist.hpp"

namespace admit::api {

Response sign_up(Accounts& accounts, Request& request);
Response log_in(Accounts& accounts, Request& request);
Response refresh_session(Accounts& accounts, Request& request);
Response log_out(Accounts& accounts, Request& request);
Response get_me(Accounts& accounts, Request& request);
Response forgot_password(Accounts& accounts, Request& request);
Response reset_password(Accounts& accounts, Request& request);
Response verify_email(Accounts& accounts, Request& request);
Response resend_verification(Accounts& accounts, Request& request);

/// External sign-in; `sign_in` is null when no provider is configured.
Response get_oidc_config(ExternalSignIn* sign_in, Request& request);
Response start_oidc_sign_in(ExternalSignIn* sign_in, Request& request);
Response finish_oidc_sign_in(ExternalSignIn* sign_in, Request& request);
Response exchange_oidc_code(ExternalSignIn* sign_in, Request& request);

Response create_event(Events& events, Request& request);
Response publish_event(Events& events, Request& request);
Response list_events(Events& events, Request& request);
Response list_my_events(Events& events, Request& request);
Response list_my_staff_events(Events& events, Request& request);
Response update_event(Events& events, Request& request);
Response cancel_event(Events& events, Request& request);
Response add_ticket_type(Events& events, Request& request);
Response update_ticket_type(Events& events, Request& request);
Response delete_ticket_type(Events& events, Request& request);

void register_attendee(Registrations& registrations, Request& request, Respond respond);
Response list_my_registrations(Registrations& registrations, Request& request);
Response get_registration(Registrations& registrations, Request& request);
Response cancel_registration(Registrations& registrations, Request& request);
Response issue_comps(Comps& comps, Request& request);
Response resend_confirmation(Confirmations& confirmations, Request& request);
Response list_event_registrations(Registrations& registrations, Request& request);
Response get_event_analytics(Registrations& registrations, Request& request);

Response create_promo_code(PromoCodes& codes, Request& request);
Response list_promo_codes(PromoCodes& codes, Request& request);
Response get_promo_code(PromoCodes& codes, Request& request);
Response update_promo_code(PromoCodes& codes, Request& request);
Response delete_promo_code(PromoCodes& codes, Request& request);
/// The event, with `?code=` the types that code unlocks and `promo`.
Response get_event(PromoCodes& codes, Request& request);

Response create_question(Questions& questions, Request& request);
Response list_questions(Questions& questions, Request& request);
Response update_question(Questions& questions, Request& request);
Response delete_question(Questions& questions, Request& request);

Response join_waitlist(Waitlist& waitlist, Request& request);
Response confirm_waitlist_entry(Waitlist& waitlist, Request& request);
Response list_waitlist(Waitlist& waitlist, Request& request);
Response pause_waitlist(Waitlist& waitlist, Request& request);
Response resume_waitlist(Waitlist& waitlist, Request& request);
Response list_my_waitlist(Waitlist& waitlist, Request& request);
Response leave_waitlist(Waitlist& waitlist, Request& request);
Response get_waitlist_offer(Waitlist& waitlist, Request& request);
Response invite_event_staff(Staff& staff, Request& request);
Response list_event_staff(Staff& staff, Request& request);
Response remove_event_staff(Staff& staff, Request& request);
Response list_my_staff_invitations(Staff& staff, Request& request);
Response accept_staff_invitation(Staff& staff, Request& request);
Response decline_staff_invitation(Staff& staff, Request& request);

Response get_ticket(Tickets& tickets, Request& request);
Response get_download_link(Tickets& tickets, Request& request);
Response get_ticket_pdf(Tickets& tickets, Request& request);
void validate_ticket(Tickets& tickets, Request& request, Respond respond);
Response get_scan_keys(Tickets& tickets, Request& request);
Response rotate_scan_key(Tickets& tickets, Request& request);

Response create_payment_intent(Payments& payments, Request& request);
Response get_checkout_setup(Payments& payments, Request& request);
void receive_webhook(Payments& payments, Request& request, Respond respond);
void confirm_sandbox_payment(Payments& payments, Request& request, Respond respond);

Response list_users(Administration& admin, Request& request);
Response change_user_roles(Administration& admin, Request& request);
Response disable_user(Administration& admin, Request& request);
Response enable_user(Administration& admin, Request& request);
Response erase_user(Administration& admin, Request& request);
Response erase_me(Administration& admin, Request& request);
Response erase_guest(Administration& admin, Request& request);
Response look_up_orders(Confirmations& confirmations, Request& request);
Response erase_guest_self(Administration& admin, Request& request);
Response list_audit(Administration& admin, Request& request);
Response list_event_audit(Administration& admin, Request& request);

/// RFC 4180 CSV of an event's registrations, with spreadsheet formulas neutralised.
/// The organizer's CSV: the fixed columns, then one per per-order question (headed by its label).
std::string registrations_csv(std::vector<RegistrationRow> const& rows, std::vector<Question> const& questions = {});
/// The ticket-per-row CSV (`rows=tickets`): the ticket and its holder, then one column per
/// per-ticket question.
std::string tickets_csv(std::vector<TicketRow> const& rows, std::vector<Question> const& questions);

}  // namespace admit::api
