#include "api/json_input.hpp"

#include <algorithm>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <cmath>

#include "api/problem.hpp"

namespace admit::api {

namespace json = boost::json;

struct JsonInput::State {
  json::object object;
  std::vector<FieldError> errors;
  std::string prefix{};                     ///< a nested object's path: "items[0]."
  std::vector<FieldError>* sink = nullptr;  ///< a nested object's errors go to its parent's
};

namespace {

bool is_json_content_type(std::string_view type) {
  auto const semicolon = type.find(';');
  auto media = type.substr(0, semicolon);
  while (!media.empty() && media.back() == ' ') media.remove_suffix(1);
  std::string lower;
  for (char c : media) lower.push_back(static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c));
  return lower == "application/json" || (lower.starts_with("application/") && lower.ends_with("+json"));
}

}  // namespace

std::expected<JsonInput, Response> JsonInput::parse(Request const& request) {
  auto const type = request.header("Content-Type");
  if (!type.empty() && !is_json_content_type(type)) {
    return std::unexpected(
        problem(415, "unsupported-media-type", "Unsupported media type", "Send the request body as application/json."));
  }
  if (request.body.empty()) {
    return std::unexpected(
        problem(400, "malformed-json", "Malformed JSON", "The request body is empty; send a JSON object."));
  }
  boost::system::error_code ec;
  json::parse_options options;
  options.max_depth = 32;
  auto value = json::parse(request.body, ec, {}, options);
  if (ec) {
    return std::unexpected(
        problem(400, "malformed-json", "Malformed JSON", "The request body is not valid JSON: " + ec.message() + "."));
  }
  if (!value.is_object()) {
    return std::unexpected(problem(400, "malformed-json", "Malformed JSON", "The request body must be a JSON object."));
  }
  return JsonInput(std::move(value.as_object()));
}

JsonInput::JsonInput(json::object object) : state_(std::make_unique<State>(State{std::move(object), {}})) {}
JsonInput::JsonInput(JsonInput&&) noexcept = default;
JsonInput& JsonInput::operator=(JsonInput&&) noexcept = default;
JsonInput::~JsonInput() = default;

void JsonInput::add_error(std::string_view field, std::string message) {
  auto& errors = state_->sink ? *state_->sink : state_->errors;
  errors.push_back({state_->prefix + std::string(field), std::move(message)});
}

std::optional<bool> JsonInput::boolean(std::string_view field) {
  auto const* v = state_->object.if_contains(field);
  if (!v || v->is_null()) return std::nullopt;
  if (!v->is_bool()) {
    add_error(field, "must be true or false");
    return std::nullopt;
  }
  return v->get_bool();
}

std::optional<std::vector<JsonInput>> JsonInput::objects(std::string_view field, std::size_t max_items, bool required) {
  auto const* v = state_->object.if_contains(field);
  if (!v || (v->is_null() && !required)) {
    if (required) add_error(field, "is required");
    return std::nullopt;
  }
  if (!v->is_array()) {
    add_error(field, "must be an array of objects");
    return std::nullopt;
  }
  auto const& array = v->get_array();
  if (array.size() > max_items) {
    add_error(field, "must have at most " + std::to_string(max_items) + " entries");
    return std::nullopt;
  }
  std::vector<JsonInput> out;
  auto* sink = state_->sink ? state_->sink : &state_->errors;
  for (std::size_t i = 0; i < array.size(); ++i) {
    auto const path = std::string(field) + "[" + std::to_string(i) + "]";
    if (!array[i].is_object()) {
      add_error(path, "must be an object");
      continue;
    }
    JsonInput child(array[i].get_object());
    child.state_->prefix = state_->prefix + path + ".";
    child.state_->sink = sink;
    out.push_back(std::move(child));
  }
  if (out.size() != array.size()) return std::nullopt;
  return out;
}

std::optional<JsonInput> JsonInput::object(std::string_view field, bool required) {
  auto const* v = state_->object.if_contains(field);
  if (!v || (v->is_null() && !required)) {
    if (required) add_error(field, "is required");
    return std::nullopt;
  }
  if (!v->is_object()) {
    add_error(field, "must be an object");
    return std::nullopt;
  }
  JsonInput child(v->get_object());
  child.state_->prefix = state_->prefix + std::string(field) + ".";
  child.state_->sink = state_->sink ? state_->sink : &state_->errors;
  return child;
}

std::optional<Answers> JsonInput::answers(std::string_view field, std::size_t max_entries) {
  auto const* v = state_->object.if_contains(field);
  if (!v || v->is_null()) return std::nullopt;
  if (!v->is_object()) {
    add_error(field, "must be an object of answers by question id");
    return std::nullopt;
  }
  auto const& object = v->get_object();
  if (object.size() > max_entries) {
    add_error(field, "must have at most " + std::to_string(max_entries) + " answers");
    return std::nullopt;
  }
  Answers out;
  bool bad = false;
  for (auto const& [key, value] : object) {
    auto const path = std::string(field) + "." + std::string(key);
    if (value.is_string()) {
      out.push_back({std::string(key), std::string(value.get_string())});
    } else if (value.is_bool()) {
      out.push_back({std::string(key), value.get_bool()});
    } else if (value.is_number()) {
      out.push_back({std::string(key), value.to_number<double>()});
    } else if (value.is_array() &&
               std::ranges::all_of(value.get_array(), [](auto const& x) { return x.is_string(); })) {
      std::vector<std::string> choices;
      for (auto const& x : value.get_array()) choices.emplace_back(x.get_string());
      out.push_back({std::string(key), std::move(choices)});
    } else {
      add_error(path, "must be a string, a number, true or false, or an array of strings");
      bad = true;
    }
  }
  if (bad) return std::nullopt;
  return out;
}

std::optional<std::vector<std::string>> JsonInput::strings(std::string_view field, std::size_t max_items) {
  auto const* v = state_->object.if_contains(field);
  if (!v || v->is_null()) return std::nullopt;
  if (!v->is_array()) {
    add_error(field, "must be an array of strings");
    return std::nullopt;
  }
  auto const& array = v->get_array();
  if (array.size() > max_items) {
    add_error(field, "must have at most " + std::to_string(max_items) + " entries");
    return std::nullopt;
  }
  std::vector<std::string> out;
  for (std::size_t i = 0; i < array.size(); ++i) {
    if (!array[i].is_string()) {
      add_error(std::string(field) + "[" + std::to_string(i) + "]", "must be a string");
      continue;
    }
    out.emplace_back(array[i].get_string());
  }
  if (out.size() != array.size()) return std::nullopt;
  return out;
}

std::optional<std::string> JsonInput::string(std::string_view field, bool required) {
  auto const* v = state_->object.if_contains(field);
  if (!v || (v->is_null() && !required)) {
    if (required) add_error(field, "is required");
    return std::nullopt;
  }
  if (!v->is_string()) {
    add_error(field, "must be a string");
    return std::nullopt;
  }
  return std::string(v->get_string());
}

std::optional<std::int64_t> JsonInput::integer(std::string_view field, bool required) {
  auto const* v = state_->object.if_contains(field);
  if (!v || (v->is_null() && !required)) {
    if (required) add_error(field, "is required");
    return std::nullopt;
  }
  if (v->is_int64()) return v->get_int64();
  if (v->is_uint64() && v->get_uint64() <= static_cast<std::uint64_t>(INT64_MAX)) {
    return static_cast<std::int64_t>(v->get_uint64());
  }
  if (v->is_double()) {
    double const d = v->get_double();
    if (std::isfinite(d) && std::trunc(d) == d && std::fabs(d) < 9e15) return static_cast<std::int64_t>(d);
  }
  add_error(field, "must be an integer");
  return std::nullopt;
}

std::optional<double> JsonInput::number(std::string_view field, bool required) {
  auto const* v = state_->object.if_contains(field);
  if (!v || (v->is_null() && !required)) {
    if (required) add_error(field, "is required");
    return std::nullopt;
  }
  if (v->is_number()) return v->to_number<double>();
  add_error(field, "must be a number");
  return std::nullopt;
}

bool JsonInput::is_null(std::string_view field) const {
  auto const* v = state_->object.if_contains(field);
  return v && v->is_null();
}

void JsonInput::allow_only(std::initializer_list<std::string_view> fields) {
  for (auto const& [key, value] : state_->object) {
    bool known = false;
    for (auto f : fields) known = known || f == key;
    if (!known) add_error(key, "is not a field of this request");
  }
}

std::optional<Response> JsonInput::errors() const {
  if (state_->sink || state_->errors.empty()) return std::nullopt;
  return problem(400, "validation-error", "The request is not valid",
                 "One or more fields are missing, of the wrong type or not allowed.", state_->errors);
}

bool JsonInput::empty() const {
  return state_->object.empty();
}

}  // namespace admit::api
