#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/ports.hpp"

namespace admit {

/// A question as an organizer sends it; absent fields are reported as missing (label, type,
/// required, scope) or take their defaults (no options, every ticket type, the position after
/// the event's last question on create and the question's own on a change).
struct QuestionInput {
  std::optional<std::string> label;
  std::optional<std::string> type;
  std::optional<std::vector<std::string>> options;
  std::optional<bool> required;
  std::optional<std::string> scope;
  std::optional<std::vector<std::string>> ticket_type_ids;
  std::optional<std::int32_t> position;
};

/// The questions an organizer asks the buyers of an event's tickets.
class Questions {
 public:
  /// Questions one event may have: a checkout form longer than this is not one people finish.
  static constexpr std::size_t kMaxPerEvent = 50;

  Questions(EventStore& events, QuestionStore& questions, Entropy& entropy, Clock const& clock);

  /// Adds a question to an event of the calling organizer; its ticket types must be the event's.
  Result<Question> create_question(Principal const& who, std::string_view event_id, QuestionInput const& input,
                                   Actor const& actor);
  /// An event's questions in the order its form asks them (position, then id), for anyone
  /// who may see the event (`viewer`: nullptr when anonymous): a draft's only for its organizer.
  Result<std::vector<Question>> list_questions(std::string_view event_id, Principal const* viewer);
  /// Replaces a question of an event of the calling organizer.
  Result<Question> update_question(Principal const& who, std::string_view event_id, std::string_view question_id,
                                   QuestionInput const& input, Actor const& actor);
  /// Deletes a question of an event of the calling organizer.
  Result<void> delete_question(Principal const& who, std::string_view event_id, std::string_view question_id,
                               Actor const& actor);

 private:
  /// The event when `who` organizes it and it may still change.
  Result<Event> changeable_event(Principal const& who, std::string_view event_id);
  /// The question's details from `input`, every rule checked (missing fields, names, domain rules).
  static Result<QuestionDraft> read_draft(QuestionInput const& input, std::int32_t default_position);
  static Result<Question> written(QuestionWriteResult const& result, Question question);

  EventStore& events_;
  QuestionStore& questions_;
  Entropy& entropy_;
  Clock const& clock_;
};

}  // namespace admit
