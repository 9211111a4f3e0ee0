// Partial cancellations, their refunds, and complimentary tickets: the PostgreSQL store.

#include "domain/refunds.hpp"
#include "store/policy.hpp"
#include "store/postgres/internal.hpp"
#include "store/postgres/postgres_store.hpp"
#include "store/refund_rows.hpp"

namespace admit {

using pg::Connection;
using pg::param;
using pg_detail::audit;
using pg_detail::seconds;
using pg_detail::timestamp;

TicketCancellationResult PostgresStore::cancel_tickets(std::string_view id, TicketCancellationRequest const& request,
                                                       Timestamp now, Actor const& actor) {
  return pg::transaction(*pool_, [&](Connection& db) -> TicketCancellationResult {
    // The registration's row lock orders every cancellation and refund decision of it, on any
    // node: a second cancel of the same tickets waits here, then finds them void.
    auto r = db.exec(
        "SELECT r.event_id, r.status, r.quantity, e.starts_at, e.cancellation_deadline, r.amount_minor, "
        "r.refunded_minor, " ADMIT_PAID_ORDER("r") ", r.user_id FROM registrations r JOIN events e ON e.id = r.event_id "
        "WHERE r.id = $1 FOR NO KEY UPDATE OF r",
        {param(id)});
    if (r.empty()) return {.outcome = Cancellation::not_found};
    auto const status = parse_registration_status(r.text(0, 1));
    if (!status || !holds_seats(*status)) return {.outcome = Cancellation::not_active};
    auto const event_id = r.text(0, 0);
    CancellationFacts facts{
        .now = now,
        .starts_at = timestamp(r.integer(0, 3)),
        .deadline = pg_detail::optional_timestamp(r.optional_integer(0, 4)),
        .quantity = static_cast<std::int32_t>(r.integer(0, 2)),
        .admitted = 0,
        .unpaid_hold = *status == RegistrationStatus::pending_payment,
    };
    auto const amount = r.integer(0, 5);
    auto const refunded = r.integer(0, 6);
    bool const paid = r.integer(0, 7) != 0;
    // The tickets' row locks hold off a scan until this decision commits (as a whole cancel's).
    db.exec("SELECT 1 FROM tickets WHERE registration_id = $1 FOR UPDATE", {param(id)});
    auto const tickets = pg_detail::tickets_of(db, id);
    for (auto const& t : tickets) facts.admitted += t.validated_at ? 1 : 0;
    auto const selected = select_tickets_to_cancel(request.ticket_ids, tickets);
    if (!selected) return {.outcome = Cancellation::tickets_refused, .refused = selected.error()};
    if (cancels_every_ticket(*selected, tickets)) {
      auto const whole = pg_detail::cancel_registration_in(db, id, request.request, now, actor);
      if (whole == Cancellation::cancelled) pg_detail::offer_freed_seats(db, event_id, now, waitlist_);
      return {.outcome = whole};
    }
    if (auto const refused = cancellation_refusal(facts, request.request)) return {.outcome = *refused};
    auto const plan =
        plan_ticket_cancellation(id, facts, *selected, pg_detail::items_of(db, id), refunded, amount, paid);

    std::vector<std::string> ids;
    ids.reserve(selected->size());
    for (auto const& t : *selected) ids.push_back(t.id);
    db.exec("UPDATE tickets SET status = 'void' WHERE id = ANY($1::text[]) AND status = 'valid'",
            {pg::text_array(ids)});
    db.exec(
        "UPDATE registrations SET quantity = quantity - $2, refunded_minor = refunded_minor + $3, updated_at = $4 "
        "WHERE id = $1",
        {param(id), param(plan.released), param(plan.refund_minor), param(seconds(now))});
    if (plan.released > 0) {
      db.exec("UPDATE events SET registered_count = registered_count - $2 WHERE id = $1",
              {param(event_id), param(plan.released)});
      for (auto const& [type_id, seats] : plan.released_by_type) {
        db.exec("UPDATE ticket_types SET sold = sold - $2 WHERE id = $1", {param(type_id), param(seats)});
      }
      // The freed seats go to the waiting list first, in this transaction.
      pg_detail::offer_freed_seats(db, event_id, now, waitlist_);
    }
    if (plan.refund_minor > 0) {
      db.exec(
          "INSERT INTO refunds (id, registration_id, amount_minor, ticket_ids, idempotency_key, status, created_at, "
          "updated_at) VALUES ($1, $2, $3, $4, $5, 'due', $6, $6)",
          {param(request.refund_id), param(id), param(plan.refund_minor), param(plan.ticket_list),
           param(plan.idempotency_key), param(seconds(now))});
    }
    pg_detail::queue_mail(db, tickets_cancelled_mail(id, r.text(0, 8), event_id, request.refund_id, plan, now));
    audit(db, now, actor, "registration.tickets_cancelled", "registration", id,
          ticket_cancellation_detail(request.request, plan), event_id);
    return {.outcome = Cancellation::cancelled, .refused = std::nullopt, .refund_minor = plan.refund_minor};
  });
}

namespace {
/// Thrown inside issue_comps' transaction to roll it back: a recipient's guest record changed.
struct BuyerChanged {};
}  // namespace

CompIssueResult PostgresStore::issue_comps(std::string_view event_id, std::string_view ticket_type_id,
                                           std::vector<NewRegistration> comps, Timestamp now, Actor const& actor) {
  try {
    return issue_comps_in(event_id, ticket_type_id, comps, now, actor);
  } catch (BuyerChanged const&) {
    return {.outcome = CompIssue::buyer_changed};
  }
}

CompIssueResult PostgresStore::issue_comps_in(std::string_view event_id, std::string_view ticket_type_id,
                                              std::vector<NewRegistration>& comps, Timestamp now, Actor const& actor) {
  return pg::transaction(*pool_, [&](Connection& db) -> CompIssueResult {
    // The event's row lock, as every change of its seats takes (the registration batches too).
    auto r = db.exec(
        "SELECT e.status, e.starts_at, e.capacity, e.registered_count, t.capacity, t.sold FROM events e "
        "JOIN ticket_types t ON t.event_id = e.id AND t.id = $2 WHERE e.id = $1 FOR NO KEY UPDATE OF e, t",
        {param(event_id), param(ticket_type_id)});
    if (r.empty()) return {.outcome = CompIssue::event_not_found};
    CompSale const sale{
        .cancelled = r.text(0, 0) == "cancelled",
        .starts_at = timestamp(r.integer(0, 1)),
        .event_seats_left = static_cast<std::int32_t>(r.integer(0, 2) - r.integer(0, 3)),
        .type_seats_left =
            r.is_null(0, 4) ? std::nullopt
                            : std::optional<std::int32_t>(static_cast<std::int32_t>(r.integer(0, 4) - r.integer(0, 5))),
    };
    auto verdict = decide_comps(sale, comps, now);
    if (verdict.outcome != CompIssue::issued) return verdict;
    std::vector<std::string> guest_ids, guest_emails, guest_names;
    for (auto const& comp : comps) {
      if (!comp.guest) continue;
      guest_ids.push_back(comp.registration.user_id);
      guest_emails.push_back(comp.guest->email);
      guest_names.push_back(comp.guest->name);
    }
    if (!guest_ids.empty()) {
      auto const guests = pg_detail::guest_rows(guest_ids, guest_emails, guest_names, now);
      db.exec(guests.sql, guests.params);
      // A record another order made meanwhile under another id: the tickets were signed for
      // ours, so the caller signs them again for that one.
      auto const changed = db.exec(
          "SELECT COUNT(*) FROM guest_buyers g JOIN unnest($1::text[], $2::text[]) AS x(id, email) "
          "ON g.email = x.email WHERE g.id <> x.id",
          {pg::text_array(guest_ids), pg::text_array(guest_emails)});
      if (changed.integer(0, 0) > 0) throw BuyerChanged{};
    }
    auto const seats = comp_seats(comps);
    db.exec("UPDATE events SET registered_count = registered_count + $2 WHERE id = $1",
            {param(event_id), param(seats)});
    db.exec("UPDATE ticket_types SET sold = sold + $2 WHERE id = $1", {param(ticket_type_id), param(seats)});
    CompIssueResult result;
    result.issued.reserve(comps.size());
    for (auto& comp : comps) {
      auto const& reg = comp.registration;
      db.exec(
          "INSERT INTO registrations (id, event_id, ticket_type_id, user_id, quantity, status, amount_minor, "
          "currency, registered_at, updated_at, request_hash, answers, attendees, source, buyer_name) VALUES ($1, "
          "$2, $3, $4, $5, 'confirmed', 0, $6, $7, $7, '', $8, $9, 'comp', $10)",
          {param(reg.id), param(reg.event_id), param(reg.ticket_type_id), param(reg.user_id), param(reg.quantity),
           param(reg.currency), param(seconds(reg.registered_at)), param(answers_json(comp.answers)),
           param(attendees_json(comp.attendees)), param(comp_buyer_name(comp))});
      std::vector<RegistrationItem const*> items;
      std::vector<std::string> owners;
      std::vector<std::int64_t> positions;
      for (std::size_t i = 0; i < comp.items.size(); ++i) {
        items.push_back(&comp.items[i]);
        owners.push_back(reg.id);
        positions.push_back(static_cast<std::int64_t>(i));
      }
      auto const item_rows = pg_detail::item_rows(owners, items, positions);
      db.exec(item_rows.sql, item_rows.params);
      pg_detail::insert_tickets(db, comp.tickets);
      pg_detail::queue_registration_mail(db, MailKind::registration_confirmed, reg.id, now);
      if (!comp.comp_message.empty()) {
        db.exec("UPDATE mail_outbox SET reference = $2 WHERE id = $1",
                {param(registration_mail_id(MailKind::registration_confirmed, reg.id)), param(comp.comp_message)});
      }
      pg_detail::store_order_link(db, reg.id, comp.link, now);
      audit(db, now, actor, "registration.comp_issued", "registration", reg.id, comp_detail(comp), reg.event_id);
      result.issued.push_back(
          {reg, comp.tickets, queued_confirmation(reg), comp.items, comp.answers, comp.attendees, comp.guest});
    }
    return result;
  });
}

}  // namespace admit
