#include "domain/user.hpp"

#include <algorithm>
#include <array>
#include <utility>

namespace admit {
namespace {

constexpr std::array<std::pair<Role, std::string_view>, 3> kRoleNames{{
    {Role::attendee, "attendee"},
    {Role::organizer, "organizer"},
    {Role::admin, "admin"},
}};

std::string_view trim(std::string_view s) {
  auto const is_space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

// Length in code points of valid UTF-8 (the JSON parser has already rejected invalid text).
std::size_t utf8_length(std::string_view s) {
  return static_cast<std::size_t>(
      std::count_if(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

}  // namespace

std::vector<std::string_view> Roles::names() const {
  std::vector<std::string_view> out;
  for (auto const& [role, name] : kRoleNames) {
    if (has(role)) out.push_back(name);
  }
  return out;
}

std::optional<Role> parse_role(std::string_view name) {
  for (auto const& [role, role_text] : kRoleNames) {
    if (role_text == name) return role;
  }
  return std::nullopt;
}

std::string_view role_name(Role r) {
  for (auto const& [role, name] : kRoleNames) {
    if (role == r) return name;
  }
  return "unknown";
}

std::optional<std::string> normalize_email(std::string_view email) {
  email = trim(email);
  if (email.size() < 3 || email.size() > 254) return std::nullopt;
  auto const at = email.find('@');
  if (at == std::string_view::npos || at == 0 || at != email.rfind('@') || at + 1 >= email.size()) {
    return std::nullopt;
  }
  auto const domain = email.substr(at + 1);
  if (domain.find('.') == std::string_view::npos || domain.front() == '.' || domain.back() == '.') {
    return std::nullopt;
  }
  std::string out;
  out.reserve(email.size());
  for (char c : email) {
    if (static_cast<unsigned char>(c) <= ' ' || c == '<' || c == '>' || c == ',' || c == ';') return std::nullopt;
    out.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
  }
  return out;
}

std::vector<FieldError> check_password(std::string_view password) {
  auto const length = utf8_length(password);
  if (length < kMinPasswordLength) return {{"password", "must be at least 8 characters"}};
  if (length > kMaxPasswordLength) return {{"password", "must be at most 256 characters"}};
  return {};
}

std::vector<FieldError> check_signup(std::string_view email, std::string_view password, std::string_view name) {
  std::vector<FieldError> errors;
  if (!normalize_email(email)) errors.push_back({"email", "must be a valid email address"});
  auto password_errors = check_password(password);
  errors.insert(errors.end(), password_errors.begin(), password_errors.end());
  auto const trimmed = trim(name);
  if (trimmed.empty()) {
    errors.push_back({"name", "must not be empty"});
  } else if (utf8_length(trimmed) > 200) {
    errors.push_back({"name", "must be at most 200 characters"});
  }
  return errors;
}

std::string role_list(Roles roles) {
  std::string out;
  for (auto name : roles.names()) {
    if (!out.empty()) out += ",";
    out += name;
  }
  return out;
}

}  // namespace admit

namespace admit {

std::string external_placeholder_email(std::string_view user_id) {
  std::string local = "external-";
  for (char const c : user_id) local += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  return local + "@users.invalid";
}

}  // namespace admit
