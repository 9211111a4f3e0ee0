#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/error.hpp"
#include "domain/time.hpp"

namespace admit {

/// Bit 4 was the global door-staff role, retired: door staff are invited per event
/// (domain/staff.hpp), and migration V009 cleared the bit.
enum class Role : std::uint8_t { attendee = 1, organizer = 2, admin = 8 };

/// A set of roles, stored as a bit mask.
class Roles {
 public:
  constexpr Roles() = default;
  constexpr explicit Roles(std::uint8_t bits) : bits_(bits) {}
  constexpr Roles(Role r) : bits_(static_cast<std::uint8_t>(r)) {}  // NOLINT(google-explicit-constructor)

  constexpr bool has(Role r) const { return (bits_ & static_cast<std::uint8_t>(r)) != 0; }
  constexpr Roles with(Role r) const { return Roles(static_cast<std::uint8_t>(bits_ | static_cast<std::uint8_t>(r))); }
  constexpr bool any_of(Roles other) const { return (bits_ & other.bits_) != 0; }
  constexpr std::uint8_t bits() const { return bits_; }
  constexpr bool operator==(Roles const&) const = default;

  /// Role names in a fixed order: attendee, organizer, admin.
  std::vector<std::string_view> names() const;

 private:
  std::uint8_t bits_ = 0;
};

constexpr Roles operator|(Role a, Role b) {
  return Roles(a).with(b);
}

std::optional<Role> parse_role(std::string_view name);
/// A role name that tokens issued before its retirement may carry ("staff"); it grants nothing.
inline bool is_retired_role(std::string_view name) {
  return name == "staff";
}
std::string_view role_name(Role r);

struct User {
  std::string id;
  std::string email;  ///< normalised: trimmed, lower case
  std::string name;
  std::string password_hash;
  Roles roles;
  Timestamp created_at;
  /// Moves on whenever the account loses rights (a role revoked, the account disabled): an
  /// access token carries the version it was issued under and is refused once it differs.
  std::int64_t token_version = 0;
  std::optional<Timestamp> disabled_at{};  ///< set while the account is disabled

  bool disabled() const { return disabled_at.has_value(); }
};

/// Trims and lower-cases an email address; nullopt when it does not look like one.
std::optional<std::string> normalize_email(std::string_view email);

/// The sign-up rules for a new account; empty when the input is acceptable.
std::vector<FieldError> check_signup(std::string_view email, std::string_view password, std::string_view name);

inline constexpr std::size_t kMinPasswordLength = 8;
inline constexpr std::size_t kMaxPasswordLength = 256;

/// The roles' names joined by commas ("attendee,organizer"), for the audit log.
std::string role_list(Roles roles);

}  // namespace admit
