#pragma once

/// What both stores share for partial cancellations, refunds and complimentary tickets: the
/// plan a partial cancellation writes (from the domain's rules, domain/refunds.hpp), the comp
/// capacity decision, and the SQL pieces both dialects spell the same way.

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "app/ports.hpp"
#include "domain/order_rules.hpp"
#include "domain/refunds.hpp"

namespace admit {

/// 1 when the registration (alias `r`) is a shop order whose payment succeeded, else 0: what
/// refund_for calls `paid`. A comp never is.
#define ADMIT_PAID_ORDER(r)                                                                            \
  "CASE WHEN " r ".source = 'order' AND EXISTS (SELECT 1 FROM payments p WHERE p.registration_id = " r \
  ".id AND p.status = 'succeeded') THEN 1 ELSE 0 END"

/// What a partial cancellation writes, decided under the registration's lock.
struct TicketCancellationPlan {
  std::int32_t released = 0;                             ///< seats back on sale (none once the event began)
  std::map<std::string, std::int32_t> released_by_type;  ///< of those, per ticket type
  std::int64_t refund_minor = 0;                         ///< refund_for the cancelled tickets
  std::string ticket_list;                               ///< their ids, sorted, comma-separated
  std::string idempotency_key;                           ///< partial_refund_key
};

/// The plan for cancelling `selected` (select_tickets_to_cancel's) of registration `registration_id` with these
/// facts (as for a whole cancellation), items, earlier refunds, amount and payment.
inline TicketCancellationPlan plan_ticket_cancellation(std::string_view registration_id, CancellationFacts const& facts,
                                                       std::vector<Ticket> const& selected,
                                                       std::vector<RegistrationItem> const& items,
                                                       std::int64_t already_refunded_minor, std::int64_t amount_minor,
                                                       bool paid) {
  TicketCancellationPlan plan;
  // The tickets chosen are unused (select_tickets_to_cancel refuses used ones): each gives its
  // seat back unless the event began.
  CancellationFacts these = facts;
  these.quantity = static_cast<std::int32_t>(selected.size());
  these.admitted = 0;
  plan.released = seats_released(these);
  std::vector<std::int64_t> prices;
  prices.reserve(selected.size());
  for (auto const& t : selected) {
    prices.push_back(price_paid_for_ticket(items, t.position));
    if (plan.released > 0) ++plan.released_by_type[t.ticket_type_id];
  }
  plan.refund_minor = refund_for(prices, already_refunded_minor, amount_minor, paid);
  plan.idempotency_key = partial_refund_key(registration_id, selected);
  plan.ticket_list = plan.idempotency_key.substr(plan.idempotency_key.rfind(':') + 1);
  return plan;
}

/// The audit log's detail for a partial cancellation.
inline std::string ticket_cancellation_detail(CancellationRequest const& request, TicketCancellationPlan const& plan) {
  std::string detail = request.by_organizer ? "by organizer" : "by holder";
  detail += "; tickets: " + plan.ticket_list + "; seats released: " + std::to_string(plan.released) +
            "; refund (minor units): " + std::to_string(plan.refund_minor);
  if (!request.reason.empty()) detail += "; reason: " + request.reason;
  return detail;
}

/// The message telling the holder which tickets were cancelled and what goes back; one per
/// partial cancellation (its id names the cancellation's refund id, always fresh).
inline OutboxEntry tickets_cancelled_mail(std::string_view registration_id, std::string_view user_id,
                                          std::string_view event_id, std::string_view cancellation_id,
                                          TicketCancellationPlan const& plan, Timestamp now) {
  return OutboxEntry{
      .id = registration_mail_id(MailKind::tickets_cancelled, registration_id) + "." + std::string(cancellation_id),
      .kind = MailKind::tickets_cancelled,
      .recipient = {},
      .user_id = std::string(user_id),
      .registration_id = std::string(registration_id),
      .event_id = std::string(event_id),
      .reference = std::to_string(plan.refund_minor) + ":" + plan.ticket_list,
      .secret = {},
      .paid = plan.refund_minor > 0,
      .created_at = now};
}

/// An event and one of its types as issuing comps needs them, read under the event's lock.
struct CompSale {
  bool cancelled = false;
  Timestamp starts_at{};
  std::int32_t event_seats_left = 0;
  std::optional<std::int32_t> type_seats_left{};  ///< nullopt: the type has no quota of its own
};

inline std::int32_t comp_seats(std::vector<NewRegistration> const& comps) {
  std::int32_t seats = 0;
  for (auto const& c : comps) seats += c.registration.quantity;
  return seats;
}

/// Whether every comp fits, all or none: the event open (not cancelled, not begun) and seats
/// enough of the event and of the type for all of them.
inline CompIssueResult decide_comps(CompSale const& sale, std::vector<NewRegistration> const& comps, Timestamp now) {
  if (sale.cancelled || sale.starts_at <= now) return {.outcome = CompIssue::event_closed};
  auto const left = std::max(0, std::min(sale.event_seats_left, sale.type_seats_left.value_or(sale.event_seats_left)));
  if (comp_seats(comps) > left) return {.outcome = CompIssue::sold_out, .issued = {}, .seats_left = left};
  return {.outcome = CompIssue::issued};
}

/// The audit log's detail for one comp: who it is for (the organizer's own record).
inline std::string comp_detail(NewRegistration const& comp) {
  std::string detail = "seats: " + std::to_string(comp.registration.quantity);
  if (comp.guest) detail += "; guest: " + comp.guest->email;
  return detail;
}

/// The buyer name a comp keeps as its own (registrations.buyer_name), as a guest order does: the
/// recipient's, for someone without an account; none for an account's, which shows the account's.
inline std::optional<std::string> comp_buyer_name(NewRegistration const& comp) {
  return comp.guest ? std::optional<std::string>(comp.guest->name) : std::nullopt;
}

/// An event's registrations by status for its analytics (the event id's placeholder and
/// `GROUP BY status` follow): status, seats, amount, what was refunded of it, comp seats, and
/// the void tickets (partial cancellations' seats), and the promo codes' discount.
#define ADMIT_STATS_BY_STATUS                                                                                   \
  "SELECT status, SUM(quantity), SUM(amount_minor), SUM(refunded_minor), "                                      \
  "SUM(CASE WHEN source = 'comp' THEN quantity ELSE 0 END), SUM((SELECT COUNT(*) FROM tickets t WHERE "         \
  "t.registration_id = registrations.id AND t.status = 'void')), SUM(discount_minor) FROM registrations WHERE " \
  "event_id = "

/// Adds one row of ADMIT_STATS_BY_STATUS to `stats`: confirmed orders' revenue is what they
/// paid less what went back of it; a partial cancellation's void seats count as cancelled.
template <class Text, class Integer>
void add_status_stats(EventStats& stats, Text text, Integer integer) {
  auto const status = parse_registration_status(text(0)).value_or(RegistrationStatus::cancelled);
  auto const seats = static_cast<std::int32_t>(integer(1));
  auto const voided = static_cast<std::int32_t>(integer(5));
  stats.cancelled_seats += voided;
  if (status == RegistrationStatus::confirmed) {
    stats.confirmed_seats += seats;
    stats.revenue_minor += integer(2) - integer(3);
    stats.discount_minor += integer(6);
  } else if (status == RegistrationStatus::pending_payment) {
    stats.pending_seats += seats;
  } else if (status == RegistrationStatus::offered) {
    stats.offered_seats += seats;  // a waiting-list offer: held seats, not an order
    return;
  } else {
    stats.cancelled_seats += seats;
  }
  if (holds_seats(status)) stats.comp_seats += static_cast<std::int32_t>(integer(4));
}

/// An event's refunds for its analytics (the event id's placeholder follows): money returned;
/// money whose return is decided (records due or requested at the provider); and what is left
/// to refund of orders cancelled whole whose remainder has no record yet.
#define ADMIT_REFUND_STATS(event)                                                                           \
  "SELECT (SELECT COALESCE(SUM(f.amount_minor), 0) FROM refunds f JOIN registrations r ON r.id = "          \
  "f.registration_id WHERE r.event_id = " event                                                             \
  " AND f.status = 'succeeded'), (SELECT "                                                                  \
  "COALESCE(SUM(f.amount_minor), 0) FROM refunds f JOIN registrations r ON r.id = f.registration_id WHERE " \
  "r.event_id = " event                                                                                     \
  " AND f.status <> 'succeeded'), (SELECT COALESCE(SUM(r.amount_minor - r.refunded_minor), "                \
  "0) FROM registrations r WHERE r.event_id = " event " AND r.status = 'refund_pending')"

template <class Integer>
void add_refund_stats(EventStats& stats, Integer integer) {
  stats.refunded_minor = integer(0);
  stats.refund_pending_minor = integer(1) + integer(2);
}

}  // namespace admit
