#pragma once

#include <string>

namespace admit {

/// Everything printed on one ticket, already formatted for people: the use case renders the
/// date in the event's time zone and the price in its currency, the PDF renderer lays it out.
struct PrintedTicket {
  std::string event_name;
  std::string date_line;  ///< e.g. "Saturday, 12 December 2026 · 19:00 CET"
  std::string location;
  std::string holder_name;
  std::string ticket_type;  ///< e.g. "General admission"
  std::string price_line;   ///< e.g. "€25.00" or "Free"
  std::string ticket_id;    ///< printed small, for support
  std::string order_line;   ///< e.g. "Registration 5fY… · ticket 2 of 3"
  std::string qr_text;      ///< the exact text the QR code encodes
};

}  // namespace admit
