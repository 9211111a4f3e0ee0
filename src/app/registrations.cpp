#include "app/registrations.hpp"

#include <date/tz.h>
#include <algorithm>
#include <charconv>
#include <map>

#include "base/encoding.hpp"

namespace admit {
namespace {

/// The cursor that resumes a registration listing after `last`.
std::string cursor_after(Registration const& last) {
  return encode_registration_cursor({last.registered_at, last.id});
}

}  // namespace

Registrations::Registrations(EventStore& events, RegistrationStore& registrations, QuestionStore& questions,
                             TicketCodes& codes, Entropy& entropy, Clock const& clock, TicketingSettings settings,
                             GuestOrders* guests)
    : events_(events),
      registrations_(registrations),
      questions_(questions),
      codes_(codes),
      entropy_(entropy),
      clock_(clock),
      settings_(std::move(settings)),
      guests_(guests),
      guest_quota_(settings_.guest_orders_per_hour, std::chrono::hours(1)) {}

std::optional<Registrations::EventOnSale> Registrations::recent_event(std::string const& id, bool fresh) {
  constexpr auto kFreshFor = std::chrono::seconds(1);
  auto const now = std::chrono::steady_clock::now();
  if (!fresh) {
    std::lock_guard lock(cache_mutex_);
    if (auto it = cache_.find(id); it != cache_.end() && now - it->second.read_at < kFreshFor) return it->second.sale;
  }
  auto event = events_.find_event(id);
  if (!event) return std::nullopt;
  EventOnSale sale{std::move(*event), questions_.list_questions(id)};
  std::lock_guard lock(cache_mutex_);
  if (cache_.size() > 10'000) cache_.clear();
  cache_.insert_or_assign(id, CachedEvent{sale, now});
  return sale;
}

void Registrations::register_attendee(Principal const& who, RegisterRequest const& request, Actor const& actor,
                                      Completion<Result<Registered>> done) {
  if (!request.waitlist_offer_token.empty() || !request.waitlist_entry_id.empty()) {
    if (!offer_claims_) return done(fail(Errc::offer_not_available, "Waiting-list offers are not served here."));
    return offer_claims_(who, request, actor, std::move(done));
  }
  std::vector<FieldError> errors;
  if (request.items.empty()) {
    errors = check_quantity(request.quantity);
  } else {
    std::int64_t seats = 0;
    for (std::size_t i = 0; i < request.items.size(); ++i) {
      auto const path = "items[" + std::to_string(i) + "].";
      for (auto& e : check_quantity(request.items[i].quantity))
        errors.push_back({path + e.field, std::move(e.message)});
      for (std::size_t j = 0; j < i; ++j) {
        if (request.items[j].ticket_type_id == request.items[i].ticket_type_id) {
          errors.push_back({path + "ticketTypeId", "names the same ticket type as items[" + std::to_string(j) + "]"});
          break;
        }
      }
      seats += request.items[i].quantity;
    }
    if (errors.empty() && seats > kMaxQuantityPerOrder) {
      errors.push_back({"items", "must ask for at most " + std::to_string(kMaxQuantityPerOrder) + " seats in all"});
    }
  }
  if (request.guest) {
    if (!guests_) return done(fail(Errc::unauthenticated, "Sign in to order."));
    auto buyer = *request.guest;
    for (auto& e : check_buyer(buyer)) errors.push_back(std::move(e));
  }
  if (!errors.empty()) return done(fail(Errc::invalid_input, "The order is not acceptable.", std::move(errors)));
  if (!request.guest) return place(who, request, actor, false, std::move(done));
  // Every well-formed guest order counts against its client address, placed or not: a bot
  // probing for seats spends its allowance as fast as one buying them.
  if (!request.client_exempt) {
    if (auto const wait = guest_quota_.wait(request.client_address)) {
      Error error{Errc::too_many_requests, "Too many orders without an account come from your network; try again in " +
                                               std::to_string(wait->count()) + " seconds, or sign in."};
      error.retry_after = *wait;
      return done(std::unexpected(std::move(error)));
    }
    guest_quota_.take(request.client_address);
  }
  RegisterRequest guest_order = request;
  (void)check_buyer(*guest_order.guest);  // trimmed and normalised as checked above
  place(Principal{}, guest_order, actor, false, std::move(done));
}

namespace {

/// The order's items at the prices of the event as read (`event.ticket_types`), or the 400 naming
/// the item that is not acceptable: a type the buyer may not order, a quantity outside the
/// type's limits, an amount larger than one payment may be. The old form (no items) orders
/// `request.quantity` of the first visible type.
Result<std::vector<RegistrationItem>> priced_items(Event const& event, RegisterRequest const& request, bool sees_hidden,
                                                   PromoCodeDraft const* code) {
  auto visible = [&](TicketType const& t) { return sees_hidden || !t.details.hidden || (code && code->unlocks(t.id)); };
  std::vector<RegistrationItem> items;
  std::vector<FieldError> errors;
  if (request.items.empty()) {
    auto const first = std::ranges::find_if(event.ticket_types, visible);
    if (first == event.ticket_types.end()) {
      return fail(Errc::invalid_input, "The order is not acceptable.", {{"eventId", "has no ticket type on sale"}});
    }
    items.push_back(
        {first->id, first->details.name, static_cast<std::int32_t>(request.quantity), first->details.price_minor});
  } else {
    for (auto const& asked : request.items) {
      auto const path = "items[" + std::to_string(items.size()) + "].";
      auto const type = std::ranges::find(event.ticket_types, asked.ticket_type_id, &TicketType::id);
      if (type == event.ticket_types.end() || !visible(*type)) {
        errors.push_back({path + "ticketTypeId", "is not a ticket type of this event"});
      }
      items.push_back({asked.ticket_type_id, type == event.ticket_types.end() ? "" : type->details.name,
                       static_cast<std::int32_t>(asked.quantity),
                       type == event.ticket_types.end() ? 0 : type->details.price_minor});
    }
  }
  std::int64_t amount = 0;
  for (std::size_t i = 0; i < items.size(); ++i) {
    auto const type = std::ranges::find(event.ticket_types, items[i].ticket_type_id, &TicketType::id);
    if (type == event.ticket_types.end()) continue;
    auto const& d = type->details;
    if (items[i].quantity < d.min_per_order || items[i].quantity > d.max_per_order) {
      errors.push_back({request.items.empty() ? "quantity" : "items[" + std::to_string(i) + "].quantity",
                        "must be between " + std::to_string(d.min_per_order) + " and " +
                            std::to_string(d.max_per_order) + " for " + d.name});
    }
    if (code) items[i].discount_minor = discount_per_ticket(d.price_minor, *code, type->id);
    amount += items[i].discounted_unit_price_minor() * items[i].quantity;
  }
  if (errors.empty() && amount > EventDraft::kMaxOrderAmountMinor) {
    errors.push_back({"items", "add up to more than one payment may be (99999999 minor units)"});
  }
  if (!errors.empty()) return fail(Errc::invalid_input, "The order is not acceptable.", std::move(errors));
  return items;
}

}  // namespace

/// The order's answers and attendees checked against the event's questions and returned in
/// canonical form, or the 400 naming every field that is not acceptable. Seat i's ticket type
/// is found by walking the items, each item's seats in turn, as the tickets are issued. With no
/// attendees, per-ticket questions are still asked of every seat, so a required one is missing.
Result<std::pair<Answers, std::vector<Attendee>>> checked_answers(std::vector<Question> const& questions,
                                                                  std::vector<RegistrationItem> const& items,
                                                                  RegisterRequest const& request) {
  std::int32_t seats = 0;
  for (auto const& item : items) seats += item.quantity;
  std::vector<FieldError> errors;
  std::vector<Attendee> attendees = request.attendees.value_or(std::vector<Attendee>{});
  if (request.attendees && std::cmp_not_equal(attendees.size(), seats)) {
    return fail(Errc::invalid_input, "The order is not acceptable.",
                {{"attendees", "must name one attendee per ticket (" + std::to_string(seats) + ")"}});
  }
  Answers order_answers;
  if (questions.empty() && request.answers.empty()) {
    // The common case: nothing asked, nothing answered; only the holders' own rules apply.
  } else {
    AnswerSheet sheet{.scope = QuestionScope::order, .ticket_type_ids = {}, .path = "answers"};
    for (auto const& item : items) sheet.ticket_type_ids.push_back(item.ticket_type_id);
    auto checked = check_answers(questions, sheet, request.answers);
    if (checked) {
      order_answers = std::move(*checked);
    } else {
      for (auto& e : checked.error().fields) errors.push_back(std::move(e));
    }
  }
  std::size_t seat = 0;
  for (auto const& item : items) {
    for (std::int32_t k = 0; k < item.quantity; ++k, ++seat) {
      auto const path = "attendees[" + std::to_string(seat) + "]";
      Attendee* attendee = request.attendees ? &attendees[seat] : nullptr;
      if (attendee) {
        for (auto& e : check_holder(*attendee, path)) errors.push_back(std::move(e));
      }
      if (questions.empty() && (!attendee || attendee->answers.empty())) continue;
      AnswerSheet const sheet{
          .scope = QuestionScope::ticket, .ticket_type_ids = {item.ticket_type_id}, .path = path + ".answers"};
      auto checked = check_answers(questions, sheet, attendee ? attendee->answers : Answers{});
      if (!checked) {
        for (auto& e : checked.error().fields) errors.push_back(std::move(e));
      } else if (attendee) {
        attendee->answers = std::move(*checked);
      }
    }
  }
  if (!errors.empty()) return fail(Errc::invalid_input, "The order is not acceptable.", std::move(errors));
  return std::pair{std::move(order_answers), std::move(attendees)};
}

namespace {

/// The field an item-level refusal names: the item's, or the old form's.
std::string item_field(RegisterRequest const& request, std::optional<std::size_t> item, std::string_view field) {
  if (request.items.empty()) return field == "quantity" ? "quantity" : "eventId";
  return "items[" + std::to_string(item.value_or(0)) + "]." + std::string(field);
}

}  // namespace

// Recursion of one step at most: a call that read a cached event may try once more with
// fresh = true, and every such call is guarded by !fresh.
// NOLINTNEXTLINE(misc-no-recursion)
void Registrations::place(Principal const& who, RegisterRequest const& request, Actor const& actor, bool fresh,
                          Completion<Result<Registered>> done) {
  auto const sale = recent_event(request.event_id, fresh);
  auto const* event = sale ? &sale->event : nullptr;
  if (event && event->status == EventStatus::draft) {
    // Published a moment ago? The copy read may be a second old.
    if (!fresh) return place(who, request, actor, true, std::move(done));
    if (!visible_to(*event, who.user_id)) return done(fail(Errc::not_found, "No event has this id."));
    return done(fail(Errc::conflict, "This event is a draft: publish it to put it on sale."));
  }
  if (!event) return done(fail(Errc::not_found, "No event has this id."));

  bool const sees_hidden = event->organizer_id == who.user_id;
  auto entered =
      entered_code(promo_codes_, event->id, request.promo_code,
                   {.client = request.client_address, .exempt = request.client_exempt, .account = who.user_id});
  if (!entered) return done(std::unexpected(std::move(entered.error())));
  std::optional<PromoCode> code = std::move(*entered);
  auto items = priced_items(*event, request, sees_hidden, code ? &code->details : nullptr);
  if (!items) {
    // A type made a moment ago may be missing from the cached event: once more with what is stored.
    if (!fresh) return place(who, request, actor, true, std::move(done));
    return done(std::unexpected(std::move(items.error())));
  }
  auto answers = checked_answers(sale->questions, *items, request);
  if (!answers) {
    // A question added or changed a moment ago may differ from the cached copy.
    if (!fresh) return place(who, request, actor, true, std::move(done));
    return done(std::unexpected(std::move(answers.error())));
  }
  auto const now = clock_.now();
  std::int32_t quantity = 0;
  std::int64_t amount = 0;
  std::int64_t discount = 0;
  std::string request_hash = event->id;
  for (auto const& item : *items) {
    quantity += item.quantity;
    amount += item.discounted_unit_price_minor() * item.quantity;
    discount += item.discount_minor * item.quantity;
    // The old form's hash stays what it was, so its replays still match.
    request_hash += request.items.empty() ? "|" + std::to_string(item.quantity)
                                          : "|" + item.ticket_type_id + ":" + std::to_string(item.quantity);
  }
  // Holders and answers are part of what the key promises (orders without them hash as before).
  if (auto const details = order_details_fingerprint(answers->first, answers->second); !details.empty()) {
    request_hash += "|d:" + details;
  }
  // So is the code: a retry with another code (or none) is another request.
  if (code) request_hash += "|p:" + promo_code_key(code->details.code);
  bool const free = amount == 0;
  HoldRules const hold_rules{
      .length = event->details.hold_seconds ? std::chrono::seconds(*event->details.hold_seconds) : settings_.hold,
      .max_open_per_account = request.guest ? std::max(1, settings_.guest_open_orders_per_email) : 1,
  };
  // A guest order is placed for its address's buyer record, whose id its tickets sign.
  std::optional<GuestBuyer> guest;
  OrderLink link;
  if (request.guest) {
    guest = guests_->buyer_for(*request.guest);
    link = guests_->new_link();
  }
  NewRegistration order{
      .registration =
          Registration{
              .id = entropy_.new_id(),
              .event_id = event->id,
              .ticket_type_id = items->front().ticket_type_id,
              .user_id = guest ? guest->id : who.user_id,
              .quantity = quantity,
              .status = free ? RegistrationStatus::confirmed : RegistrationStatus::pending_payment,
              .amount_minor = amount,
              .currency = event->details.currency,
              .payment_id = std::nullopt,
              .registered_at = now,
              .hold_expires_at = free ? std::nullopt : std::optional<Timestamp>(now + hold_rules.length),
              .updated_at = now,
              .promo_code_id = code ? std::optional<std::string>(code->id) : std::nullopt,
              .promo_code = code ? std::optional<std::string>(code->details.code) : std::nullopt,
              .discount_minor = discount,
          },
      .tickets = {},
      .items = std::move(*items),
      .answers = std::move(answers->first),
      .attendees = std::move(answers->second),
      .sees_hidden = sees_hidden,
      .idempotency_key = request.idempotency_key,
      .request_hash = std::move(request_hash),
      .hold_rules = hold_rules,
      .client_address = request.client_address,
      .client_hold_limit = request.client_exempt ? 0 : settings_.max_unpaid_holds_per_client,
      .guest = guest,
      .link = link,
  };
  // Signed before the write, so the single writer never waits on signatures.
  if (free) order.tickets = issue_tickets(order.registration, order.items, order.attendees, codes_, entropy_, now);
  std::vector<std::string> type_names;
  type_names.reserve(order.items.size());
  for (auto const& item : order.items) type_names.push_back(item.name);
  registrations_.place_registration(
      std::move(order), now, actor,
      [this, who, request, actor, fresh, type_names = std::move(type_names), token = std::move(link.token),
       done = std::move(done)](Result<PlacementResult> placed) mutable {
        if (!placed) return done(std::unexpected(placed.error()));
        auto& result = *placed;
        auto const type_name = [&] {
          return result.item && *result.item < type_names.size() ? type_names[*result.item] : std::string();
        };
        switch (result.outcome) {
          case Placement::price_changed:
          case Placement::ticket_type_unknown:
          case Placement::order_quantity:
            // The organizer changed the event's types a moment ago: once more with what is stored now.
            if (!fresh) return place(who, request, actor, true, std::move(done));
            if (result.outcome == Placement::ticket_type_unknown) {
              return done(
                  fail(Errc::invalid_input, "The order is not acceptable.",
                       {{item_field(request, result.item, "ticketTypeId"), "is not a ticket type of this event"}}));
            }
            if (result.outcome == Placement::order_quantity) {
              return done(fail(Errc::invalid_input, "The order is not acceptable.",
                               {{item_field(request, result.item, "quantity"),
                                 "must be between " + std::to_string(result.min_per_order) + " and " +
                                     std::to_string(result.max_per_order) + " for " + type_name()}}));
            }
            return done(fail(Errc::conflict, "The event's price changed while registering; try again."));
          case Placement::promo_invalid:
            return done(fail(Errc::invalid_input, "The order is not acceptable.",
                             {{"promoCode", "is not a valid code for this event"}}));
          case Placement::promo_used_up:
            return done(fail(Errc::promo_used_up, "This promo code has been used as many times as it may be."));
          case Placement::sales_closed:
            return done(fail(Errc::sales_closed, type_name() + " is not on sale now.",
                             {{item_field(request, result.item, "ticketTypeId"), "is not on sale now"}}));
          case Placement::placed:
            return done(Registered{std::move(result.detail), false, request.guest ? std::move(token) : std::string()});
          case Placement::replayed: {
            // The client never got the first answer's token: a replay of a guest order gets one
            // of its own, and the first keeps working.
            auto replay_token = request.guest ? guests_->add_token(result.detail.registration.id) : std::string();
            return done(Registered{std::move(result.detail), true, std::move(replay_token)});
          }
          case Placement::buyer_changed:
            // Another order made the address's buyer record a moment ago: once more with it.
            if (!fresh) return place(who, request, actor, true, std::move(done));
            return done(
                fail(Errc::conflict, "Another order of this address was placed at the same moment; try again."));
          case Placement::idempotency_mismatch:
            return done(fail(Errc::idempotency_mismatch,
                             "This Idempotency-Key was already used for a different registration request."));
          case Placement::event_not_found: return done(fail(Errc::not_found, "No event has this id."));
          case Placement::event_closed:
            return done(fail(Errc::conflict, "This event is cancelled or has already started."));
          case Placement::attendee_limit:
            return done(fail(
                Errc::attendee_limit,
                "One attendee may hold at most " + std::to_string(result.attendee_limit) + " seats for this event."));
          case Placement::hold_open:
            return done(
                fail(Errc::hold_open,
                     "You have an unpaid order for this event; pay for it or cancel it before ordering again."));
          case Placement::hold_cooldown:
            return done(fail(Errc::hold_cooldown,
                             "Your last order for this event was not paid in time; you may order again at " +
                                 format_rfc3339(result.retry_at.value_or(clock_.now())) + "."));
          case Placement::client_hold_limit:
            return done(fail(Errc::too_many_holds,
                             "Too many unpaid orders for this event come from your network; try again once some "
                             "are paid or have expired."));
          case Placement::sold_out:
            if (result.item) {
              return done(fail(Errc::sold_out, result.seats_left > 0 ? "Only " + std::to_string(result.seats_left) +
                                                                           " seats of " + type_name() + " are left."
                                                                     : type_name() + " is sold out."));
            }
            return done(fail(Errc::sold_out, result.seats_left > 0
                                                 ? "Only " + std::to_string(result.seats_left) + " seats are left."
                                                 : "This event is sold out."));
        }
        done(fail(Errc::conflict, "The registration could not be placed."));
      });
}

Result<RegistrationDetail> Registrations::get_registration(Principal const& who, std::string_view id) {
  auto detail = registrations_.find_registration(id);
  if (detail && !is_buyer(who, *detail)) {
    auto const event = events_.find_event(detail->registration.event_id);
    if (!event || who.user_id.empty() || event->organizer_id != who.user_id) detail.reset();
  }
  // Someone else's registration is "not found": its existence is not theirs to learn.
  if (!detail) return fail(Errc::not_found, "No registration of yours has this id.");
  return std::move(*detail);
}

Result<Page<RegistrationDetail>> Registrations::list_my_registrations(Principal const& who,
                                                                      std::optional<std::string> const& cursor,
                                                                      int limit) {
  std::vector<FieldError> errors;
  auto const after = check_page_request(limit, cursor, decode_registration_cursor, errors);
  if (!errors.empty())
    return fail(Errc::invalid_input, "The listing parameters are not acceptable.", std::move(errors));
  return read_page(
      limit, [&](int rows) { return registrations_.list_user_registrations(who.user_id, after, rows); },
      [](RegistrationDetail const& last) { return cursor_after(last.registration); });
}

Result<RegistrationDetail> Registrations::cancel_registration(Principal const& who, std::string_view id,
                                                              CancelRequest const& request, Actor const& actor) {
  auto current = get_registration(who, id);
  if (!current) return current;
  if (request.reason.size() > kMaxReasonLength) {
    return fail(Errc::invalid_input, "The cancellation is not acceptable.", {{"reason", "must be at most 1000 bytes"}});
  }
  auto const event = events_.find_event(current->registration.event_id);
  CancellationRequest const asked{
      .by_organizer = event && !who.user_id.empty() && event->organizer_id == who.user_id && !is_buyer(who, *current),
      .reason = request.reason,
  };
  TicketCancellationResult outcome;
  if (request.ticket_ids) {
    if (request.ticket_ids->size() > static_cast<std::size_t>(kMaxQuantityPerOrder)) {
      return fail(Errc::invalid_input, "The cancellation is not acceptable.",
                  {{"ticketIds", "must name at most 100 tickets"}});
    }
    outcome = registrations_.cancel_tickets(
        id, {.request = asked, .ticket_ids = *request.ticket_ids, .refund_id = entropy_.new_id()}, clock_.now(), actor);
  } else {
    outcome.outcome = registrations_.cancel_registration(id, asked, clock_.now(), actor);
  }
  switch (outcome.outcome) {
    case Cancellation::cancelled: break;
    case Cancellation::tickets_refused:
      return fail(Errc::invalid_input, "These tickets cannot be cancelled.",
                  {outcome.refused.value_or(FieldError{"ticketIds", "names a ticket that cannot be cancelled"})});
    case Cancellation::not_found: return fail(Errc::not_found, "No registration of yours has this id.");
    case Cancellation::not_active: return fail(Errc::conflict, "This registration is no longer active.");
    case Cancellation::ticket_used:
      return fail(Errc::cancellation_closed,
                  "A ticket of this registration was already used at the door; it can no longer be cancelled.");
    case Cancellation::deadline_passed:
      return fail(Errc::cancellation_closed,
                  "The event's cancellation deadline has passed; ask the organizer if you need a refund.");
    case Cancellation::reason_required:
      return fail(Errc::invalid_input, "The cancellation is not acceptable.",
                  {{"reason", "is required to cancel after the deadline or once a ticket was used"}});
  }
  return get_registration(who, id);
}

Result<Event> Registrations::organizer_event(Principal const& who, std::string_view event_id) {
  auto event = events_.find_event(event_id);
  if (!event || !visible_to(*event, who.user_id)) return fail(Errc::not_found, "No event has this id.");
  if (event->organizer_id != who.user_id) return fail(Errc::forbidden, "Only the event's organizer may see this.");
  return std::move(*event);
}

Result<Page<RegistrationRow>> Registrations::list_event_registrations(Principal const& who, std::string_view event_id,
                                                                      std::optional<std::string> const& cursor,
                                                                      int limit, std::string_view search) {
  auto event = organizer_event(who, event_id);
  if (!event) return std::unexpected(event.error());
  std::vector<FieldError> errors;
  auto const after = check_page_request(limit, cursor, decode_registration_cursor, errors, /*zero_lists_all=*/true);
  if (search.size() > kMaxSearchLength) {
    errors.push_back({"q", "must be at most " + std::to_string(kMaxSearchLength) + " characters"});
  }
  if (!errors.empty())
    return fail(Errc::invalid_input, "The listing parameters are not acceptable.", std::move(errors));
  return read_page(
      limit,
      [&](int rows) {
        return search.empty() ? registrations_.list_event_registrations(event_id, after, rows)
                              : registrations_.search_event_registrations(event_id, search, after, rows);
      },
      [](RegistrationRow const& last) { return cursor_after(last.registration); });
}

Result<RegistrationExport> Registrations::export_event_registrations(Principal const& who, std::string_view event_id,
                                                                     std::string_view search) {
  auto page = list_event_registrations(who, event_id, std::nullopt, 0, search);
  if (!page) return std::unexpected(page.error());
  return RegistrationExport{std::move(page->items), questions_.list_questions(event_id)};
}

Result<TicketExport> Registrations::export_event_tickets(Principal const& who, std::string_view event_id) {
  auto event = organizer_event(who, event_id);
  if (!event) return std::unexpected(event.error());
  return TicketExport{registrations_.list_event_tickets(event_id), questions_.list_questions(event_id)};
}

Result<EventAnalytics> Registrations::event_analytics(Principal const& who, std::string_view event_id) {
  auto event = organizer_event(who, event_id);
  if (!event) return std::unexpected(event.error());
  EventAnalytics analytics{
      .stats = registrations_.event_stats(event_id), .currency = event->details.currency, .by_day = {}};
  // Days are the event's local days, so an organizer in Tokyo sees Tokyo's dates.
  date::time_zone const* zone = nullptr;
  try {
    zone = date::locate_zone(event->details.timezone);
  } catch (std::runtime_error const&) {
    zone = date::locate_zone("UTC");
  }
  std::map<std::string, EventAnalytics::Day> days;
  for (auto const& hour : analytics.stats.by_hour) {
    auto const local = zone->to_local(Timestamp{std::chrono::hours{hour.hour}});
    auto const date_text = date::format("%F", std::chrono::floor<std::chrono::days>(local));
    auto& day = days.try_emplace(date_text, EventAnalytics::Day{date_text, 0, 0, 0}).first->second;
    day.registrations += hour.seats;
    day.revenue_minor += hour.revenue_minor;
    day.discount_minor += hour.discount_minor;
  }
  for (auto& [date_text, day] : days) analytics.by_day.push_back(std::move(day));
  return analytics;
}

std::vector<Ticket> issue_tickets(Registration const& r, std::vector<RegistrationItem> const& items,
                                  std::vector<Attendee> const& attendees, TicketCodes& codes, Entropy& entropy,
                                  Timestamp now) {
  std::vector<Ticket> tickets;
  tickets.reserve(static_cast<std::size_t>(r.quantity));
  std::size_t item = 0;
  std::int32_t of_item = 0;  // tickets issued of items[item]
  for (std::int32_t i = 1; i <= r.quantity; ++i) {
    while (item < items.size() && of_item >= items[item].quantity) {
      ++item;
      of_item = 0;
    }
    ++of_item;
    Ticket ticket{
        .id = entropy.new_id(),
        .registration_id = r.id,
        .event_id = r.event_id,
        .user_id = r.user_id,
        .status = TicketStatus::valid,
        .qr_code = {},
        .generated_at = now,
        .validated_at = std::nullopt,
        .position = i,
        .holder_name = {},
        .ticket_type_id = item < items.size() ? items[item].ticket_type_id : r.ticket_type_id,
    };
    if (auto const seat = static_cast<std::size_t>(i - 1); seat < attendees.size()) {
      ticket.holder_name = attendees[seat].name;
      ticket.holder_email = attendees[seat].email;
      ticket.answers = attendees[seat].answers;
    }
    ticket.qr_code = codes.issue({ticket.id, ticket.event_id, ticket.user_id, 0});
    tickets.push_back(std::move(ticket));
  }
  return tickets;
}

std::string encode_registration_cursor(RegistrationCursor const& cursor) {
  return base64url_encode(std::to_string(cursor.registered_at.time_since_epoch().count()) + "|" + cursor.id);
}

std::optional<RegistrationCursor> decode_registration_cursor(std::string_view text) {
  auto const events_cursor = decode_cursor(text);
  if (!events_cursor) return std::nullopt;
  return RegistrationCursor{events_cursor->starts_at, events_cursor->id};
}

}  // namespace admit
