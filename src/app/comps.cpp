#include "app/comps.hpp"

#include <algorithm>
#include <set>

#include "app/registrations.hpp"

namespace admit {

Comps::Comps(EventStore& events, RegistrationStore& registrations, UserStore& users, TicketCodes& codes,
             Entropy& entropy, Clock const& clock, GuestOrders* guests)
    : events_(events),
      registrations_(registrations),
      users_(users),
      codes_(codes),
      entropy_(entropy),
      clock_(clock),
      guests_(guests) {}

Result<std::vector<RegistrationDetail>> Comps::issue(Principal const& who, std::string_view event_id,
                                                     CompRequest const& request, Actor const& actor) {
  auto event = events_.find_event(event_id);
  if (!event || !visible_to(*event, who.user_id)) return fail(Errc::not_found, "No event has this id.");
  if (event->organizer_id != who.user_id) return fail(Errc::forbidden, "Only the event's organizer may issue comps.");

  std::vector<FieldError> errors;
  auto recipients = request.attendees;
  if (recipients.empty()) errors.push_back({"attendees", "must name at least one person"});
  if (recipients.size() > kMaxRecipients) {
    errors.push_back({"attendees", "must name at most " + std::to_string(kMaxRecipients) + " people at once"});
  }
  std::set<std::string> addresses;
  for (std::size_t i = 0; i < recipients.size() && errors.empty(); ++i) {
    auto const path = "attendees[" + std::to_string(i) + "]";
    Attendee person{.name = std::move(recipients[i].name), .email = std::move(recipients[i].email)};
    auto found = check_holder(person, path);
    errors.insert(errors.end(), found.begin(), found.end());
    recipients[i] = {std::move(person.name), std::move(*person.email)};
    if (found.empty() && !addresses.insert(recipients[i].email).second) {
      errors.push_back({path + ".email", "is on the list twice"});
    }
  }
  // Written into a message: trimmed; its length is the whole check (every value is escaped in HTML).
  auto message = request.message;
  message.erase(0, message.find_first_not_of(" \t\r\n"));
  message.erase(message.find_last_not_of(" \t\r\n") + 1);
  if (message.size() > kMaxMessageLength) {
    errors.push_back({"message", "must be at most " + std::to_string(kMaxMessageLength) + " bytes"});
  }
  TicketType const* type = nullptr;
  if (request.ticket_type_id) {
    auto const it = std::ranges::find(event->ticket_types, *request.ticket_type_id, &TicketType::id);
    if (it == event->ticket_types.end()) {
      errors.push_back({"ticketTypeId", "is not a ticket type of this event"});
    } else {
      type = &*it;
    }
  } else if (!event->ticket_types.empty()) {
    auto const visible =
        std::ranges::find_if(event->ticket_types, [](TicketType const& t) { return !t.details.hidden; });
    type = visible != event->ticket_types.end() ? &*visible : &event->ticket_types.front();
  }
  if (!errors.empty()) return fail(Errc::invalid_input, "The comps are not acceptable.", std::move(errors));
  if (!type) return fail(Errc::conflict, "This event has no ticket type.");

  // Twice at most: a guest record made meanwhile under another id means signing again for it.
  for (int attempt = 0;; ++attempt) {
    auto const now = clock_.now();
    auto comps = prepare(*event, *type, recipients, now);
    for (auto& comp : comps) comp.comp_message = message;
    if (comps.empty())
      return fail(Errc::invalid_input, "The comps are not acceptable.",
                  {{"attendees", "only people with a verified account can be sent comps here"}});
    auto result = registrations_.issue_comps(event->id, type->id, std::move(comps), now, actor);
    switch (result.outcome) {
      case CompIssue::issued: return std::move(result.issued);
      case CompIssue::event_not_found: return fail(Errc::not_found, "No event has this id.");
      case CompIssue::event_closed:
        return fail(Errc::conflict, "This event is cancelled or has already started: no comps can be issued.");
      case CompIssue::sold_out:
        return fail(Errc::sold_out, "Only " + std::to_string(result.seats_left) + " seats are left for " +
                                        std::to_string(recipients.size()) + " comps; none was issued.");
      case CompIssue::buyer_changed:
        if (attempt == 0) continue;
        return fail(Errc::conflict,
                    "Another order of one of these addresses was placed at the same moment; try again.");
    }
    return fail(Errc::conflict, "The comps could not be issued.");
  }
}

std::vector<NewRegistration> Comps::prepare(Event const& event, TicketType const& type,
                                            std::vector<CompRecipient> const& recipients, Timestamp now) {
  std::vector<NewRegistration> comps;
  comps.reserve(recipients.size());
  for (auto const& person : recipients) {
    NewRegistration comp;
    auto const account = users_.find_user_by_email(person.email);
    if (account && account->email_verified_at && !account->erased_at) {
      comp.registration.user_id = account->id;
    } else {
      if (!guests_) return {};
      comp.guest = guests_->buyer_for(GuestBuyer{.id = {}, .name = person.name, .email = person.email});
      comp.link = guests_->new_link();
      comp.registration.user_id = comp.guest->id;
    }
    auto& reg = comp.registration;
    reg.id = entropy_.new_id();
    reg.event_id = event.id;
    reg.ticket_type_id = type.id;
    reg.quantity = 1;
    reg.status = RegistrationStatus::confirmed;
    reg.amount_minor = 0;
    reg.currency = event.details.currency;
    reg.registered_at = now;
    reg.updated_at = now;
    reg.source = RegistrationSource::comp;
    // A comp is given, not sold: its price is 0, so its list price and its discount are too.
    comp.items = {
        RegistrationItem{.ticket_type_id = type.id, .name = type.details.name, .quantity = 1, .unit_price_minor = 0}};
    comp.attendees = {Attendee{.name = person.name, .email = person.email}};
    comp.tickets = issue_tickets(reg, comp.items, comp.attendees, codes_, entropy_, now);
    comps.push_back(std::move(comp));
  }
  return comps;
}

}  // namespace admit
