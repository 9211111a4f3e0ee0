// The organizers' questions on PostgreSQL. A write locks its event's row first (FOR NO KEY
// UPDATE, which seat placements and other question writes of the event wait for, but foreign
// keys to the event do not), then reads the event's questions and ticket types in later
// statements, which under READ COMMITTED see everything committed before the lock was granted:
// two racing inserts cannot both pass the limit, and a ticket type deleted meanwhile is seen.

#include "store/postgres/internal.hpp"
#include "store/postgres/postgres_store.hpp"
#include "store/question_rows.hpp"

namespace admit {

using pg::Connection;
using pg::param;
using pg_detail::audit;
using pg_detail::seconds;

namespace {

bool lock_event(Connection& db, std::string_view event_id) {
  return !db.exec("SELECT 1 FROM events WHERE id = $1 FOR NO KEY UPDATE", {param(event_id)}).empty();
}

std::vector<std::string> ticket_type_ids(Connection& db, std::string_view event_id) {
  return pg_detail::read_all(db.exec("SELECT id FROM ticket_types WHERE event_id = $1", {param(event_id)}),
                             [](pg::Row const& row) { return row.text(0); });
}

std::vector<pg::Param> question_params(Question const& q) {
  auto const& d = q.details;
  return {param(q.id),
          param(q.event_id),
          param(d.label),
          param(question_type_name(d.type)),
          param(string_list_json(d.options)),
          param(std::int32_t{d.required ? 1 : 0}),
          param(question_scope_name(d.scope)),
          param(string_list_json(d.ticket_type_ids)),
          param(d.position)};
}

}  // namespace

QuestionWriteResult PostgresStore::insert_question(Question const& q, std::size_t limit, Timestamp now,
                                                   Actor const& actor) {
  return pg::transaction(*pool_, [&](Connection& db) -> QuestionWriteResult {
    if (!lock_event(db, q.event_id)) return {QuestionWrite::not_found};
    auto const count = db.exec("SELECT COUNT(*) FROM questions WHERE event_id = $1", {param(q.event_id)});
    if (static_cast<std::size_t>(count.integer(0, 0)) >= limit) return {QuestionWrite::too_many};
    if (auto const bad = first_unknown(q.details.ticket_type_ids, ticket_type_ids(db, q.event_id))) {
      return {QuestionWrite::unknown_ticket_type, *bad};
    }
    auto params = question_params(q);
    params.push_back(param(seconds(now)));
    db.exec("INSERT INTO questions (" ADMIT_QUESTION_COLUMNS
            ", created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            params);
    audit(db, now, actor, "question.created", "question", q.id, q.event_id, q.event_id);
    return {QuestionWrite::written};
  });
}

std::vector<Question> PostgresStore::list_questions(std::string_view event_id) {
  auto db = pool_->acquire();
  return pg_detail::read_all(
      db->exec("SELECT " ADMIT_QUESTION_COLUMNS " FROM questions WHERE event_id = $1 ORDER BY position, id",
               {param(event_id)}),
      [](pg::Row const& row) { return read_question(row); });
}

std::optional<Question> PostgresStore::find_question(std::string_view event_id, std::string_view id) {
  auto db = pool_->acquire();
  auto const r = db->exec("SELECT " ADMIT_QUESTION_COLUMNS " FROM questions WHERE id = $2 AND event_id = $1",
                          {param(event_id), param(id)});
  if (r.empty()) return std::nullopt;
  return read_question(pg::Row(r, 0));
}

QuestionWriteResult PostgresStore::update_question(Question const& q, Timestamp now, Actor const& actor) {
  return pg::transaction(*pool_, [&](Connection& db) -> QuestionWriteResult {
    if (!lock_event(db, q.event_id)) return {QuestionWrite::not_found};
    if (db.exec("SELECT 1 FROM questions WHERE id = $1 AND event_id = $2", {param(q.id), param(q.event_id)}).empty()) {
      return {QuestionWrite::not_found};
    }
    if (auto const bad = first_unknown(q.details.ticket_type_ids, ticket_type_ids(db, q.event_id))) {
      return {QuestionWrite::unknown_ticket_type, *bad};
    }
    db.exec(
        "UPDATE questions SET label = $3, type = $4, options = $5, required = $6, scope = $7, ticket_type_ids = $8, "
        "position = $9 WHERE id = $1 AND event_id = $2",
        question_params(q));
    audit(db, now, actor, "question.updated", "question", q.id, q.event_id, q.event_id);
    return {QuestionWrite::written};
  });
}

bool PostgresStore::delete_question(std::string_view event_id, std::string_view id, Timestamp now, Actor const& actor) {
  return pg::transaction(*pool_, [&](Connection& db) {
    auto const deleted =
        db.exec("DELETE FROM questions WHERE id = $2 AND event_id = $1", {param(event_id), param(id)}).affected() > 0;
    if (deleted) audit(db, now, actor, "question.deleted", "question", id, event_id, event_id);
    return deleted;
  });
}

}  // namespace admit
