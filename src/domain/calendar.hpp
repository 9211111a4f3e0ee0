#pragma once

/// An event as an iCalendar object (RFC 5545), attached to confirmations so that the attendee's
/// calendar program adds it, and to the cancellation so that it marks it cancelled.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "domain/event.hpp"
#include "domain/time.hpp"

namespace admit {

/// How long an event lasts in the calendar when its organizer did not say when it ends: two
/// hours covers a concert, a talk or a meetup better than a zero-length entry, which calendar
/// programs show as a bare line.
inline constexpr std::chrono::hours kAssumedEventLength{2};

struct CalendarDetails {
  Timestamp stamp;                   ///< DTSTAMP: when the object was made (the message's time)
  std::string url;                   ///< the event's page in the web app; empty: no URL property
  std::string uid_domain = "admit";  ///< the UID is "<event id>@<uid_domain>", stable per event
};

/// A VCALENDAR with one VEVENT (DTEND the event's end, or kAssumedEventLength after its start
/// when it has none; METHOD:PUBLISH; STATUS:CANCELLED and SEQUENCE 1 for a cancelled
/// event, so that it replaces the entry a confirmation added), times in UTC, text escaped and
/// lines folded at 75 octets without splitting a UTF-8 character, CRLF line ends.
std::string event_calendar(Event const& event, CalendarDetails const& details);

/// Escapes a TEXT value (RFC 5545 §3.3.11): backslash, semicolon, comma and line breaks;
/// other control characters are dropped.
std::string escape_calendar_text(std::string_view text);

/// Folds one content line (without its line end) into lines of at most 75 octets joined by
/// CRLF and a space, never inside a UTF-8 sequence; the result ends with CRLF.
std::string fold_calendar_line(std::string_view line);

}  // namespace admit
