#include <limits>

#include "api/handlers.hpp"
#include "api/json_input.hpp"
#include "api/json_mapping.hpp"
#include "api/problem.hpp"
#include "api/query.hpp"

namespace admit::api {
namespace {

/// Reads the organizer-writable fields of an event. Which are required is the use case's
/// rule, so that it reports missing fields together with broken rules.
std::expected<EventPatch, Response> read_event_patch(Request const& request, bool create) {
  auto input = JsonInput::parse(request);
  if (!input) return std::unexpected(std::move(input.error()));
  input->allow_only({"name", "description", "date", "timezone", "location", "capacity", "price", "currency",
                     "maxPerAttendee", "cancellationDeadline", "holdSeconds", "endDate", "status"});
  EventPatch patch;
  patch.name = input->string("name");
  patch.description = input->string("description");
  auto const date = input->string("date");
  patch.timezone = input->string("timezone");
  patch.location = input->string("location");
  auto const capacity = input->integer("capacity");
  patch.price = input->number("price");
  patch.currency = input->string("currency");
  auto const max_per_attendee = input->integer("maxPerAttendee");
  auto const deadline = input->string("cancellationDeadline");
  auto const hold_seconds = input->integer("holdSeconds");
  auto const end_date = input->string("endDate");
  auto const status = input->string("status");
  auto errors = input->errors();
  if (errors) return std::unexpected(std::move(*errors));

  std::vector<FieldError> invalid;
  if (date) {
    patch.starts_at = parse_rfc3339(*date);
    if (!patch.starts_at) invalid.push_back({"date", "must be an RFC 3339 date-time such as 2026-12-15T19:00:00Z"});
  }
  if (deadline) {
    auto const parsed = parse_rfc3339(*deadline);
    if (parsed) {
      patch.cancellation_deadline.emplace(parsed);
    } else {
      invalid.push_back(
          {"cancellationDeadline", "must be an RFC 3339 date-time such as 2026-12-14T19:00:00Z, or null"});
    }
  } else if (input->is_null("cancellationDeadline")) {
    patch.cancellation_deadline = std::optional<Timestamp>();
  }
  if (end_date) {
    auto const parsed = parse_rfc3339(*end_date);
    if (parsed) {
      patch.ends_at.emplace(parsed);
    } else {
      invalid.push_back({"endDate", "must be an RFC 3339 date-time such as 2026-12-15T23:00:00Z, or null"});
    }
  } else if (input->is_null("endDate")) {
    patch.ends_at = std::optional<Timestamp>();
  }
  if (create) {
    patch.status = status;
  } else if (status) {
    invalid.push_back({"status",
                       "cannot be changed here: POST /api/events/{id}/publish publishes a draft, DELETE "
                       "/api/events/{id} cancels"});
  }
  auto const to_int32 = [&](std::optional<std::int64_t> v, std::string_view field) -> std::optional<std::int32_t> {
    if (!v) return std::nullopt;
    if (*v < std::numeric_limits<std::int32_t>::min() || *v > std::numeric_limits<std::int32_t>::max()) {
      invalid.push_back({std::string(field), "is out of range"});
      return std::nullopt;
    }
    return static_cast<std::int32_t>(*v);
  };
  patch.capacity = to_int32(capacity, "capacity");
  patch.max_per_attendee = to_int32(max_per_attendee, "maxPerAttendee");
  if (hold_seconds) {
    if (auto const value = to_int32(hold_seconds, "holdSeconds")) patch.hold_seconds.emplace(value);
  } else if (input->is_null("holdSeconds")) {
    patch.hold_seconds = std::optional<std::int32_t>();
  }
  if (!invalid.empty()) {
    return std::unexpected(
        problem(Error{Errc::invalid_input, "The event details are not acceptable.", std::move(invalid)}));
  }
  if (!create && input->empty()) {
    return std::unexpected(problem(Error{Errc::invalid_input, "Send at least one field to change.", {}}));
  }
  return patch;
}

Response event_response(unsigned status, Result<Event> const& event) {
  if (!event) return problem(event.error());
  JsonWriter w;
  write_event(w, *event);
  return json_response(status, w.take());
}

Response page_response(Result<Page<Event>> const& page) {
  if (!page) return problem(page.error());
  JsonWriter w;
  write_page(w, *page, write_event);
  return json_response(200, w.take());
}

/// The listing parameters shared by the public and the organizer's own listing.
std::expected<ListEventsRequest, Response> read_listing(Request const& request) {
  auto query = ListingQuery::parse(request.query, {"q", "from", "to"});
  if (!query) return std::unexpected(std::move(query.error()));
  ListEventsRequest listing{
      .text = query->text("q"),
      .from = query->time("from"),
      .to = query->time("to"),
      .cursor = query->cursor(),
      .limit = query->limit(),
      .organizer_id = std::nullopt,
  };
  if (auto bad = query->problem()) return std::unexpected(std::move(*bad));
  return listing;
}

}  // namespace

Response create_event(Events& events, Request& request) {
  auto patch = read_event_patch(request, true);
  if (!patch) return std::move(patch.error());
  auto created = events.create_event(*request.principal, *patch, request.actor());
  auto response = event_response(201, created);
  if (created) response.with_header("Location", "/api/events/" + created->id);
  return response;
}

Response get_event(Events& events, Request& request) {
  return event_response(200, events.get_event(request.param("id"), request.principal ? &*request.principal : nullptr));
}

Response publish_event(Events& events, Request& request) {
  return event_response(200, events.publish_event(*request.principal, request.param("id"), request.actor()));
}

Response list_events(Events& events, Request& request) {
  auto listing = read_listing(request);
  if (!listing) return std::move(listing.error());
  return page_response(events.list_events(*listing));
}

Response list_my_events(Events& events, Request& request) {
  auto listing = read_listing(request);
  if (!listing) return std::move(listing.error());
  listing->organizer_id = request.principal->user_id;
  return page_response(events.list_events(*listing));
}

Response list_my_staff_events(Events& events, Request& request) {
  auto query = ListingQuery::parse(request.query, {"from"});
  if (!query) return std::move(query.error());
  StaffEventsRequest const listing{.from = query->time("from"), .cursor = query->cursor(), .limit = query->limit()};
  if (auto bad = query->problem()) return std::move(*bad);
  return page_response(events.list_staff_events(*request.principal, listing));
}

Response update_event(Events& events, Request& request) {
  auto patch = read_event_patch(request, false);
  if (!patch) return std::move(patch.error());
  return event_response(200, events.update_event(*request.principal, request.param("id"), *patch, request.actor()));
}

Response cancel_event(Events& events, Request& request) {
  return event_response(200, events.cancel_event(*request.principal, request.param("id"), request.actor()));
}

}  // namespace admit::api
