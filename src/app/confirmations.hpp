#pragma once

#include <chrono>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

#include "app/guests.hpp"
#include "app/ports.hpp"
#include "app/request_quota.hpp"

namespace admit {

/// Sending a registration's confirmation again (the holder lost it, or asked the organizer).
class Confirmations {
 public:
  Confirmations(EventStore& events, RegistrationStore& registrations, MailStore& outbox, Entropy& entropy,
                Clock const& clock, GuestOrders* guests = nullptr);

  /// Queues the confirmation with the tickets again, for the registration's buyer (is_buyer:
  /// also the holder of a guest order's token) or the event's organizer (anyone else: not
  /// found). A guest order's message carries a fresh order token and its older tokens are
  /// retired. Only a confirmed registration has one (409); at most kPerHour resends per
  /// registration per hour on this node (429 with the wait).
  Result<void> resend(Principal const& who, std::string_view registration_id);

  /// A guest who lost their order's link asks by address (`POST /api/orders/lookup`): each
  /// confirmed guest order of the address for an event yet to start gets its confirmation again
  /// with a fresh link (the older links keep working). The answer is the same whether or not
  /// the address has any: Errc::invalid_input naming `email` for a malformed one, and at most
  /// kLookupsPerHour per address and per client address on this node (429 with the wait).
  Result<void> send_order_links(std::string_view email, std::string_view client);

  static constexpr int kPerHour = 3;
  static constexpr int kLookupsPerHour = 3;

 private:
  EventStore& events_;
  RegistrationStore& registrations_;
  MailStore& outbox_;
  Entropy& entropy_;
  Clock const& clock_;
  GuestOrders* guests_;
  std::mutex mutex_;
  std::map<std::string, std::deque<Timestamp>, std::less<>> recent_;  ///< resends by registration, oldest first
  RequestQuota lookups_per_address_{kLookupsPerHour, std::chrono::hours(1)};
  RequestQuota lookups_per_client_{kLookupsPerHour * 3, std::chrono::hours(1)};
};

}  // namespace admit
