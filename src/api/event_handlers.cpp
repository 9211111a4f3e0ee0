#include <limits>

#include "api/handlers.hpp"
#include "api/json_input.hpp"
#include "api/json_mapping.hpp"
#include "api/problem.hpp"
#include "api/query.hpp"

namespace admit::api {
namespace {

/// The fields a ticket type may carry, for allow_only.
#define ADMIT_TICKET_TYPE_FIELDS                                                                                \
  "name", "description", "price", "capacity", "salesStart", "salesEnd", "minPerOrder", "maxPerOrder", "hidden", \
      "position"

/// An optional 32-bit integer field; out of range goes to `invalid` under `path`.
std::optional<std::int32_t> int32_of(std::optional<std::int64_t> v, std::string path,
                                     std::vector<FieldError>& invalid) {
  if (!v) return std::nullopt;
  if (*v < std::numeric_limits<std::int32_t>::min() || *v > std::numeric_limits<std::int32_t>::max()) {
    invalid.push_back({std::move(path), "is out of range"});
    return std::nullopt;
  }
  return static_cast<std::int32_t>(*v);
}

/// Reads a ticket type's organizer-writable fields from `input` (a body or one of an array's
/// objects, whose fields are named under `prefix`); type errors go to the input, broken
/// formats to `invalid`.
TicketTypePatch read_ticket_type_fields(JsonInput& input, std::string const& prefix, std::vector<FieldError>& invalid) {
  TicketTypePatch patch;
  patch.name = input.string("name");
  patch.description = input.string("description");
  patch.price = input.number("price");
  if (auto const capacity = input.integer("capacity")) {
    if (auto const value = int32_of(capacity, prefix + "capacity", invalid)) patch.capacity.emplace(value);
  } else if (input.is_null("capacity")) {
    patch.capacity = std::optional<std::int32_t>();
  }
  auto const time_field = [&](std::string_view field, std::optional<std::optional<Timestamp>>& out) {
    if (auto const text = input.string(field)) {
      if (auto const parsed = parse_rfc3339(*text)) {
        out.emplace(parsed);
      } else {
        invalid.push_back({prefix + std::string(field),
                           "must be an RFC 3339 date-time such as 2026-12-01T09:00:00Z, "
                           "or null"});
      }
    } else if (input.is_null(field)) {
      out = std::optional<Timestamp>();
    }
  };
  time_field("salesStart", patch.sales_start);
  time_field("salesEnd", patch.sales_end);
  patch.min_per_order = int32_of(input.integer("minPerOrder"), prefix + "minPerOrder", invalid);
  patch.max_per_order = int32_of(input.integer("maxPerOrder"), prefix + "maxPerOrder", invalid);
  patch.hidden = input.boolean("hidden");
  patch.position = int32_of(input.integer("position"), prefix + "position", invalid);
  return patch;
}

/// Reads the organizer-writable fields of an event. Which are required is the use case's
/// rule, so that it reports missing fields together with broken rules.
std::expected<EventPatch, Response> read_event_patch(Request const& request, bool create) {
  auto input = JsonInput::parse(request);
  if (!input) return std::unexpected(std::move(input.error()));
  if (create) {
    input->allow_only({"name", "description", "date", "timezone", "location", "capacity", "price", "currency",
                       "maxPerAttendee", "cancellationDeadline", "holdSeconds", "endDate", "status", "ticketTypes"});
  } else {
    // `status` is read to refuse it by name (publishing is its own route).
    input->allow_only({"name", "description", "date", "timezone", "location", "capacity", "price", "currency",
                       "maxPerAttendee", "cancellationDeadline", "holdSeconds", "endDate", "status"});
  }
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
  std::vector<FieldError> invalid;
  if (create) {
    if (auto types = input->objects("ticketTypes", TicketTypeDraft::kMaxTypesPerEvent)) {
      patch.ticket_types.emplace();
      for (std::size_t i = 0; i < types->size(); ++i) {
        auto& type = (*types)[i];
        type.allow_only({ADMIT_TICKET_TYPE_FIELDS});
        patch.ticket_types->push_back(
            read_ticket_type_fields(type, "ticketTypes[" + std::to_string(i) + "].", invalid));
      }
    }
  }
  auto errors = input->errors();
  if (errors) return std::unexpected(std::move(*errors));

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

Response event_response(unsigned status, Result<Event> event, Request const& request) {
  if (!event) return problem(event.error());
  // Hidden types are the organizer's to see (and, later, an access code's holder's).
  if (!request.principal || request.principal->user_id != event->organizer_id) {
    std::erase_if(event->ticket_types, [](TicketType const& t) { return t.details.hidden; });
  }
  JsonWriter w;
  write_event(w, *event);
  return json_response(status, w.take());
}

/// A type as its organizer (`request`'s caller) sees it, with what its event leaves of it.
Response ticket_type_response(unsigned status, Result<TicketType> const& type, Events& events, Request const& request) {
  if (!type) return problem(type.error());
  auto const event = events.get_event(request.param("id"), &*request.principal);
  if (!event) return problem(event.error());
  JsonWriter w;
  write_ticket_type(w, *type, *event);
  return json_response(status, w.take());
}

std::expected<TicketTypePatch, Response> read_ticket_type_patch(Request const& request) {
  auto input = JsonInput::parse(request);
  if (!input) return std::unexpected(std::move(input.error()));
  input->allow_only({ADMIT_TICKET_TYPE_FIELDS});
  std::vector<FieldError> invalid;
  auto patch = read_ticket_type_fields(*input, "", invalid);
  if (auto errors = input->errors()) return std::unexpected(std::move(*errors));
  if (!invalid.empty()) {
    return std::unexpected(
        problem(Error{Errc::invalid_input, "The ticket type is not acceptable.", std::move(invalid)}));
  }
  return patch;
}

/// A page of events; `organizer_view`: the caller's own events, hidden types included.
Response page_response(Result<Page<Event>> page, bool organizer_view = false) {
  if (!page) return problem(page.error());
  if (!organizer_view) {
    for (auto& e : page->items) std::erase_if(e.ticket_types, [](TicketType const& t) { return t.details.hidden; });
  }
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
  auto const location = created ? "/api/events/" + created->id : std::string();
  auto response = event_response(201, std::move(created), request);
  if (!location.empty()) response.with_header("Location", location);
  return response;
}

Response publish_event(Events& events, Request& request) {
  return event_response(200, events.publish_event(*request.principal, request.param("id"), request.actor()), request);
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
  return page_response(events.list_events(*listing), true);
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
  return event_response(200, events.update_event(*request.principal, request.param("id"), *patch, request.actor()),
                        request);
}

Response cancel_event(Events& events, Request& request) {
  return event_response(200, events.cancel_event(*request.principal, request.param("id"), request.actor()), request);
}

Response add_ticket_type(Events& events, Request& request) {
  auto patch = read_ticket_type_patch(request);
  if (!patch) return std::move(patch.error());
  auto const event_id = request.param("id");
  auto added = events.add_ticket_type(*request.principal, event_id, *patch, request.actor());
  auto response = ticket_type_response(201, added, events, request);
  if (added) response.with_header("Location", "/api/events/" + std::string(event_id) + "/ticket-types/" + added->id);
  return response;
}

Response update_ticket_type(Events& events, Request& request) {
  auto patch = read_ticket_type_patch(request);
  if (!patch) return std::move(patch.error());
  auto const event_id = request.param("id");
  return ticket_type_response(
      200, events.update_ticket_type(*request.principal, event_id, request.param("typeId"), *patch, request.actor()),
      events, request);
}

Response delete_ticket_type(Events& events, Request& request) {
  auto deleted =
      events.delete_ticket_type(*request.principal, request.param("id"), request.param("typeId"), request.actor());
  if (!deleted) return problem(deleted.error());
  return Response{.status = 204, .content_type = {}, .body = {}, .headers = {}};
}

}  // namespace admit::api
