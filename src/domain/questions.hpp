#pragma once

/// What an organizer asks the people who buy tickets (issue 14, "Questions"), and the rules
/// their answers must keep. A question is asked once per order or once per ticket, of every
/// ticket type or of some; the server checks every answer before anything is written, and
/// stores the answers in the canonical form this file gives them.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "domain/error.hpp"

namespace admit {

enum class QuestionType : std::uint8_t { text, multiline, number, email, phone, date, select, multiselect, checkbox };
enum class QuestionScope : std::uint8_t { order, ticket };

std::string_view question_type_name(QuestionType type);
std::optional<QuestionType> parse_question_type(std::string_view name);
std::string_view question_scope_name(QuestionScope scope);
std::optional<QuestionScope> parse_question_scope(std::string_view name);

/// What an organizer writes about a question.
struct QuestionDraft {
  std::string label;
  QuestionType type = QuestionType::text;
  std::vector<std::string> options{};  ///< the choices of select and multiselect, in order
  bool required = false;
  QuestionScope scope = QuestionScope::order;
  std::vector<std::string> ticket_type_ids{};  ///< empty: asked of every ticket type
  std::int32_t position = 0;

  static constexpr std::size_t kMaxLabel = 200;
  static constexpr std::size_t kMaxOptions = 50;
  static constexpr std::size_t kMaxOption = 200;
};

struct Question {
  std::string id;
  std::string event_id;
  QuestionDraft details;

  /// Whether a ticket of `ticket_type_id` is asked this question (a per-ticket question), or an
  /// order holding such a ticket (a per-order question).
  bool asks_type(std::string_view ticket_type_id) const;
};

/// The rules a question's details must satisfy; empty when they do. Whether the ticket types
/// it names belong to its event is the caller's to check (it has them).
std::vector<FieldError> check_question(QuestionDraft const& draft);

/// An answer as JSON carries it: text, a number, a checkbox, or the choices of a multiselect.
using AnswerValue = std::variant<std::string, double, bool, std::vector<std::string>>;

struct Answer {
  std::string question_id;
  AnswerValue value;

  friend bool operator==(Answer const&, Answer const&) = default;
};

/// The answers to one set of questions: an order's, or one ticket's.
using Answers = std::vector<Answer>;

/// What one set of answers is checked against.
struct AnswerSheet {
  QuestionScope scope = QuestionScope::order;
  /// The ticket types of the order (order scope: a question is asked when any of them is
  /// asked it), or the ticket's one type (ticket scope).
  std::vector<std::string> ticket_type_ids;
  /// Where the answers sit in the request, for the errors' field paths: "answers" or
  /// "attendees[2].answers".
  std::string path = "answers";
};

/// Checks `answers` against the event's questions and returns them in canonical form: trimmed
/// text, a date as YYYY-MM-DD, a multiselect's choices in the order of the options, and in the
/// order of the questions' positions. Unanswered optional questions are left out. Errors name
/// each field as `<path>.<questionId>`: an unknown question (or one not asked of this ticket),
/// a missing required answer, a value of the wrong kind, a value outside the options, text
/// that is too long, an address, phone number or date that is not one.
Result<Answers> check_answers(std::vector<Question> const& questions, AnswerSheet const& sheet, Answers answers);

/// An answer as one CSV cell or one line of a PDF shows it: choices joined by "; ", a checkbox
/// as "yes"/"no", a number without a trailing ".0".
std::string answer_text(AnswerValue const& value);

}  // namespace admit
