#include "app/waitlist.hpp"

#include <algorithm>
#include <charconv>

namespace admit {

namespace {

/// The page after the entry with joining order `seq`.
std::string cursor_after(std::int64_t seq) {
  return std::to_string(seq);
}

std::optional<std::int64_t> decode_waitlist_cursor(std::string_view text) {
  std::int64_t seq = 0;
  auto const [end, ec] = std::from_chars(text.data(), text.data() + text.size(), seq);
  if (ec != std::errc{} || end != text.data() + text.size() || seq < 0) return std::nullopt;
  return seq;
}

}  // namespace

Waitlist::Waitlist(EventStore& events, WaitlistStore& store, QuestionStore& questions, UserStore& users,
                   TicketCodes& codes, Entropy& entropy, DownloadLinks& links, Clock const& clock,
                   TicketingSettings settings, GuestOrders* guests)
    : events_(events),
      store_(store),
      questions_(questions),
      users_(users),
      codes_(codes),
      entropy_(entropy),
      links_(links),
      clock_(clock),
      settings_(std::move(settings)),
      guests_(guests) {}

std::string Waitlist::token(std::string_view purpose, std::string_view entry_id) {
  // The download links' MAC over a text no ticket id can be (ids have no '\n').
  return std::string(entry_id) + "." +
         links_.signature("waitlist-" + std::string(purpose) + "\n" + std::string(entry_id), Timestamp{});
}

std::optional<std::string> Waitlist::entry_of(std::string_view purpose, std::string_view token) {
  auto const dot = token.find('.');
  if (dot == std::string_view::npos || dot == 0 || token.size() > 200) return std::nullopt;
  auto const id = token.substr(0, dot);
  if (!links_.verify("waitlist-" + std::string(purpose) + "\n" + std::string(id), Timestamp{}, token.substr(dot + 1))) {
    return std::nullopt;
  }
  return std::string(id);
}

WaitlistConfig Waitlist::store_config(std::chrono::seconds offer_for) {
  return WaitlistConfig{.offer_for = offer_for,
                        .token = [this](std::string_view purpose, std::string_view id) { return token(purpose, id); }};
}

Result<WaitlistEntry> Waitlist::join(Principal const& who, JoinWaitlistRequest request, Actor const& actor) {
  std::vector<FieldError> errors = check_quantity(request.quantity);
  WaitlistEntry entry{.id = entropy_.new_id(), .event_id = request.event_id};
  if (who.user_id.empty()) {
    if (!guests_) return fail(Errc::unauthenticated, "Sign in to join the waiting list.");
    GuestBuyer person{.id = {}, .name = request.name, .email = request.email};
    for (auto& e : check_buyer(person)) {
      errors.push_back({e.field.starts_with("buyer.") ? e.field.substr(6) : e.field, std::move(e.message)});
    }
    entry.name = person.name;
    entry.email = person.email;
  } else {
    auto const user = users_.find_user(who.user_id);
    if (!user) return fail(Errc::unauthenticated, "Sign in again.");
    entry.user_id = user->id;
    entry.name = user->name;
    entry.email = user->email;
  }
  if (!errors.empty()) return fail(Errc::invalid_input, "The request is not acceptable.", std::move(errors));
  auto const event = events_.find_event(request.event_id);
  if (!event || !visible_to(*event, who.user_id)) return fail(Errc::not_found, "No event has this id.");
  bool const sees_hidden = event->organizer_id == who.user_id && !who.user_id.empty();
  // A hidden type's line is for those who may see it: its organizer, or a buyer with a code
  // that unlocks it (found as an order finds it, failed attempts counted alike).
  auto entered =
      entered_code(promo_codes_, event->id, request.promo_code,
                   {.client = request.client_address, .exempt = request.client_exempt, .account = who.user_id});
  if (!entered) return std::unexpected(std::move(entered.error()));
  std::optional<PromoCode> code = std::move(*entered);
  auto const visible = [&](TicketType const& t) {
    return sees_hidden || !t.details.hidden || (code && code->details.unlocks(t.id));
  };
  auto const type = request.ticket_type_id
                        ? std::ranges::find(event->ticket_types, *request.ticket_type_id, &TicketType::id)
                        : std::ranges::find_if(event->ticket_types, visible);
  if (type == event->ticket_types.end() || !visible(*type)) {
    return fail(Errc::invalid_input, "The request is not acceptable.",
                {{"ticketTypeId", "is not a ticket type of this event"}});
  }
  entry.ticket_type_id = type->id;
  entry.quantity = static_cast<std::int32_t>(request.quantity);
  auto const joined = store_.join_waitlist(entry, clock_.now(), actor);
  switch (joined.outcome) {
    case WaitlistJoin::joined: return joined.entry;
    case WaitlistJoin::not_found: return fail(Errc::not_found, "No event has this id.");
    case WaitlistJoin::not_sold_out:
      return fail(Errc::not_sold_out, "What you ask for can be ordered now: order it instead.");
    case WaitlistJoin::already_waiting:
      return fail(Errc::already_waiting, "You are on this event's waiting list for this ticket type already.");
    case WaitlistJoin::closed: return fail(Errc::conflict, "This event is not on sale any more.");
  }
  return fail(Errc::conflict, "The waiting list could not be joined.");
}

Result<WaitlistEntry> Waitlist::confirm(std::string_view token, Actor const& actor) {
  auto const id = entry_of("confirm", token);
  if (!id) return fail(Errc::invalid_input, "The link is not valid.", {{"token", "is not a valid link"}});
  auto entry = store_.confirm_waitlist_entry(*id, clock_.now(), actor);
  if (!entry) return fail(Errc::conflict, "This place on the waiting list is no longer held.");
  return std::move(*entry);
}

Result<Event> Waitlist::organizer_event(Principal const& who, std::string_view event_id) {
  auto event = events_.find_event(event_id);
  if (!event || !visible_to(*event, who.user_id)) return fail(Errc::not_found, "No event has this id.");
  if (event->organizer_id != who.user_id) return fail(Errc::forbidden, "Only the event's organizer may see this.");
  return std::move(*event);
}

Result<WaitlistPage> Waitlist::list(Principal const& who, std::string_view event_id,
                                    std::optional<std::string> const& cursor, int limit) {
  auto event = organizer_event(who, event_id);
  if (!event) return std::unexpected(event.error());
  std::vector<FieldError> errors;
  auto const after = check_page_request(limit, cursor, decode_waitlist_cursor, errors);
  if (!errors.empty()) return fail(Errc::invalid_input, "The request is not acceptable.", std::move(errors));
  return WaitlistPage{.page = read_page(
                          limit, [&](int n) { return store_.list_waitlist(event_id, after.value_or(0), n); },
                          [](WaitlistEntry const& last) { return cursor_after(last.seq); }),
                      .paused = store_.waitlist_paused(event_id)};
}

Result<bool> Waitlist::set_paused(Principal const& who, std::string_view event_id, bool paused, Actor const& actor) {
  auto event = organizer_event(who, event_id);
  if (!event) return std::unexpected(event.error());
  if (!store_.set_waitlist_paused(event_id, paused, clock_.now(), actor)) {
    return fail(Errc::not_found, "No event has this id.");
  }
  return paused;
}

Result<std::vector<WaitlistEntry>> Waitlist::mine(Principal const& who) {
  if (who.user_id.empty()) return fail(Errc::unauthenticated, "Sign in to see your waiting lists.");
  return store_.list_user_waitlist(who.user_id);
}

bool Waitlist::owns(Principal const& who, WaitlistEntry const& entry) {
  if (who.user_id.empty()) return false;
  if (entry.user_id == who.user_id) return true;
  // A guest's entry whose address the account has proved.
  auto const user = users_.find_user(who.user_id);
  return entry.user_id.empty() && user && user->email_verified_at && user->email == entry.email;
}

Result<void> Waitlist::remove(Principal const& who, std::string_view event_id, std::string_view entry_id,
                              std::string_view offer_token, Actor const& actor) {
  auto const entry = store_.find_waitlist_entry(entry_id);
  auto const event = events_.find_event(event_id);
  if (!entry || entry->event_id != event_id || !event) return fail(Errc::not_found, "No such waiting-list entry.");
  bool const by_link = !offer_token.empty() && entry_of("offer", offer_token) == entry->id;
  bool const organizer = !who.user_id.empty() && event->organizer_id == who.user_id;
  if (!by_link && !organizer && !owns(who, *entry)) return fail(Errc::not_found, "No such waiting-list entry.");
  if (!store_.remove_waitlist_entry(event_id, entry_id, clock_.now(), actor)) {
    return fail(Errc::conflict, "This entry is no longer in line.");
  }
  return {};
}

Result<OfferView> Waitlist::offer(Principal const& who, std::string_view entry_id, std::string_view offer_token) {
  auto const entry = store_.find_waitlist_entry(entry_id);
  if (!entry) return fail(Errc::not_found, "No such offer.");
  bool const by_link = !offer_token.empty() && entry_of("offer", offer_token) == entry->id;
  if (!by_link && !owns(who, *entry)) return fail(Errc::not_found, "No such offer.");
  auto const event = events_.find_event(entry->event_id);
  if (!event) return fail(Errc::not_found, "No such offer.");
  OfferView view{.entry = *entry,
                 .event_name = event->details.name,
                 .ticket_type_name = {},
                 .unit_price_minor = 0,
                 .currency = event->details.currency};
  if (auto const type = std::ranges::find(event->ticket_types, entry->ticket_type_id, &TicketType::id);
      type != event->ticket_types.end()) {
    view.ticket_type_name = type->details.name;
    // A live offer is at the price its seats were held at.
    view.unit_price_minor =
        entry->status == WaitlistStatus::offered ? entry->offer_unit_price_minor : type->details.price_minor;
  }
  return view;
}

void Waitlist::claim(Principal const& who, RegisterRequest const& request, Actor const& actor,
                     Completion<Result<Registered>> done) {
  auto const not_available = [] {
    return fail(Errc::offer_not_available, "This offer is not available: it expired, was claimed, or never was.");
  };
  // By the offer's link, or by its owner signed in, naming the entry.
  std::optional<std::string> id;
  if (!request.waitlist_offer_token.empty()) {
    id = entry_of("offer", request.waitlist_offer_token);
    if (id && !request.waitlist_entry_id.empty() && *id != request.waitlist_entry_id) id.reset();
  } else if (!who.user_id.empty()) {
    id = request.waitlist_entry_id;
  }
  auto const entry = id ? store_.find_waitlist_entry(*id) : std::nullopt;
  if (!entry || entry->event_id != request.event_id || !entry->registration_id ||
      entry->status != WaitlistStatus::offered) {
    return done(not_available());
  }
  if (request.waitlist_offer_token.empty() && !owns(who, *entry)) return done(not_available());
  auto const event = events_.find_event(entry->event_id);
  if (!event) return done(not_available());
  // The offer's own hold says what is bought, at the price it was offered at.
  auto const type = std::ranges::find(event->ticket_types, entry->ticket_type_id, &TicketType::id);
  std::vector<RegistrationItem> items{{.ticket_type_id = entry->ticket_type_id,
                                       .name = type == event->ticket_types.end() ? "" : type->details.name,
                                       .quantity = entry->quantity,
                                       .unit_price_minor = entry->offer_unit_price_minor}};
  // The same code rules, refusals and failed-attempt count as an order's.
  auto entered =
      entered_code(promo_codes_, entry->event_id, request.promo_code,
                   {.client = request.client_address, .exempt = request.client_exempt, .account = who.user_id});
  if (!entered) return done(std::unexpected(std::move(entered.error())));
  std::optional<PromoCode> code = std::move(*entered);
  std::int64_t const discount =
      code ? discount_per_ticket(entry->offer_unit_price_minor, code->details, entry->ticket_type_id) : 0;
  items.front().discount_minor = discount;
  auto const answers = checked_answers(questions_.list_questions(entry->event_id), items, request);
  if (!answers) return done(std::unexpected(answers.error()));
  auto const now = clock_.now();
  bool const free = (entry->offer_unit_price_minor - discount) * entry->quantity == 0;
  OfferClaimRequest claim{
      .entry_id = entry->id,
      .claimant_user_id = who.user_id,
      .status = free ? RegistrationStatus::confirmed : RegistrationStatus::pending_payment,
      .hold_expires_at = free ? std::nullopt
                              : std::optional<Timestamp>(now + (event->details.hold_seconds
                                                                    ? std::chrono::seconds(*event->details.hold_seconds)
                                                                    : settings_.hold)),
      .tickets = {},
      .answers = answers->first,
      .attendees = answers->second,
      .link = {},
      .promo_code_id = code ? code->id : std::string(),
      .discount_per_ticket_minor = discount,
  };
  if (who.user_id.empty() && guests_) claim.link = guests_->new_link();
  if (free) {
    // The registration as the offer holds it: id, owner and event are the hold's.
    Registration held;
    held.id = *entry->registration_id;
    held.event_id = entry->event_id;
    held.ticket_type_id = entry->ticket_type_id;
    held.user_id = entry->buyer_id;  // the tickets sign the hold's owner
    held.quantity = entry->quantity;
    claim.tickets = issue_tickets(held, items, claim.attendees, codes_, entropy_, now);
    // A guest's tickets name the person who joined where no holder was given, as a guest
    // order's name its buyer (an account's get the account's name when read).
    if (entry->user_id.empty()) {
      for (auto& t : claim.tickets) {
        if (t.holder_name.empty()) t.holder_name = entry->name;
      }
    }
  }
  auto token = who.user_id.empty() ? claim.link.token : std::string();
  store_.claim_offer(
      std::move(claim), now, actor,
      [done = std::move(done), token = std::move(token)](Result<OfferClaimResult> claimed) {
        if (!claimed) return done(std::unexpected(std::move(claimed.error())));
        switch (claimed->outcome) {
          case OfferClaim::claimed: return done(Registered{std::move(claimed->detail), false, token});
          case OfferClaim::not_available: break;
          case OfferClaim::promo_invalid:
            return done(fail(Errc::invalid_input, "The order is not acceptable.",
                             {{"promoCode", "is not a valid code for this event"}}));
          case OfferClaim::promo_used_up:
            return done(fail(Errc::promo_used_up, "This promo code has been used as many times as it may be."));
          case OfferClaim::promo_changed:
            return done(fail(Errc::conflict, "The promo code changed while claiming; try again."));
        }
        done(fail(Errc::offer_not_available, "This offer is not available: it expired, was claimed, or never was."));
      });
}

}  // namespace admit
