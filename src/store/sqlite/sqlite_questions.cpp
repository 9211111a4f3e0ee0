// The organizers' questions on SQLite. Every write runs on the single writer, so the checks it
// makes (the event exists, its ticket types, how many questions it has) see the state the
// write changes.

#include "store/question_rows.hpp"
#include "store/sqlite/internal.hpp"

namespace admit {

using sqlite::Connection;
using sqlite_detail::audit;
using sqlite_detail::seconds;

namespace {

std::vector<std::string> ticket_type_ids(Connection& db, std::string_view event_id) {
  auto rows = db.prepare("SELECT id FROM ticket_types WHERE event_id = ?1");
  rows.bind(1, event_id);
  std::vector<std::string> ids;
  while (rows.step()) ids.push_back(rows.text(0));
  return ids;
}

}  // namespace

QuestionWriteResult SqliteStore::insert_question(Question const& q, std::size_t limit, Timestamp now,
                                                 Actor const& actor) {
  return writes_->run([&](Connection& db) -> QuestionWriteResult {
    auto event = db.prepare("SELECT (SELECT COUNT(*) FROM questions WHERE event_id = ?1) FROM events WHERE id = ?1");
    event.bind(1, q.event_id);
    if (!event.step()) return {QuestionWrite::not_found};
    if (static_cast<std::size_t>(event.integer(0)) >= limit) return {QuestionWrite::too_many};
    if (auto const bad = first_unknown(q.details.ticket_type_ids, ticket_type_ids(db, q.event_id))) {
      return {QuestionWrite::unknown_ticket_type, *bad};
    }
    auto const& d = q.details;
    db.prepare("INSERT INTO questions (" ADMIT_QUESTION_COLUMNS
               ", created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)")
        .bind(1, q.id)
        .bind(2, q.event_id)
        .bind(3, d.label)
        .bind(4, question_type_name(d.type))
        .bind(5, string_list_json(d.options))
        .bind(6, d.required ? 1 : 0)
        .bind(7, question_scope_name(d.scope))
        .bind(8, string_list_json(d.ticket_type_ids))
        .bind(9, d.position)
        .bind(10, seconds(now))
        .run();
    audit(db, now, actor, "question.created", "question", q.id, q.event_id, q.event_id);
    return {QuestionWrite::written};
  });
}

std::vector<Question> SqliteStore::list_questions(std::string_view event_id) {
  auto db = reader();
  auto rows = db->prepare("SELECT " ADMIT_QUESTION_COLUMNS " FROM questions WHERE event_id = ?1 ORDER BY position, id");
  rows.bind(1, event_id);
  std::vector<Question> questions;
  while (rows.step()) questions.push_back(read_question(rows));
  return questions;
}

std::optional<Question> SqliteStore::find_question(std::string_view event_id, std::string_view id) {
  auto db = reader();
  auto row = db->prepare("SELECT " ADMIT_QUESTION_COLUMNS " FROM questions WHERE id = ?2 AND event_id = ?1");
  row.bind(1, event_id).bind(2, id);
  if (!row.step()) return std::nullopt;
  return read_question(row);
}

QuestionWriteResult SqliteStore::update_question(Question const& q, Timestamp now, Actor const& actor) {
  return writes_->run([&](Connection& db) -> QuestionWriteResult {
    auto exists = db.prepare("SELECT 1 FROM questions WHERE id = ?2 AND event_id = ?1");
    exists.bind(1, q.event_id).bind(2, q.id);
    if (!exists.step()) return {QuestionWrite::not_found};
    if (auto const bad = first_unknown(q.details.ticket_type_ids, ticket_type_ids(db, q.event_id))) {
      return {QuestionWrite::unknown_ticket_type, *bad};
    }
    auto const& d = q.details;
    db.prepare(
          "UPDATE questions SET label = ?3, type = ?4, options = ?5, required = ?6, scope = ?7, ticket_type_ids = ?8, "
          "position = ?9 WHERE id = ?2 AND event_id = ?1")
        .bind(1, q.event_id)
        .bind(2, q.id)
        .bind(3, d.label)
        .bind(4, question_type_name(d.type))
        .bind(5, string_list_json(d.options))
        .bind(6, d.required ? 1 : 0)
        .bind(7, question_scope_name(d.scope))
        .bind(8, string_list_json(d.ticket_type_ids))
        .bind(9, d.position)
        .run();
    audit(db, now, actor, "question.updated", "question", q.id, q.event_id, q.event_id);
    return {QuestionWrite::written};
  });
}

bool SqliteStore::delete_question(std::string_view event_id, std::string_view id, Timestamp now, Actor const& actor) {
  return writes_->run([&](Connection& db) {
    db.prepare("DELETE FROM questions WHERE id = ?2 AND event_id = ?1").bind(1, event_id).bind(2, id).run();
    bool const deleted = db.changes() > 0;
    if (deleted) audit(db, now, actor, "question.deleted", "question", id, event_id, event_id);
    return deleted;
  });
}

}  // namespace admit
