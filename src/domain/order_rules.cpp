#include "domain/order_rules.hpp"

#include <algorithm>

namespace admit {

std::string_view attendee_of(std::string_view buyer_id, std::optional<std::string> const& owner_id) {
  return owner_id && !owner_id->empty() ? std::string_view(*owner_id) : buyer_id;
}

AttendeeHoldings holdings_together(AttendeeHoldings const& a, AttendeeHoldings const& b) {
  auto const later = [](std::optional<Timestamp> x, std::optional<Timestamp> y) {
    if (!x) return y;
    if (!y) return x;
    return std::optional<Timestamp>(std::max(*x, *y));
  };
  return AttendeeHoldings{.seats = a.seats + b.seats,
                          .open_holds = a.open_holds + b.open_holds,
                          .last_lapse = later(a.last_lapse, b.last_lapse),
                          .cancelled_hold_end = later(a.cancelled_hold_end, b.cancelled_hold_end)};
}

bool within_attendee_limit(std::int32_t held, std::int32_t quantity, std::int32_t max_per_attendee) {
  return static_cast<std::int64_t>(held) + quantity <= max_per_attendee;
}

std::optional<Timestamp> hold_cooldown_end(AttendeeHoldings const& holdings, HoldRules const& rules) {
  if (!holdings.last_lapse) return std::nullopt;
  return *holdings.last_lapse + rules.length;
}

AttendeeVerdict check_attendee_order(AttendeeHoldings const& holdings, std::int32_t quantity,
                                     std::int32_t max_per_attendee, bool holds, HoldRules const& rules, Timestamp now) {
  if (!within_attendee_limit(holdings.seats, quantity, max_per_attendee)) return AttendeeVerdict::attendee_limit;
  if (holds) {
    if (holdings.open_holds >= rules.max_open_per_account) return AttendeeVerdict::hold_open;
    if (auto const cooldown = hold_cooldown_end(holdings, rules); cooldown && now < *cooldown) {
      return AttendeeVerdict::hold_cooldown;
    }
  }
  return AttendeeVerdict::allowed;
}

Timestamp hold_end(AttendeeHoldings const& holdings, Timestamp proposed, Timestamp now) {
  if (holdings.cancelled_hold_end && *holdings.cancelled_hold_end > now) {
    return std::min(proposed, *holdings.cancelled_hold_end);
  }
  return proposed;
}

CancellationVerdict holder_may_cancel(CancellationFacts const& facts) {
  if (facts.admitted > 0) return CancellationVerdict::ticket_used;
  if (facts.unpaid_hold) return CancellationVerdict::allowed;
  if (facts.now >= facts.deadline.value_or(facts.starts_at)) return CancellationVerdict::deadline_passed;
  return CancellationVerdict::allowed;
}

bool organizer_needs_reason(CancellationFacts const& facts) {
  return holder_may_cancel(facts) != CancellationVerdict::allowed;
}

std::int32_t seats_released(CancellationFacts const& facts) {
  if (facts.now >= facts.starts_at) return 0;
  return std::max(0, facts.quantity - facts.admitted);
}

}  // namespace admit
