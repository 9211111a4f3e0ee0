#pragma once

/// Answers and attendees as both engines store them (see migrations/V017__answers_and_holders):
/// JSON text written and read here only.

#include <boost/json.hpp>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

#include "domain/registration.hpp"

namespace admit {

/// Answers as the JSON object stored in registrations.answers and tickets.answers (see
/// migrations/V017__answers_and_holders): {questionId: value}, in the order given.
inline boost::json::object answers_object(Answers const& answers) {
  boost::json::object object;
  for (auto const& answer : answers) {
    std::visit(
        [&](auto const& value) {
          using T = std::decay_t<decltype(value)>;
          if constexpr (std::is_same_v<T, std::vector<std::string>>) {
            boost::json::array choices;
            for (auto const& choice : value) choices.emplace_back(choice);
            object[answer.question_id] = std::move(choices);
          } else {
            object[answer.question_id] = value;
          }
        },
        answer.value);
  }
  return object;
}

inline std::string answers_json(Answers const& answers) {
  if (answers.empty()) return "{}";  // most orders and tickets: no serializer on the hot path
  return boost::json::serialize(answers_object(answers));
}

inline Answers answers_from(boost::json::value const& value) {
  if (!value.is_object()) throw std::runtime_error("stored answers are not a JSON object");
  Answers answers;
  for (auto const& [key, v] : value.get_object()) {
    if (v.is_string()) {
      answers.push_back({std::string(key), std::string(v.get_string())});
    } else if (v.is_bool()) {
      answers.push_back({std::string(key), v.get_bool()});
    } else if (v.is_number()) {
      answers.push_back({std::string(key), v.to_number<double>()});
    } else if (v.is_array()) {
      std::vector<std::string> choices;
      for (auto const& c : v.get_array()) {
        if (!c.is_string()) throw std::runtime_error("a stored choice is not a string");
        choices.emplace_back(c.get_string());
      }
      answers.push_back({std::string(key), std::move(choices)});
    } else {
      throw std::runtime_error("a stored answer is neither text, a number, a checkbox nor choices");
    }
  }
  return answers;
}

/// The answers written by answers_json; anything else was not written by Admit.
inline Answers read_answers(std::string_view json) {
  if (json.empty() || json == "{}") return {};
  boost::system::error_code ec;
  auto const value = boost::json::parse(json, ec);
  if (ec) throw std::runtime_error("stored answers are not JSON: " + std::string(json));
  return answers_from(value);
}

/// An order's attendees as registrations.attendees holds them: [{name, email?, answers}].
inline std::string attendees_json(std::vector<Attendee> const& attendees) {
  if (attendees.empty()) return "[]";
  boost::json::array array;
  array.reserve(attendees.size());
  for (auto const& a : attendees) {
    boost::json::object o;
    o["name"] = a.name;
    if (a.email) o["email"] = *a.email;
    o["answers"] = answers_object(a.answers);
    array.emplace_back(std::move(o));
  }
  return boost::json::serialize(array);
}

inline std::vector<Attendee> read_attendees(std::string_view json) {
  if (json.empty() || json == "[]") return {};
  boost::system::error_code ec;
  auto const value = boost::json::parse(json, ec);
  if (ec || !value.is_array()) throw std::runtime_error("stored attendees are not a JSON array");
  std::vector<Attendee> attendees;
  for (auto const& entry : value.get_array()) {
    if (!entry.is_object()) throw std::runtime_error("a stored attendee is not a JSON object");
    auto const& o = entry.get_object();
    Attendee a;
    if (auto const* name = o.if_contains("name"); name && name->is_string()) a.name = name->get_string();
    if (auto const* email = o.if_contains("email"); email && email->is_string())
      a.email = std::string(email->get_string());
    if (auto const* answers = o.if_contains("answers")) a.answers = answers_from(*answers);
    attendees.push_back(std::move(a));
  }
  return attendees;
}

}  // namespace admit
