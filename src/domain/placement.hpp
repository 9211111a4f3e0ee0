#pragma once

/// The one decision on an order: whether it is placed and, if not, why. Both stores read the
/// facts it needs in the transaction that writes the outcome (under the locks that keep those
/// facts true until the write), call decide_placement, and write what it decided; SQL only
/// stores and fetches.
///
/// The seam for what the shop adds: a ticket type with a quota of its own is one more SeatPool
/// in the SaleSnapshot; an order of several types carries one offer per item; a promo code or a
/// waiting-list offer changes the price the snapshot offers. The order of the checks below is
/// the order clients see refusals in.

#include <cstdint>
#include <optional>

#include "domain/order_rules.hpp"
#include "domain/time.hpp"

namespace admit {

enum class Placement {
  placed,
  replayed,              ///< the idempotency key was used before with the same request
  idempotency_mismatch,  ///< … with a different request
  event_not_found,
  event_closed,   ///< not published (cancelled), or already started
  price_changed,  ///< the price on offer is no longer the one the order was computed with
  attendee_limit,
  hold_open,          ///< an unpaid order of this attendee still holds seats of the event
  hold_cooldown,      ///< a hold of this attendee ran out unpaid recently (until retry_at)
  client_hold_limit,  ///< the client address has as many unpaid orders open as it may
  sold_out,
};

/// The placement outcome for a verdict of the attendee rules (allowed: placed).
constexpr Placement placement_of(AttendeeVerdict verdict) {
  switch (verdict) {
    case AttendeeVerdict::attendee_limit: return Placement::attendee_limit;
    case AttendeeVerdict::hold_open: return Placement::hold_open;
    case AttendeeVerdict::hold_cooldown: return Placement::hold_cooldown;
    case AttendeeVerdict::allowed: break;
  }
  return Placement::placed;
}

/// Seats under one limit, as the writing transaction read them.
struct SeatPool {
  std::int32_t capacity = 0;
  std::int32_t taken = 0;  ///< held or sold, including orders placed earlier in the same write
  constexpr std::int32_t left() const { return capacity - taken; }
};

/// What an event's sale offers the order, as the writing transaction read it.
struct SaleSnapshot {
  bool published = false;  ///< false: cancelled
  Timestamp starts_at;
  std::int32_t max_per_attendee = 0;
  std::int64_t unit_price_minor = 0;   ///< the price of the ticket type the order buys
  SeatPool event_seats;                ///< the event's capacity, over all its ticket types
  std::optional<SeatPool> type_seats;  ///< the ticket type's own quota, when it has one

  /// Seats an order could still take: the fewest any limit leaves.
  constexpr std::int32_t seats_left() const {
    return type_seats && type_seats->left() < event_seats.left() ? type_seats->left() : event_seats.left();
  }
};

/// What the attendee's idempotency key found.
enum class KeyUse {
  unused,         ///< no order of the attendee carries it (or the order sent none)
  same_request,   ///< an order with the same request: replay it
  other_request,  ///< an order with another request: refuse
};

/// What the order asks for.
struct OrderTerms {
  std::int32_t quantity = 1;
  std::int64_t unit_price_minor = 0;  ///< the price the order was computed with; must still hold
  bool waits_for_payment = false;     ///< a paid event: the order holds its seats until paid
  HoldRules hold_rules;
  std::optional<Timestamp> proposed_hold_end;  ///< when its hold would end (now + the hold length)
  /// Open unpaid orders the order's client address may have for the event; 0: no cap (no
  /// address, or a trusted proxy).
  std::int32_t client_hold_limit = 0;

  /// Whether the client's open holds count: read OrderFacts::client_open_holds only then.
  constexpr bool capped_by_client() const { return waits_for_payment && client_hold_limit > 0; }
};

/// What the writing transaction read for the order.
struct OrderFacts {
  KeyUse key = KeyUse::unused;
  std::optional<SaleSnapshot> sale;    ///< nullopt: no such event
  AttendeeHoldings holdings;           ///< what the attendee holds of the event already
  std::int32_t client_open_holds = 0;  ///< unpaid orders of the client address still holding seats
};

struct PlacementDecision {
  Placement outcome = Placement::placed;
  std::int32_t seats_left = 0;        ///< once the event was found open at this price
  std::int32_t attendee_limit = 0;    ///< the event's cap, for the message
  std::optional<Timestamp> retry_at;  ///< hold_cooldown: when the attendee may hold seats again
  std::optional<Timestamp> hold_end;  ///< placed and waiting for payment: when its hold ends
};

/// Decides one order at `now`: an earlier use of its idempotency key, then the event (found,
/// open, price), the attendee's rules (seat limit, open hold, cooldown), the client's cap on
/// unpaid orders, and last the seats every limit leaves. When placed, seats_left counts the
/// order's seats as taken.
PlacementDecision decide_placement(OrderFacts const& facts, OrderTerms const& order, Timestamp now);

/// What placing `order` adds to the facts later orders of the same write read: the attendee's
/// seats and open holds, the client's open holds and the seats taken under every limit.
void count_placed(OrderFacts& facts, OrderTerms const& order);

}  // namespace admit
