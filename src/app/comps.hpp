#pragma once

/// Complimentary tickets: the organizer issues free tickets to a list of people (one, or a
/// pasted guest list), counted against capacity like any order, each sent by email.

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "app/guests.hpp"
#include "app/ports.hpp"

namespace admit {

/// Who a comp is for, as the organizer wrote it.
struct CompRecipient {
  std::string name;
  std::string email;
};

struct CompRequest {
  std::optional<std::string> ticket_type_id;  ///< nullopt: the event's first visible type
  std::vector<CompRecipient> attendees;
  std::string message{};  ///< the organizer's words to every recipient, in their confirmation; empty: none
};

class Comps {
 public:
  /// Without `guests`, only recipients with a verified account can be given comps.
  Comps(EventStore& events, RegistrationStore& registrations, UserStore& users, TicketCodes& codes, Entropy& entropy,
        Clock const& clock, GuestOrders* guests);

  /// One confirmed registration of one seat per recipient (source comp, amount 0, its ticket
  /// issued to the recipient's name), all or none: not enough seats of the event or the type
  /// for every one → Errc::sold_out and nothing issued. A recipient whose address belongs to a
  /// verified account gets it on that account; anyone else gets a guest order (buyer record,
  /// and the order's link in the confirmation). `request.message` (at most kMaxMessageLength
  /// bytes, else a 400 naming `message`) is in every confirmation. For the event's organizer only.
  Result<std::vector<RegistrationDetail>> issue(Principal const& who, std::string_view event_id,
                                                CompRequest const& request, Actor const& actor);

  static constexpr std::size_t kMaxRecipients = 500;
  static constexpr std::size_t kMaxMessageLength = 2000;  ///< bytes

 private:
  std::vector<NewRegistration> prepare(Event const& event, TicketType const& type,
                                       std::vector<CompRecipient> const& recipients, Timestamp now);

  EventStore& events_;
  RegistrationStore& registrations_;
  UserStore& users_;
  TicketCodes& codes_;
  Entropy& entropy_;
  Clock const& clock_;
  GuestOrders* guests_;
};

}  // namespace admit
