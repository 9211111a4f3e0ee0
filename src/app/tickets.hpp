#pragma once

#include <optional>
#include <string>
#include <string_view>

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
  Tickets(Store& store, TicketCodes& codes, DownloadLinks& links, TicketPrinter& printer, Clock const& clock,
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

 private:
  bool may_scan(Principal const& who, Event const& event);

  Store& store_;
  TicketCodes& codes_;
  DownloadLinks& links_;
  TicketPrinter& printer_;
  Clock const& clock_;
  TicketingSettings settings_;
};

/// "Saturday, 12 December 2026 · 19:00 CET" in the event's zone.
std::string format_event_date(Timestamp t, std::string const& time_zone);
/// "€25.00", "¥5,000", "Free".
std::string format_price(std::int64_t minor, std::string const& currency);

}  // namespace admit
