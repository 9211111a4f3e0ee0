#pragma once

#include <sodium.h>

#include <optional>
#include <string_view>

#include "app/ports.hpp"

namespace admit {

/// Whether a presented ticket code is exactly the one issued, compared in constant time so
/// that the time taken says nothing about how much of a forged code is right. Lengths are no
/// secret: every code of one format has the same length.
inline bool is_issued_code(std::string_view issued, std::string_view presented) {
  return issued.size() == presented.size() && sodium_memcmp(issued.data(), presented.data(), issued.size()) == 0;
}

/// What a redemption came to, from whether its conditional update admitted the ticket and the
/// ticket as read afterwards. Both stores decide the same way: a presented code that is not
/// the issued one finds no ticket, and nothing about the ticket is returned.
inline RedemptionResult redemption_outcome(bool admitted, std::optional<Ticket> ticket, std::string_view event_id,
                                           std::string_view code) {
  if (ticket && !is_issued_code(ticket->qr_code, code)) ticket.reset();
  auto const outcome = [&] {
    if (admitted) return Redemption::admitted;
    if (!ticket) return Redemption::unknown;
    if (ticket->event_id != event_id) return Redemption::wrong_event;
    if (ticket->status != TicketStatus::valid) return Redemption::cancelled;
    return Redemption::already_used;
  }();
  return RedemptionResult{outcome, std::move(ticket)};
}

}  // namespace admit
