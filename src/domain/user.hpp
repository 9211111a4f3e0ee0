#pragma once

#include <chrono>
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
  /// When the account proved it receives mail at `email` (a verification or reset link used);
  /// nullopt until then.
  std::optional<Timestamp> email_verified_at{};
  /// When the person's data was erased (GDPR Art. 17): the account stays, for the books, with no
  /// name, address or password, disabled for good.
  std::optional<Timestamp> erased_at{};

  bool disabled() const { return disabled_at.has_value(); }
  bool email_verified() const { return email_verified_at.has_value(); }
  bool erased() const { return erased_at.has_value(); }
};

/// How long a password reset link works: long enough to open the mail, short enough that an
/// old message found in a mailbox later is useless.
inline constexpr std::chrono::minutes kPasswordResetLifetime{30};
/// How long an address verification link works: two days, so a link sent on a Friday evening
/// still works on Sunday; a new one can be asked for at any time.
inline constexpr std::chrono::hours kEmailVerificationLifetime{48};

/// Trims and lower-cases an email address; nullopt when it does not look like one.
std::optional<std::string> normalize_email(std::string_view email);

/// The rules for a new password (sign-up and reset), naming the field `password`; empty when
/// it is acceptable.
std::vector<FieldError> check_password(std::string_view password);

/// The sign-up rules for a new account; empty when the input is acceptable.
std::vector<FieldError> check_signup(std::string_view email, std::string_view password, std::string_view name);

inline constexpr std::size_t kMinPasswordLength = 8;
inline constexpr std::size_t kMaxPasswordLength = 256;

/// Whether `organizer` may offer tickets at `price_minor` (per ticket): free tickets always;
/// paid ones, where the instance requires it, only once the organizer's address is verified,
/// so that buyers' money never goes to an organizer nobody can reach by mail.
inline bool may_sell_at(User const& organizer, std::int64_t price_minor, bool require_verified_organizers) {
  return price_minor <= 0 || !require_verified_organizers || organizer.email_verified();
}

/// The roles an account holds after a sign-in through the external identity provider: the roles
/// the provider granted at the previous sign-in (`from_provider_before`) give way to those it
/// grants now, and the roles granted in Admit itself stay. So a person the provider removed from
/// its Organizers group loses the organizer role, while an admin's grant outlives every sign-in.
constexpr Roles roles_after_external_sign_in(Roles current, Roles from_provider_before, Roles from_provider_now) {
  auto const granted_in_admit = static_cast<std::uint8_t>(current.bits() & ~from_provider_before.bits());
  return Roles(static_cast<std::uint8_t>(granted_in_admit | from_provider_now.bits()));
}

/// The address an account made for an external sign-in gets when the provider gave none, or one
/// that another account already has: unique, and under .invalid (RFC 2606), so no mail is ever
/// delivered to it and nobody can claim it.
std::string external_placeholder_email(std::string_view user_id);

/// The roles' names joined by commas ("attendee,organizer"), for the audit log.
std::string role_list(Roles roles);

}  // namespace admit
