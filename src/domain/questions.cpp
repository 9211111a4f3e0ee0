#include "domain/questions.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <cmath>
#include <utility>

#include "base/text.hpp"
#include "domain/user.hpp"

namespace admit {
namespace {

constexpr std::array<std::pair<QuestionType, std::string_view>, 9> kTypeNames{{
    {QuestionType::text, "text"},
    {QuestionType::multiline, "multiline"},
    {QuestionType::number, "number"},
    {QuestionType::email, "email"},
    {QuestionType::phone, "phone"},
    {QuestionType::date, "date"},
    {QuestionType::select, "select"},
    {QuestionType::multiselect, "multiselect"},
    {QuestionType::checkbox, "checkbox"},
}};

constexpr std::size_t kMaxText = 500;
constexpr std::size_t kMaxMultiline = 5000;
/// E.164 allows at most 15 digits; fewer than 5 is no reachable number anywhere.
constexpr int kMinPhoneDigits = 5;
constexpr int kMaxPhoneDigits = 15;
/// Numbers a person types into a form; beyond this a double no longer holds every integer.
constexpr double kMaxNumber = 1e15;

bool has_choices(QuestionType type) {
  return type == QuestionType::select || type == QuestionType::multiselect;
}

std::string trimmed(std::string_view s) {
  auto const first = s.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  auto const last = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(first, last - first + 1));
}

bool is_phone_number(std::string_view s) {
  int digits = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    char const c = s[i];
    if (c >= '0' && c <= '9') {
      ++digits;
    } else if (c == '+') {
      if (i != 0) return false;
    } else if (c != ' ' && c != '-' && c != '.' && c != '(' && c != ')') {
      return false;
    }
  }
  return digits >= kMinPhoneDigits && digits <= kMaxPhoneDigits;
}

/// A calendar date written YYYY-MM-DD.
bool is_date(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  int parts[3] = {0, 0, 0};
  std::size_t const starts[3] = {0, 5, 8}, lengths[3] = {4, 2, 2};
  for (int p = 0; p < 3; ++p) {
    for (std::size_t i = starts[p]; i < starts[p] + lengths[p]; ++i) {
      if (s[i] < '0' || s[i] > '9') return false;
      parts[p] = parts[p] * 10 + (s[i] - '0');
    }
  }
  using namespace std::chrono;
  return year_month_day{year{parts[0]}, month{static_cast<unsigned>(parts[1])}, day{static_cast<unsigned>(parts[2])}}
      .ok();
}

std::string_view kind_of(AnswerValue const& value) {
  switch (value.index()) {
    case 0: return "text";
    case 1: return "a number";
    case 2: return "true or false";
    default: return "a list";
  }
}

std::string_view expected_kind(QuestionType type) {
  switch (type) {
    case QuestionType::number: return "a number";
    case QuestionType::checkbox: return "true or false";
    case QuestionType::multiselect: return "a list of the options";
    default: return "text";
  }
}

/// One answer to `q`, canonical; nullopt with `why` set when it breaks a rule, nullopt with
/// `why` empty when it is an empty answer (as if unanswered).
std::optional<AnswerValue> canonical(QuestionDraft const& q, AnswerValue const& value, std::string& why) {
  auto const* text = std::get_if<std::string>(&value);
  switch (q.type) {
    case QuestionType::number: {
      auto const* number = std::get_if<double>(&value);
      if (!number) break;
      if (!std::isfinite(*number) || std::abs(*number) > kMaxNumber) {
        why = "must be a number between -1e15 and 1e15";
        return std::nullopt;
      }
      return *number;
    }
    case QuestionType::checkbox: {
      auto const* checked = std::get_if<bool>(&value);
      if (!checked) break;
      if (!*checked) return std::nullopt;
      return true;
    }
    case QuestionType::multiselect: {
      auto const* chosen = std::get_if<std::vector<std::string>>(&value);
      if (!chosen) break;
      std::vector<std::string> in_order;
      for (auto const& option : q.options) {
        auto const n = std::ranges::count(*chosen, option);
        if (n > 1) {
          why = "names \"" + option + "\" twice";
          return std::nullopt;
        }
        if (n == 1) in_order.push_back(option);
      }
      if (in_order.size() != chosen->size()) {
        why = "must name only the question's options";
        return std::nullopt;
      }
      if (in_order.empty()) return std::nullopt;
      return in_order;
    }
    case QuestionType::text:
    case QuestionType::multiline:
    case QuestionType::email:
    case QuestionType::phone:
    case QuestionType::date:
    case QuestionType::select: {
      if (!text) break;
      auto answer = trimmed(*text);
      if (answer.empty()) return std::nullopt;
      auto const limit = q.type == QuestionType::multiline ? kMaxMultiline : kMaxText;
      if (utf8_length(answer) > limit) {
        why = "must be at most " + std::to_string(limit) + " characters";
        return std::nullopt;
      }
      if (q.type == QuestionType::email) {
        auto address = normalize_email(answer);
        if (!address) {
          why = "must be an email address";
          return std::nullopt;
        }
        return std::move(*address);
      }
      if (q.type == QuestionType::phone && !is_phone_number(answer)) {
        why =
            "must be a phone number: 5 to 15 digits, optionally with a leading + and spaces, dashes, dots or "
            "parentheses";
        return std::nullopt;
      }
      if (q.type == QuestionType::date && !is_date(answer)) {
        why = "must be a date written YYYY-MM-DD";
        return std::nullopt;
      }
      if (q.type == QuestionType::select && std::ranges::find(q.options, answer) == q.options.end()) {
        why = "must be one of the question's options";
        return std::nullopt;
      }
      return answer;
    }
  }
  why = "must be " + std::string(expected_kind(q.type)) + ", not " + std::string(kind_of(value));
  return std::nullopt;
}

}  // namespace

std::string_view question_type_name(QuestionType type) {
  for (auto const& [t, name] : kTypeNames) {
    if (t == type) return name;
  }
  return "text";
}

std::optional<QuestionType> parse_question_type(std::string_view name) {
  for (auto const& [t, n] : kTypeNames) {
    if (n == name) return t;
  }
  return std::nullopt;
}

std::string_view question_scope_name(QuestionScope scope) {
  return scope == QuestionScope::order ? "order" : "ticket";
}

std::optional<QuestionScope> parse_question_scope(std::string_view name) {
  if (name == "order") return QuestionScope::order;
  if (name == "ticket") return QuestionScope::ticket;
  return std::nullopt;
}

bool Question::asks_type(std::string_view ticket_type_id) const {
  return details.ticket_type_ids.empty() ||
         std::ranges::find(details.ticket_type_ids, ticket_type_id) != details.ticket_type_ids.end();
}

std::vector<FieldError> check_question(QuestionDraft const& d) {
  std::vector<FieldError> errors;
  if (is_blank(d.label)) {
    errors.push_back({"label", "must not be empty"});
  } else if (utf8_length(d.label) > QuestionDraft::kMaxLabel) {
    errors.push_back({"label", "must be at most " + std::to_string(QuestionDraft::kMaxLabel) + " characters"});
  }
  if (has_choices(d.type)) {
    if (d.options.empty()) errors.push_back({"options", "must name at least one choice"});
    if (d.options.size() > QuestionDraft::kMaxOptions) {
      errors.push_back({"options", "must name at most " + std::to_string(QuestionDraft::kMaxOptions) + " choices"});
    }
    for (std::size_t i = 0; i < d.options.size(); ++i) {
      auto const field = "options[" + std::to_string(i) + "]";
      auto const& option = d.options[i];
      if (is_blank(option) || option != trimmed(option)) {
        errors.push_back({field, "must not be empty nor start or end with a space"});
      } else if (utf8_length(option) > QuestionDraft::kMaxOption) {
        errors.push_back({field, "must be at most " + std::to_string(QuestionDraft::kMaxOption) + " characters"});
      } else if (std::ranges::find(d.options.begin(), d.options.begin() + static_cast<std::ptrdiff_t>(i), option) !=
                 d.options.begin() + static_cast<std::ptrdiff_t>(i)) {
        errors.push_back({field, "repeats an earlier choice"});
      }
    }
  } else if (!d.options.empty()) {
    errors.push_back({"options", "only select and multiselect questions have choices"});
  }
  for (std::size_t i = 0; i < d.ticket_type_ids.size(); ++i) {
    auto const earlier = d.ticket_type_ids.begin() + static_cast<std::ptrdiff_t>(i);
    if (std::find(d.ticket_type_ids.begin(), earlier, *earlier) != earlier) {
      errors.push_back({"ticketTypeIds[" + std::to_string(i) + "]", "names a ticket type twice"});
    }
  }
  return errors;
}

Result<Answers> check_answers(std::vector<Question> const& questions, AnswerSheet const& sheet, Answers answers) {
  std::vector<Question const*> asked;
  for (auto const& q : questions) {
    if (q.details.scope != sheet.scope) continue;
    if (std::ranges::any_of(sheet.ticket_type_ids, [&](auto const& type) { return q.asks_type(type); })) {
      asked.push_back(&q);
    }
  }
  std::ranges::stable_sort(asked, [](Question const* a, Question const* b) {
    return std::pair(a->details.position, std::string_view(a->id)) <
           std::pair(b->details.position, std::string_view(b->id));
  });

  std::vector<FieldError> errors;
  auto const field = [&](std::string_view id) { return sheet.path + "." + std::string(id); };
  for (std::size_t i = 0; i < answers.size(); ++i) {
    auto const& id = answers[i].question_id;
    if (std::ranges::none_of(asked, [&](Question const* q) { return q->id == id; })) {
      errors.push_back({field(id), sheet.scope == QuestionScope::ticket ? "is not a question asked of this ticket"
                                                                        : "is not a question asked of this order"});
    } else if (std::ranges::find(answers.begin(), answers.begin() + static_cast<std::ptrdiff_t>(i), id,
                                 &Answer::question_id) != answers.begin() + static_cast<std::ptrdiff_t>(i)) {
      errors.push_back({field(id), "is answered twice"});
    }
  }
  Answers checked;
  for (auto const* q : asked) {
    auto const given = std::ranges::find(answers, q->id, &Answer::question_id);
    std::optional<AnswerValue> value;
    if (given != answers.end()) {
      std::string why;
      value = canonical(q->details, given->value, why);
      if (!why.empty()) {
        errors.push_back({field(q->id), why});
        continue;
      }
    }
    if (value) {
      checked.push_back({q->id, std::move(*value)});
    } else if (q->details.required) {
      errors.push_back({field(q->id), q->details.type == QuestionType::checkbox
                                          ? "must be accepted (\"" + q->details.label + "\")"
                                          : "is required (\"" + q->details.label + "\")"});
    }
  }
  if (!errors.empty()) return fail(Errc::invalid_input, "Some answers are missing or not valid.", std::move(errors));
  return checked;
}

std::string answer_text(AnswerValue const& value) {
  return std::visit(
      [](auto const& v) -> std::string {
        using V = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<V, std::string>) {
          return v;
        } else if constexpr (std::is_same_v<V, bool>) {
          return v ? "yes" : "no";
        } else if constexpr (std::is_same_v<V, double>) {
          if (v == std::floor(v) && std::abs(v) <= kMaxNumber) return std::to_string(static_cast<std::int64_t>(v));
          std::array<char, 32> digits{};
          auto const end = std::to_chars(digits.data(), digits.data() + digits.size(), v).ptr;
          return std::string(digits.data(), end);
        } else {
          std::string joined;
          for (auto const& choice : v) {
            if (!joined.empty()) joined += "; ";
            joined += choice;
          }
          return joined;
        }
      },
      value);
}

}  // namespace admit
