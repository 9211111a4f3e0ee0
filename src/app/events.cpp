#include "app/events.hpp"

#include <date/tz.h>
#include <algorithm>
#include <charconv>
#include <iterator>

#include "base/encoding.hpp"
#include "domain/money.hpp"

namespace admit {
namespace {

/// Applies a patch to details and checks every rule, time zone included.
Result<EventDraft> apply(EventDraft draft, EventPatch const& p) {
  if (p.name) draft.name = *p.name;
  if (p.description) draft.description = *p.description;
  if (p.starts_at) draft.starts_at = *p.starts_at;
  if (p.timezone) draft.timezone = *p.timezone;
  if (p.location) draft.location = *p.location;
  if (p.capacity) draft.capacity = *p.capacity;
  if (p.currency) draft.currency = *p.currency;
  if (p.max_per_attendee) draft.max_per_attendee = *p.max_per_attendee;
  if (p.cancellation_deadline) draft.cancellation_deadline = *p.cancellation_deadline;
  if (p.hold_seconds) draft.hold_seconds = *p.hold_seconds;
  if (p.ends_at) draft.ends_at = *p.ends_at;
  std::vector<FieldError> errors;
  if (p.price) {
    auto const exponent = currency_exponent(draft.currency);
    auto const minor = exponent ? to_minor_units(*p.price, *exponent) : std::nullopt;
    if (minor) {
      draft.price_minor = *minor;
    } else if (exponent) {
      errors.push_back({"price", *exponent == 0
                                     ? "must be a whole, non-negative amount in " + draft.currency
                                     : "must be non-negative with at most " + std::to_string(*exponent) + " decimals"});
    }
  }
  auto rule_errors = check_event(draft);
  errors.insert(errors.end(), rule_errors.begin(), rule_errors.end());
  if (!is_known_time_zone(draft.timezone))
    errors.push_back({"timezone", "must be an IANA time zone such as Europe/Berlin"});
  if (!errors.empty()) return fail(Errc::invalid_input, "The event details are not acceptable.", std::move(errors));
  return draft;
}

/// The cursor that resumes the event listing after `last`.
std::string cursor_after(Event const& last) {
  return encode_cursor({last.details.starts_at, last.id});
}

}  // namespace

Events::Events(EventStore& events, StaffStore& staff, Entropy& entropy, Clock const& clock)
    : events_(events), staff_(staff), entropy_(entropy), clock_(clock) {}

Result<Event> Events::create_event(Principal const& who, EventPatch const& input, Actor const& actor) {
  if (!who.roles.has(Role::organizer)) return fail(Errc::forbidden, "Only organizers create events.");
  std::vector<FieldError> missing;
  if (!input.name) missing.push_back({"name", "is required"});
  if (!input.starts_at) missing.push_back({"date", "is required"});
  if (!input.location) missing.push_back({"location", "is required"});
  if (!input.capacity) missing.push_back({"capacity", "is required"});
  auto status = EventStatus::published;
  if (input.status) {
    auto const asked = parse_event_status(*input.status);
    if (asked == EventStatus::draft || asked == EventStatus::published) {
      status = *asked;
    } else {
      missing.push_back({"status", "must be \"draft\" or \"published\""});
    }
  }

  EventDraft defaults;
  defaults.timezone = "UTC";
  if (input.capacity && !input.max_per_attendee) {
    defaults.max_per_attendee = std::clamp(*input.capacity, 1, EventDraft::kDefaultMaxPerAttendee);
  }
  auto draft = apply(std::move(defaults), input);
  if (!missing.empty() || !draft) {
    // Report every problem at once: missing fields (and a bad status) and broken rules
    // together, but a missing field only as missing.
    auto const is_missing = [&](FieldError const& e) {
      return std::any_of(missing.begin(), missing.end(), [&](FieldError const& m) { return m.field == e.field; });
    };
    if (!draft) {
      std::vector<FieldError> broken;
      std::copy_if(draft.error().fields.begin(), draft.error().fields.end(), std::back_inserter(broken),
                   [&](FieldError const& e) { return !is_missing(e); });
      missing.insert(missing.end(), broken.begin(), broken.end());
    }
    return fail(Errc::invalid_input, "The event details are not acceptable.", std::move(missing));
  }

  if (auto allowed = check_may_sell(who, draft->price_minor); !allowed) return std::unexpected(allowed.error());
  auto const now = clock_.now();
  Event event{
      .id = entropy_.new_id(),
      .organizer_id = who.user_id,
      .details = std::move(*draft),
      .registered_count = 0,
      .status = status,
      .created_at = now,
      .updated_at = now,
  };
  TicketType const general{
      .id = entropy_.new_id(),
      .event_id = event.id,
      .name = "General admission",
      .price_minor = event.details.price_minor,
      .capacity = event.details.capacity,
  };
  events_.insert_event(event, general, actor);
  return event;
}

Result<Event> Events::get_event(std::string_view id, Principal const* viewer) {
  auto event = events_.find_event(id);
  if (!event || !visible_to(*event, viewer ? std::string_view(viewer->user_id) : std::string_view()))
    return fail(Errc::not_found, "No event has this id.");
  return std::move(*event);
}

Result<Event> Events::publish_event(Principal const& who, std::string_view id, Actor const& actor) {
  auto event = owned_event(who, id);
  if (!event) return event;
  if (event->status == EventStatus::draft) events_.publish_event(id, clock_.now(), actor);
  // Read back: a cancellation may have come first.
  auto current = get_event(id, &who);
  if (current && current->status == EventStatus::cancelled)
    return fail(Errc::conflict, "A cancelled event cannot be published.");
  return current;
}

Result<Page<Event>> Events::list_events(ListEventsRequest const& request) {
  std::vector<FieldError> errors;
  auto after = check_page_request(request.limit, request.cursor, decode_cursor, errors);
  if (request.from && request.to && *request.to < *request.from) errors.push_back({"to", "must not be before from"});
  if (!errors.empty())
    return fail(Errc::invalid_input, "The listing parameters are not acceptable.", std::move(errors));

  EventQuery query{
      .text = request.text,
      .from = request.from.value_or(request.organizer_id ? Timestamp{} : clock_.now()),
      .to = request.to,
      .organizer_id = request.organizer_id,
      .any_status = request.organizer_id.has_value(),
      .after = std::move(after),
  };
  if (query.text && query.text->empty()) query.text.reset();
  return read_page(
      request.limit,
      [&](int rows) {
        query.limit = rows;
        return events_.list_events(query);
      },
      cursor_after);
}

Result<void> Events::check_may_sell(Principal const& who, std::int64_t price_minor) {
  if (verified_organizers_from_ == nullptr || price_minor <= 0) return {};
  auto const organizer = verified_organizers_from_->find_user(who.user_id);
  if (!organizer) return fail(Errc::unauthenticated, "The account no longer exists.");
  if (!may_sell_at(*organizer, price_minor, true)) {
    return fail(Errc::email_unverified,
                "Verify your email address before selling paid tickets (use the link we sent you, or ask for a new "
                "one); free events need no verification.");
  }
  return {};
}

Result<Event> Events::owned_event(Principal const& who, std::string_view id) {
  auto event = events_.find_event(id);
  if (!event || !visible_to(*event, who.user_id)) return fail(Errc::not_found, "No event has this id.");
  if (event->organizer_id != who.user_id) return fail(Errc::forbidden, "Only the event's organizer may change it.");
  return std::move(*event);
}

Result<Event> Events::update_event(Principal const& who, std::string_view id, EventPatch const& patch,
                                   Actor const& actor) {
  auto event = owned_event(who, id);
  if (!event) return event;
  if (event->status == EventStatus::cancelled) return fail(Errc::conflict, "A cancelled event cannot be changed.");
  auto draft = apply(event->details, patch);
  if (!draft) return std::unexpected(draft.error());
  if (patch.currency && *patch.currency != event->details.currency) {
    if (event->registered_count > 0) return fail(Errc::conflict, "The currency cannot change once seats are sold.");
    if (!patch.price) {
      return fail(Errc::invalid_input, "A new currency needs a new price.",
                  {{"price", "is required when the currency changes"}});
    }
  }
  if (event->details.price_minor <= 0) {
    if (auto allowed = check_may_sell(who, draft->price_minor); !allowed) return std::unexpected(allowed.error());
  }
  switch (events_.update_event(id, *draft, clock_.now(), actor)) {
    case EventUpdate::updated: break;
    case EventUpdate::not_found: return fail(Errc::not_found, "No event has this id.");
    case EventUpdate::capacity_below_sold:
      return fail(Errc::capacity_below_sold, "Capacity cannot drop below the seats already taken.",
                  {{"capacity", "is below the seats already taken"}});
  }
  return get_event(id, &who);
}

Result<Event> Events::cancel_event(Principal const& who, std::string_view id, Actor const& actor) {
  auto event = owned_event(who, id);
  if (!event) return event;
  if (event->status != EventStatus::cancelled) events_.cancel_event(id, clock_.now(), actor);
  return get_event(id, &who);
}

Result<Page<Event>> Events::list_staff_events(Principal const& who, StaffEventsRequest const& request) {
  std::vector<FieldError> errors;
  auto const after = check_page_request(request.limit, request.cursor, decode_cursor, errors);
  if (!errors.empty())
    return fail(Errc::invalid_input, "The listing parameters are not acceptable.", std::move(errors));
  auto const from = request.from.value_or(clock_.now() - std::chrono::hours(24));
  return read_page(
      request.limit, [&](int rows) { return staff_.list_staff_events(who.user_id, from, after, rows); }, cursor_after);
}

std::string encode_cursor(EventCursor const& cursor) {
  return base64url_encode(std::to_string(cursor.starts_at.time_since_epoch().count()) + "|" + cursor.id);
}

std::optional<EventCursor> decode_cursor(std::string_view text) {
  if (text.size() > 200) return std::nullopt;
  auto const raw = base64url_decode(text);
  if (!raw) return std::nullopt;
  auto const bar = raw->find('|');
  if (bar == std::string::npos || bar + 1 >= raw->size()) return std::nullopt;
  long long seconds = 0;
  auto const [end, ec] = std::from_chars(raw->data(), raw->data() + bar, seconds);
  if (ec != std::errc{} || end != raw->data() + bar) return std::nullopt;
  return EventCursor{Timestamp{std::chrono::seconds{seconds}}, raw->substr(bar + 1)};
}

bool is_known_time_zone(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  try {
    (void)date::locate_zone(name);
    return true;
  } catch (std::runtime_error const&) {
    return false;
  }
}

}  // namespace admit
