#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "app/guests.hpp"
#include "app/ports.hpp"
#include "app/registrations.hpp"

namespace admit {

struct DownloadLink {
  std::string url;
  Timestamp expires_at;
};

struct ScanOutcome {
  enum class Result { valid, already_used, invalid, cancelled, wrong_event } result;
  std::optional<Ticket> ticket;
};

struct ScanKeys {
  std::string event_id;
  std::vector<PublicScanKey> keys;
};

/// Tickets: reading them, their PDFs, and admitting them at the door.
class Tickets {
 public:
  Tickets(EventStore& events, RegistrationStore& registrations, TicketStore& tickets, StaffStore& staff,
          TicketCodes& codes, DownloadLinks& links, TicketPrinter& printer, Clock const& clock,
          TicketingSettings settings);

  /// A ticket for its holder or the event's organizer; 404 for anyone else.
  Result<Ticket> get_ticket(Principal const& who, std::string_view id);
  /// An expiring link that serves the ticket's PDF without a bearer token.
  Result<DownloadLink> download_link(Principal const& who, std::string_view id);
  /// The PDF behind a download link, when its signature holds and it has not expired.
  Result<std::string> ticket_pdf(std::string_view id, std::string_view expires, std::string_view signature);

  /// Admits a ticket at most once ever. The caller must be the event's organizer or staff;
  /// `event_id`, when given, is the event the scanner is working.
  void validate_ticket(Principal const& who, std::string_view code, std::optional<std::string> const& event_id,
                       Actor const& actor, Completion<Result<ScanOutcome>> done);

  /// The public keys that verify this event's ticket codes, for offline scanners.
  Result<ScanKeys> scan_keys(Principal const& who, std::string_view event_id);
  Result<PublicScanKey> rotate_scan_key(Principal const& who, std::string_view event_id, Actor const& actor);

  /// Drops what this node remembers of `user_id` being staff of the event, so that a removed
  /// right ends here at once (other nodes forget it within kScanCacheFor).
  void forget_staff(std::string_view event_id, std::string_view user_id);

 private:
  /// Whether `who` is the buyer of the ticket's order (is_buyer in app/guests.hpp).
  bool is_ticket_buyer(Principal const& who, Ticket const& ticket);
  bool may_scan(Principal const& who, Event const& event);
  /// What a scan needs to know of an event (that it exists, who organizes it), read from the
  /// store at most once a second per event: a door scanner scans thousands of tickets of one
  /// event, and this spares each scan a database read.
  struct ScanEvent {
    std::string id;
    std::string organizer_id;
    EventStatus status = EventStatus::published;
  };
  std::optional<ScanEvent> scan_event(std::string const& id);
  /// may_scan for a scan: organizer and admin from the token and the event, staff from the
  /// store. A "yes" from the store is remembered for a second (forget_staff drops it at once);
  /// a "no" is not remembered, so an accepted invitation counts at once.
  bool may_scan_cached(Principal const& who, ScanEvent const& event);

  EventStore& events_;
  RegistrationStore& registrations_;
  TicketStore& tickets_;
  StaffStore& staff_;
  TicketCodes& codes_;
  DownloadLinks& links_;
  TicketPrinter& printer_;
  Clock const& clock_;
  TicketingSettings settings_;

  static constexpr auto kScanCacheFor = std::chrono::seconds(1);
  static constexpr std::size_t kScanCacheLimit = 10'000;
  std::mutex scan_cache_mutex_;
  std::unordered_map<std::string, std::pair<ScanEvent, std::chrono::steady_clock::time_point>> scan_events_;
  /// (event id, user id) pairs the store said are staff, and when it said so.
  std::map<std::pair<std::string, std::string>, std::chrono::steady_clock::time_point, std::less<>> scan_staff_;
};

/// What a ticket of `order` for `event` prints: its type and the price its item was ordered at.
PrintedTicket printed_ticket(Event const& event, RegistrationDetail const& order, Ticket const& ticket);

/// "Saturday, 12 December 2026 · 19:00 CET" in the event's zone.
std::string format_event_date(Timestamp t, std::string const& time_zone);
/// When the event takes place, in its zone: its start as format_event_date when it has no end;
/// "Saturday, 12 December 2026 · 19:00 – 23:00 CET" when it ends the same day;
/// "Saturday, 12 December 2026 · 19:00 – Sunday, 13 December 2026 · 02:00 CET" when later.
std::string format_event_period(EventDraft const& event);
/// "€25.00", "¥5,000", "Free".
std::string format_price(std::int64_t minor, std::string const& currency);

}  // namespace admit
