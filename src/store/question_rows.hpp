#pragma once

/// The questions' rows for both engines: their columns, the JSON text that holds a question's
/// choices and ticket types (see migrations/V016__questions), and the reader (see
/// store/rows.hpp for `Row`).

#include <algorithm>
#include <boost/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "domain/questions.hpp"
#include "store/rows.hpp"

namespace admit {

/// A list of strings as a JSON array.
inline std::string string_list_json(std::vector<std::string> const& items) {
  boost::json::array array;
  array.reserve(items.size());
  for (auto const& item : items) array.emplace_back(item);
  return boost::json::serialize(array);
}

/// The strings of a JSON array written by string_list_json. A column that holds anything else
/// was not written by Admit: an outage of sorts, reported as such.
inline std::vector<std::string> string_list(std::string_view json) {
  boost::system::error_code ec;
  auto const value = boost::json::parse(json, ec);
  if (ec || !value.is_array()) throw std::runtime_error("a question's list is not a JSON array: " + std::string(json));
  std::vector<std::string> items;
  for (auto const& item : value.get_array()) {
    if (!item.is_string()) throw std::runtime_error("a question's list holds a non-string: " + std::string(json));
    items.emplace_back(item.get_string());
  }
  return items;
}

#define ADMIT_QUESTION_COLUMNS "id, event_id, label, type, options, required, scope, ticket_type_ids, position"

template <class Row>
Question read_question(Row const& row) {
  Cells const c(row);
  return Question{
      .id = c.text(0),
      .event_id = c.text(1),
      .details =
          QuestionDraft{
              .label = c.text(2),
              .type = parse_question_type(c.text(3)).value_or(QuestionType::text),
              .options = string_list(c.text(4)),
              .required = c.integer(5) != 0,
              .scope = parse_question_scope(c.text(6)).value_or(QuestionScope::order),
              .ticket_type_ids = string_list(c.text(7)),
              .position = c.int32(8),
          },
  };
}

/// The first of `wanted` that is not in `known` (the event's ticket type ids), by index.
inline std::optional<std::size_t> first_unknown(std::vector<std::string> const& wanted,
                                                std::vector<std::string> const& known) {
  for (std::size_t i = 0; i < wanted.size(); ++i) {
    if (std::find(known.begin(), known.end(), wanted[i]) == known.end()) return i;
  }
  return std::nullopt;
}

}  // namespace admit
