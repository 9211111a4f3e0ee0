#pragma once

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/http_types.hpp"
#include "domain/error.hpp"
#include "domain/questions.hpp"

namespace boost::json {
class object;
}

namespace admit::api {

/// Reads a JSON request body field by field. Every problem is collected (wrong types,
/// missing fields, unknown fields), so one 400 lists them all. Fields are copied out one by
/// one: nothing a client sends reaches a use case unless a handler asked for it.
class JsonInput {
 public:
  /// Parses `request`'s body, which must be a JSON object sent as application/json. The
  /// failure is a ready problem response (400 malformed JSON, 415 wrong content type).
  static std::expected<JsonInput, Response> parse(Request const& request);

  JsonInput(JsonInput&&) noexcept;
  JsonInput& operator=(JsonInput&&) noexcept;
  ~JsonInput();

  std::optional<std::string> string(std::string_view field, bool required = false);
  std::optional<std::int64_t> integer(std::string_view field, bool required = false);
  std::optional<double> number(std::string_view field, bool required = false);
  std::optional<bool> boolean(std::string_view field);
  /// An array of at most `max_items` objects, each read as a JsonInput whose errors name their
  /// path ("items[1].quantity") and are reported by this input's errors().
  std::optional<std::vector<JsonInput>> objects(std::string_view field, std::size_t max_items, bool required = false);
  /// A nested object, read as a JsonInput whose errors name their path ("buyer.email") and are
  /// reported by this input's errors().
  std::optional<JsonInput> object(std::string_view field, bool required = false);
  /// An array of at most `max_items` strings; a wrong entry's error names its path ("options[2]").
  std::optional<std::vector<std::string>> strings(std::string_view field, std::size_t max_items);
  /// A map of answers ({questionId: value}, issue 14) of at most `max_entries`: each value a
  /// string, a number, a boolean or an array of strings; a wrong one's error names its path
  /// ("answers.q1"). Whether they answer the event's questions is the use case's to check.
  std::optional<Answers> answers(std::string_view field, std::size_t max_entries);
  /// Whether the body holds `field` with the value null (a nullable field set back to its default).
  bool is_null(std::string_view field) const;

  /// Declares which fields exist; anything else in the body is an error.
  void allow_only(std::initializer_list<std::string_view> fields);
  /// The collected errors as a 400 problem, or nothing when the body was fine (a nested input's
  /// errors are its parent's).
  std::optional<Response> errors() const;
  bool empty() const;

 private:
  explicit JsonInput(boost::json::object object);
  void add_error(std::string_view field, std::string message);

  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace admit::api
