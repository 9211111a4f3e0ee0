#include "app/questions.hpp"

#include <algorithm>

namespace admit {

Questions::Questions(EventStore& events, QuestionStore& questions, Entropy& entropy, Clock const& clock)
    : events_(events), questions_(questions), entropy_(entropy), clock_(clock) {}

Result<Event> Questions::changeable_event(Principal const& who, std::string_view event_id) {
  auto event = events_.find_event(event_id);
  if (!event || !visible_to(*event, who.user_id)) return fail(Errc::not_found, "No event has this id.");
  if (event->organizer_id != who.user_id) return fail(Errc::forbidden, "Only the event's organizer may change it.");
  if (event->status == EventStatus::cancelled) return fail(Errc::conflict, "A cancelled event cannot be changed.");
  return std::move(*event);
}

Result<QuestionDraft> Questions::read_draft(QuestionInput const& input, std::int32_t default_position) {
  std::vector<FieldError> errors;
  QuestionDraft draft;
  if (input.label) {
    draft.label = *input.label;
  } else {
    errors.push_back({"label", "is required"});
  }
  if (!input.type) {
    errors.push_back({"type", "is required"});
  } else if (auto const type = parse_question_type(*input.type)) {
    draft.type = *type;
  } else {
    errors.push_back(
        {"type", "must be one of text, multiline, number, email, phone, date, select, multiselect, checkbox"});
  }
  if (input.required) {
    draft.required = *input.required;
  } else {
    errors.push_back({"required", "is required"});
  }
  if (!input.scope) {
    errors.push_back({"scope", "is required"});
  } else if (auto const scope = parse_question_scope(*input.scope)) {
    draft.scope = *scope;
  } else {
    errors.push_back({"scope", "must be \"order\" or \"ticket\""});
  }
  draft.options = input.options.value_or(std::vector<std::string>{});
  draft.ticket_type_ids = input.ticket_type_ids.value_or(std::vector<std::string>{});
  draft.position = input.position.value_or(default_position);
  // A missing field is reported only as missing, and the rules about options only once the
  // type is known.
  bool const type_known = input.type && parse_question_type(*input.type);
  for (auto& e : check_question(draft)) {
    bool const reported = std::ranges::any_of(errors, [&](FieldError const& r) { return r.field == e.field; });
    if (!reported && (type_known || !e.field.starts_with("options"))) errors.push_back(std::move(e));
  }
  if (!errors.empty()) return fail(Errc::invalid_input, "The question is not acceptable.", std::move(errors));
  return draft;
}

Result<Question> Questions::written(QuestionWriteResult const& result, Question question) {
  switch (result.outcome) {
    case QuestionWrite::written: return question;
    case QuestionWrite::not_found: return fail(Errc::not_found, "This event has no question with this id.");
    case QuestionWrite::unknown_ticket_type:
      return fail(
          Errc::invalid_input, "The question names a ticket type this event does not have.",
          {{"ticketTypeIds[" + std::to_string(result.ticket_type_index) + "]", "is not a ticket type of this event"}});
    case QuestionWrite::too_many:
      return fail(Errc::conflict,
                  "An event may have at most " + std::to_string(kMaxPerEvent) + " questions: delete one first.");
  }
  return fail(Errc::not_found, "No event has this id.");
}

Result<Question> Questions::create_question(Principal const& who, std::string_view event_id, QuestionInput const& input,
                                            Actor const& actor) {
  auto event = changeable_event(who, event_id);
  if (!event) return std::unexpected(event.error());
  std::int32_t last = -1;
  if (!input.position) {
    for (auto const& q : questions_.list_questions(event_id)) last = std::max(last, q.details.position);
  }
  auto draft = read_draft(input, last + 1);
  if (!draft) return std::unexpected(draft.error());
  Question question{.id = entropy_.new_id(), .event_id = std::string(event_id), .details = std::move(*draft)};
  auto const result = questions_.insert_question(question, kMaxPerEvent, clock_.now(), actor);
  if (result.outcome == QuestionWrite::not_found) return fail(Errc::not_found, "No event has this id.");
  return written(result, std::move(question));
}

Result<std::vector<Question>> Questions::list_questions(std::string_view event_id, Principal const* viewer) {
  auto const event = events_.find_event(event_id);
  if (!event || !visible_to(*event, viewer ? std::string_view(viewer->user_id) : std::string_view()))
    return fail(Errc::not_found, "No event has this id.");
  return questions_.list_questions(event_id);
}

Result<Question> Questions::update_question(Principal const& who, std::string_view event_id,
                                            std::string_view question_id, QuestionInput const& input,
                                            Actor const& actor) {
  auto event = changeable_event(who, event_id);
  if (!event) return std::unexpected(event.error());
  auto current = questions_.find_question(event_id, question_id);
  if (!current) return fail(Errc::not_found, "This event has no question with this id.");
  auto draft = read_draft(input, current->details.position);
  if (!draft) return std::unexpected(draft.error());
  Question question{.id = current->id, .event_id = current->event_id, .details = std::move(*draft)};
  auto const result = questions_.update_question(question, clock_.now(), actor);
  return written(result, std::move(question));
}

Result<void> Questions::delete_question(Principal const& who, std::string_view event_id, std::string_view question_id,
                                        Actor const& actor) {
  auto event = changeable_event(who, event_id);
  if (!event) return std::unexpected(event.error());
  if (!questions_.delete_question(event_id, question_id, clock_.now(), actor)) {
    return fail(Errc::not_found, "This event has no question with this id.");
  }
  return {};
}

}  // namespace admit
