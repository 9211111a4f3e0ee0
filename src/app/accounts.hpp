#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "app/login_throttle.hpp"
#include "app/ports.hpp"

namespace admit {

struct SignUpRequest {
  std::string email;
  std::string password;
  std::string name;
  Role role = Role::attendee;
};

/// What a successful sign-up, login or refresh hands to the client.
struct SessionTokens {
  User user;
  IssuedToken access;
  std::string refresh_token;
};

/// Accounts and sessions: the built-in identity provider.
class Accounts {
 public:
  Accounts(UserStore& users, SessionStore& sessions, PasswordHasher& hasher, AccessTokens& tokens, TokenDigest& digest,
           Entropy& entropy, Clock const& clock, std::chrono::seconds refresh_lifetime = std::chrono::hours(24 * 30));

  /// Creates an attendee or organizer account and logs it in. Staff and admin are granted,
  /// never chosen.
  Result<SessionTokens> sign_up(SignUpRequest const& request, Actor const& actor);
  /// Checks the password; the same error whether the email or the password is wrong. With a
  /// throttle set, failed attempts slow down further ones (Errc::throttled), keyed on the
  /// normalised email and `client` (the caller's address) whether or not the account exists.
  /// The right password of a disabled account gives Errc::account_disabled.
  Result<SessionTokens> log_in(std::string_view email, std::string_view password, std::string_view client = {});
  /// Trades a refresh token for a new pair; a token works once.
  Result<SessionTokens> refresh(std::string_view refresh_token);
  /// Ends the login the refresh token belongs to, when it is the caller's.
  Result<void> log_out(Principal const& who, std::string_view refresh_token);
  Result<User> me(Principal const& who);
  /// Adds a role to an existing account (the `admit user role` command).
  Result<User> grant_role(std::string_view email, Role role, Actor const& actor);
  /// Takes a role away (`admit user revoke`): every refresh token of the account is revoked at
  /// once and its access tokens stop working (see AccountGate).
  Result<User> revoke_role(std::string_view email, Role role, Actor const& actor);
  /// Disables an account (`admit user disable`): as revoke_role, and it cannot sign in or
  /// refresh until enabled again.
  Result<User> disable(std::string_view email, Actor const& actor);
  /// Lets a disabled account sign in again (`admit user enable`); tokens refused stay refused.
  Result<User> enable(std::string_view email, Actor const& actor);

  /// Throttles log_in with `throttle` (which must outlive this object); none by default.
  void set_login_throttle(LoginThrottle* throttle) { throttle_ = throttle; }

 private:
  SessionTokens start_session(User user);

  UserStore& users_;
  SessionStore& sessions_;
  PasswordHasher& hasher_;
  AccessTokens& tokens_;
  TokenDigest& digest_;
  Entropy& entropy_;
  Clock const& clock_;
  std::chrono::seconds refresh_lifetime_;
  std::string dummy_hash_;  ///< verified against when the email is unknown, so timing tells nothing
  LoginThrottle* throttle_ = nullptr;
};

}  // namespace admit
