// The questions an organizer asks the buyers of an event's tickets: created, changed and
// deleted by the organizer, read by anyone who sees the event (the checkout form needs them).

#include <limits>

#include "api/handlers.hpp"
#include "api/json_input.hpp"
#include "api/json_writer.hpp"
#include "api/problem.hpp"

namespace admit::api {
namespace {

/// The body of a POST or PUT (a PUT replaces the whole question).
std::expected<QuestionInput, Response> read_question_input(Request const& request) {
  auto input = JsonInput::parse(request);
  if (!input) return std::unexpected(std::move(input.error()));
  input->allow_only({"label", "type", "options", "required", "scope", "ticketTypeIds", "position"});
  QuestionInput q;
  q.label = input->string("label");
  q.type = input->string("type");
  // Longer lists are refused here; the domain's limit on choices is the one its message names.
  q.options = input->strings("options", QuestionDraft::kMaxOptions);
  q.required = input->boolean("required");
  q.scope = input->string("scope");
  q.ticket_type_ids = input->strings("ticketTypeIds", 100);
  auto const position = input->integer("position");
  if (position &&
      (*position < std::numeric_limits<std::int32_t>::min() || *position > std::numeric_limits<std::int32_t>::max())) {
    return std::unexpected(problem(
        Error{Errc::invalid_input, "The question is not acceptable.", {{"position", "must be a 32-bit integer"}}}));
  }
  if (position) q.position = static_cast<std::int32_t>(*position);
  if (auto errors = input->errors()) return std::unexpected(std::move(*errors));
  return q;
}

void write_question(JsonWriter& w, Question const& q) {
  auto const& d = q.details;
  w.begin_object();
  w.field("questionId", q.id).field("eventId", q.event_id).field("label", d.label);
  w.field("type", question_type_name(d.type));
  w.key("options").begin_array();
  for (auto const& option : d.options) w.value(option);
  w.end_array();
  w.field("required", d.required).field("scope", question_scope_name(d.scope));
  w.key("ticketTypeIds").begin_array();
  for (auto const& id : d.ticket_type_ids) w.value(id);
  w.end_array();
  w.field("position", static_cast<std::int64_t>(d.position));
  w.end_object();
}

Response question_response(unsigned status, Result<Question> const& question) {
  if (!question) return problem(question.error());
  JsonWriter w;
  write_question(w, *question);
  return json_response(status, w.take());
}

}  // namespace

Response create_question(Questions& questions, Request& request) {
  auto input = read_question_input(request);
  if (!input) return std::move(input.error());
  auto created = questions.create_question(*request.principal, request.param("id"), *input, request.actor());
  auto response = question_response(201, created);
  if (created) response.with_header("Location", "/api/events/" + created->event_id + "/questions/" + created->id);
  return response;
}

Response list_questions(Questions& questions, Request& request) {
  auto listed = questions.list_questions(request.param("id"), request.principal ? &*request.principal : nullptr);
  if (!listed) return problem(listed.error());
  JsonWriter w;
  w.begin_object().key("items").begin_array();
  for (auto const& q : *listed) write_question(w, q);
  w.end_array().end_object();
  return json_response(200, w.take());
}

Response update_question(Questions& questions, Request& request) {
  auto input = read_question_input(request);
  if (!input) return std::move(input.error());
  return question_response(200, questions.update_question(*request.principal, request.param("id"),
                                                          request.param("questionId"), *input, request.actor()));
}

Response delete_question(Questions& questions, Request& request) {
  auto deleted =
      questions.delete_question(*request.principal, request.param("id"), request.param("questionId"), request.actor());
  if (!deleted) return problem(deleted.error());
  return no_content();
}

}  // namespace admit::api
