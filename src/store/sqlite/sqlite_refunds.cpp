// Partial cancellations, their refunds, and complimentary tickets: the SQLite store.

#include <algorithm>
#include <map>

#include "domain/refunds.hpp"
#include "store/policy.hpp"
#include "store/refund_rows.hpp"
#include "store/sqlite/internal.hpp"

namespace admit {

using sqlite::Connection;
using sqlite_detail::audit;
using sqlite_detail::seconds;
using sqlite_detail::timestamp;

TicketCancellationResult SqliteStore::cancel_tickets(std::string_view id, TicketCancellationRequest const& request,
                                                     Timestamp now, Actor const& actor) {
  return writes_->run([&](Connection& db) -> TicketCancellationResult {
    // The single writer makes the reads below and the change one step: no other cancellation,
    // scan or refund slips between.
    CancellationFacts facts{.now = now, .starts_at = {}, .deadline = std::nullopt};
    std::string event_id;
    std::int64_t amount = 0;
    std::int64_t refunded = 0;
    bool paid = false;
    std::string user_id;
    {
      auto row = db.prepare(
          "SELECT r.event_id, r.status, r.quantity, e.starts_at, e.cancellation_deadline, "
          "(SELECT COUNT(*) FROM tickets t WHERE t.registration_id = r.id AND t.validated_at IS NOT NULL), "
          "r.amount_minor, r.refunded_minor, " ADMIT_PAID_ORDER("r") ", r.user_id FROM registrations r JOIN events e ON e.id = "
          "r.event_id WHERE r.id = ?1");
      row.bind(1, id);
      if (!row.step()) return {.outcome = Cancellation::not_found};
      auto const status = parse_registration_status(row.text(1));
      if (!status || !holds_seats(*status)) return {.outcome = Cancellation::not_active};
      event_id = row.text(0);
      facts.unpaid_hold = *status == RegistrationStatus::pending_payment;
      facts.quantity = static_cast<std::int32_t>(row.integer(2));
      facts.starts_at = timestamp(row.integer(3));
      if (!row.is_null(4)) facts.deadline = timestamp(row.integer(4));
      facts.admitted = static_cast<std::int32_t>(row.integer(5));
      amount = row.integer(6);
      refunded = row.integer(7);
      paid = row.integer(8) != 0;
      user_id = row.text(9);
    }
    auto const tickets = tickets_of(db, id);
    auto const selected = select_tickets_to_cancel(request.ticket_ids, tickets);
    if (!selected) return {.outcome = Cancellation::tickets_refused, .refused = selected.error()};
    if (cancels_every_ticket(*selected, tickets)) {
      auto const whole = sqlite_detail::cancel_registration_in(db, id, request.request, now, actor);
      if (whole == Cancellation::cancelled) sqlite_detail::offer_freed_seats(db, event_id, now, waitlist_);
      return {.outcome = whole};
    }
    if (auto const refused = cancellation_refusal(facts, request.request)) return {.outcome = *refused};
    auto const plan =
        plan_ticket_cancellation(id, facts, *selected, sqlite_detail::items_of(db, id), refunded, amount, paid);

    for (auto const& t : *selected) {
      db.prepare("UPDATE tickets SET status = 'void' WHERE id = ?1 AND status = 'valid'").bind(1, t.id).run();
    }
    db.prepare(
          "UPDATE registrations SET quantity = quantity - ?2, refunded_minor = refunded_minor + ?3, updated_at = ?4 "
          "WHERE id = ?1")
        .bind(1, id)
        .bind(2, plan.released)
        .bind(3, plan.refund_minor)
        .bind(4, seconds(now))
        .run();
    if (plan.released > 0) {
      db.prepare("UPDATE events SET registered_count = registered_count - ?2 WHERE id = ?1")
          .bind(1, event_id)
          .bind(2, plan.released)
          .run();
      for (auto const& [type_id, seats] : plan.released_by_type) {
        db.prepare("UPDATE ticket_types SET sold = sold - ?2 WHERE id = ?1").bind(1, type_id).bind(2, seats).run();
      }
      // The freed seats go to the waiting list first, in this transaction.
      sqlite_detail::offer_freed_seats(db, event_id, now, waitlist_);
    }
    if (plan.refund_minor > 0) {
      db.prepare(
            "INSERT INTO refunds (id, registration_id, amount_minor, ticket_ids, idempotency_key, status, created_at, "
            "updated_at) VALUES (?1, ?2, ?3, ?4, ?5, 'due', ?6, ?6)")
          .bind(1, request.refund_id)
          .bind(2, id)
          .bind(3, plan.refund_minor)
          .bind(4, plan.ticket_list)
          .bind(5, plan.idempotency_key)
          .bind(6, seconds(now))
          .run();
    }
    sqlite_detail::queue_mail(db, tickets_cancelled_mail(id, user_id, event_id, request.refund_id, plan, now));
    audit(db, now, actor, "registration.tickets_cancelled", "registration", id,
          ticket_cancellation_detail(request.request, plan), event_id);
    return {.outcome = Cancellation::cancelled, .refused = std::nullopt, .refund_minor = plan.refund_minor};
  });
}

CompIssueResult SqliteStore::issue_comps(std::string_view event_id, std::string_view ticket_type_id,
                                         std::vector<NewRegistration> comps, Timestamp now, Actor const& actor) {
  return writes_->run([&](Connection& db) -> CompIssueResult {
    CompSale sale;
    {
      auto row = db.prepare(
          "SELECT e.status, e.starts_at, e.capacity, e.registered_count, t.capacity, t.sold FROM events e "
          "JOIN ticket_types t ON t.event_id = e.id AND t.id = ?2 WHERE e.id = ?1");
      row.bind(1, event_id).bind(2, ticket_type_id);
      if (!row.step()) return {.outcome = CompIssue::event_not_found};
      sale = CompSale{
          .cancelled = row.text(0) == "cancelled",
          .starts_at = timestamp(row.integer(1)),
          .event_seats_left = static_cast<std::int32_t>(row.integer(2) - row.integer(3)),
          .type_seats_left =
              row.is_null(4) ? std::nullopt
                             : std::optional<std::int32_t>(static_cast<std::int32_t>(row.integer(4) - row.integer(5)))};
    }
    for (auto const& comp : comps) {
      if (!comp.guest) continue;
      auto row = db.prepare("SELECT id FROM guest_buyers WHERE email = ?1");
      row.bind(1, comp.guest->email);
      if (row.step() && row.text(0) != comp.registration.user_id) return {.outcome = CompIssue::buyer_changed};
    }
    auto verdict = decide_comps(sale, comps, now);
    if (verdict.outcome != CompIssue::issued) return verdict;
    auto const seats = comp_seats(comps);
    db.prepare("UPDATE events SET registered_count = registered_count + ?2 WHERE id = ?1")
        .bind(1, event_id)
        .bind(2, seats)
        .run();
    db.prepare("UPDATE ticket_types SET sold = sold + ?2 WHERE id = ?1").bind(1, ticket_type_id).bind(2, seats).run();
    CompIssueResult result;
    result.issued.reserve(comps.size());
    for (auto& comp : comps) {
      auto const& reg = comp.registration;
      if (comp.guest) sqlite_detail::save_guest(db, *comp.guest, now);
      db.prepare(
            "INSERT INTO registrations (id, event_id, ticket_type_id, user_id, quantity, status, amount_minor, "
            "currency, registered_at, updated_at, request_hash, answers, attendees, source, buyer_name) VALUES (?1, "
            "?2, ?3, ?4, ?5, 'confirmed', 0, ?6, ?7, ?7, '', ?8, ?9, 'comp', ?10)")
          .bind(1, reg.id)
          .bind(2, reg.event_id)
          .bind(3, reg.ticket_type_id)
          .bind(4, reg.user_id)
          .bind(5, reg.quantity)
          .bind(6, reg.currency)
          .bind(7, seconds(reg.registered_at))
          .bind(8, answers_json(comp.answers))
          .bind(9, attendees_json(comp.attendees))
          .bind(10, comp_buyer_name(comp))
          .run();
      sqlite_detail::insert_items(db, reg.id, comp.items);
      sqlite_detail::insert_tickets(db, comp.tickets);
      sqlite_detail::queue_registration_mail(db, MailKind::registration_confirmed, reg, now);
      if (!comp.comp_message.empty()) {
        db.prepare("UPDATE mail_outbox SET reference = ?2 WHERE id = ?1")
            .bind(1, registration_mail_id(MailKind::registration_confirmed, reg.id))
            .bind(2, comp.comp_message)
            .run();
      }
      sqlite_detail::store_order_link(db, reg.id, comp.link,
                                      registration_mail_id(MailKind::registration_confirmed, reg.id), now);
      audit(db, now, actor, "registration.comp_issued", "registration", reg.id, comp_detail(comp), reg.event_id);
      result.issued.push_back(
          {reg, comp.tickets, queued_confirmation(reg), comp.items, comp.answers, comp.attendees, comp.guest});
    }
    return result;
  });
}

}  // namespace admit
