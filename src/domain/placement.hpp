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

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/order_rules.hpp"
#include "domain/promo.hpp"
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
  /// An item names no type of the event, or a hidden one the buyer may not order (item).
  ticket_type_unknown,
  order_quantity,  ///< an item's quantity is outside its type's minimum or maximum per order (item)
  sales_closed,    ///< an item's type is not on sale now: before its salesStart or from its salesEnd (item)
  sold_out,        ///< the event's seats or, with item, that item's type's seats are too few
  /// A guest order's buyer id is not the one its address has by now (another order made the
  /// address's record meanwhile): the order is decided again with that one.
  buyer_changed,
  /// The order's promo code is unknown, not valid now, or another event's: one refusal for all
  /// of them, so codes cannot be told apart by probing.
  promo_invalid,
  promo_used_up,  ///< the code's uses, in all or the buyer's, are spent
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

/// One ticket type of the event, as the writing transaction read it.
struct TypeOnSale {
  std::string id;
  std::int64_t unit_price_minor = 0;
  std::optional<std::int32_t> capacity;  ///< its own quota; nullopt: only the event's capacity limits it
  std::int32_t sold = 0;                 ///< held or sold, including orders placed earlier in the same write
  std::optional<Timestamp> sales_start;  ///< on sale from then; nullopt: from its creation
  std::optional<Timestamp> sales_end;    ///< no longer on sale from then; nullopt: until the event starts
  std::int32_t min_per_order = 1;
  std::int32_t max_per_order = 100;
  bool hidden = false;  ///< sold only to whoever may see it (the organizer; later, an access code)

  /// Whether it is on sale at `now`: salesStart <= now < salesEnd.
  constexpr bool on_sale(Timestamp now) const {
    return (!sales_start || *sales_start <= now) && (!sales_end || now < *sales_end);
  }
};

/// What an event's sale offers the order, as the writing transaction read it.
struct SaleSnapshot {
  bool published = false;  ///< false: cancelled
  Timestamp starts_at;
  std::int32_t max_per_attendee = 0;
  SeatPool event_seats;           ///< the event's capacity, over all its ticket types
  std::vector<TypeOnSale> types;  ///< every type of the event

  TypeOnSale const* find_type(std::string_view id) const;
  TypeOnSale* find_type(std::string_view id);
  /// Seats of type `type` an order could still take: the fewest its quota and the event leave.
  std::int32_t seats_left(TypeOnSale const& type) const;
};

/// What the attendee's idempotency key found.
enum class KeyUse {
  unused,         ///< no order of the attendee carries it (or the order sent none)
  same_request,   ///< an order with the same request: replay it
  other_request,  ///< an order with another request: refuse
};

/// One line of an order: seats of one ticket type.
struct OrderItem {
  std::string ticket_type_id;
  std::int32_t quantity = 1;
  std::int64_t unit_price_minor = 0;  ///< the price the order was computed with; must still hold
  std::int64_t discount_minor = 0;    ///< off each ticket, as the order's code gave it; must still hold
};

/// What the order asks for.
struct OrderTerms {
  std::vector<OrderItem> items;    ///< one per type, in the order the buyer listed them
  bool sees_hidden = false;        ///< the buyer may order hidden types (the event's organizer)
  bool waits_for_payment = false;  ///< a paid event: the order holds its seats until paid
  HoldRules hold_rules;
  std::optional<Timestamp> proposed_hold_end;  ///< when its hold would end (now + the hold length)
  /// Open unpaid orders the order's client address may have for the event; 0: no cap (no
  /// address, or a trusted proxy).
  std::int32_t client_hold_limit = 0;
  std::string event_id{};       ///< the event ordered from (a code must be its)
  std::string promo_code_id{};  ///< the code the order uses; empty: none

  /// Whether the client's open holds count: read OrderFacts::client_open_holds only then.
  constexpr bool capped_by_client() const { return waits_for_payment && client_hold_limit > 0; }
  /// Seats over all items.
  std::int32_t seats() const;
};

/// What the writing transaction read for the order.
struct OrderFacts {
  KeyUse key = KeyUse::unused;
  std::optional<SaleSnapshot> sale;    ///< nullopt: no such event
  AttendeeHoldings holdings;           ///< what the attendee holds of the event already
  std::int32_t client_open_holds = 0;  ///< unpaid orders of the client address still holding seats
  std::optional<PromoFacts> promo{};   ///< the order's code, when it names one and it was found
};

struct PlacementDecision {
  Placement outcome = Placement::placed;
  std::int32_t seats_left = 0;        ///< once the event was found open at this price
  std::int32_t attendee_limit = 0;    ///< the event's cap, for the message
  std::optional<Timestamp> retry_at;  ///< hold_cooldown: when the attendee may hold seats again
  std::optional<Timestamp> hold_end;  ///< placed and waiting for payment: when its hold ends
  std::optional<std::size_t> item;    ///< the item a refusal is about (see Placement)
  std::int32_t min_per_order = 0;     ///< order_quantity: the item's type's limits, for the message
  std::int32_t max_per_order = 0;
};

/// Decides one order at `now`: an earlier use of its idempotency key, then the event (found,
/// open), the order's promo code (valid for this event now), every item in turn (a visible type,
/// or one the code unlocks of the event, its price, its quantity within the
/// type's limits per order, on sale now, the code's discount), the code's uses left (in all and
/// the buyer's), the attendee's rules over all items (seat limit, open
/// hold, cooldown), the client's cap on unpaid orders, and last the seats: the event's for the
/// whole order, then every type's own quota for all its items together. All or nothing. When
/// placed, seats_left counts the order's seats as taken of the event.
PlacementDecision decide_placement(OrderFacts const& facts, OrderTerms const& order, Timestamp now);

/// What placing `order` adds to the facts later orders of the same write read: the attendee's
/// seats and open holds, the client's open holds, the event's seats taken, every type's sold and
/// the code's uses.
void count_placed(OrderFacts& facts, OrderTerms const& order);

}  // namespace admit
