#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "app/login_throttle.hpp"
#include "app/ports.hpp"
#include "app/request_quota.hpp"

namespace admit {

struct SignUpRequest {
  std::string email;
  std::string password;
  std::string name;
  Role role = Role::attendee;
  /// For accounts the operator makes (the demo's): the address counts as verified from the
  /// start and no verification link is sent. Never taken from a request.
  bool email_verified = false;
};

/// How often one may make Admit mail an account link: each a burst, then one more every
/// window / allowance (see RequestQuota); 0 turns that limit off.
struct AccountMailLimits {
  int resets_per_address = 5;      ///< password reset links to one address
  int resets_per_client = 20;      ///< password reset links asked for from one client address
  int verifications_per_user = 5;  ///< verification links resent to one account
  std::chrono::seconds window{3600};
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
  /// never chosen. Unless the request says the address is verified, a verification link
  /// (valid kEmailVerificationLifetime) is queued in the same transaction as the account.
  Result<SessionTokens> sign_up(SignUpRequest const& request, Actor const& actor);
  /// Checks the password; the same error whether the email or the password is wrong. With a
  /// throttle set, failed attempts slow down further ones (Errc::throttled), keyed on the
  /// normalised email and `client` (the caller's address) whether or not the account exists.
  /// The right password of a disabled account gives Errc::account_disabled.
  Result<SessionTokens> log_in(std::string_view email, std::string_view password, std::string_view client = {});
  /// Trades a refresh token for a new pair; a token works once.
  Result<SessionTokens> refresh(std::string_view refresh_token);
  /// Starts a session for an account whose person proved who they are elsewhere (the external
  /// identity provider). Errc::unauthenticated when the account is gone, account_disabled
  /// when it is disabled.
  Result<SessionTokens> open_session(std::string_view user_id);
  /// Ends the login the refresh token belongs to, when it is the caller's.
  Result<void> log_out(Principal const& who, std::string_view refresh_token);
  Result<User> me(Principal const& who);
  /// Checks that the person is there before an irreversible step (erasing the account): an
  /// account with a password must send it (Errc::invalid_input naming `password` when it is
  /// missing or wrong); one without (made by external sign-in) must present an access token of
  /// a sign-in at most kRecentSignIn ago (Errc::forbidden, "sign in again", otherwise).
  Result<void> confirm_person(Principal const& who, std::string_view password);
  static constexpr std::chrono::minutes kRecentSignIn{10};
  /// Adds a role to an existing account (the `admit user role` command).
  Result<User> grant_role(std::string_view email, Role role, Actor const& actor);
  /// Takes a role away (`admit user revoke`): every refresh token of the account is revoked at
  /// once and its access tokens stop working (see AccountGate). With `keep_an_admin` (the admin
  /// console; the command line may do anything), taking admin from the only enabled admin is
  /// refused with Errc::last_admin.
  Result<User> revoke_role(std::string_view email, Role role, Actor const& actor, bool keep_an_admin = false);
  /// Disables an account (`admit user disable`): as revoke_role, and it cannot sign in or
  /// refresh until enabled again. `keep_an_admin` as for revoke_role.
  Result<User> disable(std::string_view email, Actor const& actor, bool keep_an_admin = false);
  /// Lets a disabled account sign in again (`admit user enable`); tokens refused stay refused.
  Result<User> enable(std::string_view email, Actor const& actor);

  /// Queues a password reset link (valid kPasswordResetLifetime, single use) for a well-formed
  /// address, without looking for an account: the answer and its timing are the same whether
  /// or not one has the address (the sender skips the message when none has). Token and
  /// message are written in one transaction. Errc::invalid_input (`email`) for a malformed
  /// address; Errc::too_many_requests, writing nothing, when the address or the client
  /// (`client`) asked too often.
  Result<void> request_password_reset(std::string_view email, std::string_view client);
  /// Sets a new password with a reset link's token: checked with the sign-up rules
  /// (`password`); then, atomically, the token is used up, every session of the account ends
  /// (refresh tokens revoked, access tokens refused) and the address counts as verified.
  /// Errc::invalid_input naming `token`, nothing changed, for a used, expired, altered or
  /// unknown token.
  Result<void> reset_password(std::string_view token, std::string_view password, Actor const& actor);
  /// Marks the account's address verified with a verification link's token (single use);
  /// Errc::invalid_input naming `token` for a used, expired, altered or unknown one.
  Result<void> verify_email(std::string_view token, Actor const& actor);
  /// Queues a fresh verification link for the caller's address: true when queued, false (and
  /// nothing queued) when the address is verified already; Errc::too_many_requests when asked
  /// too often.
  Result<bool> resend_verification(Principal const& who);

  /// Replaces the limits on account mail (defaults: AccountMailLimits{}).
  void set_mail_limits(AccountMailLimits const& limits,
                       RequestQuota::SteadyClock const& now = std::chrono::steady_clock::now);

  /// Switches accounts with a password off (false) or on: sign-up, log-in, and password resets
  /// then fail with Errc::forbidden, so people sign in through the external provider only.
  void set_local_accounts(bool on) { local_accounts_ = on; }

  /// Throttles log_in with `throttle` (which must outlive this object); none by default.
  void set_login_throttle(LoginThrottle* throttle) { throttle_ = throttle; }

 private:
  SessionTokens start_session(User user);
  /// A fresh single-use token for `email` (of `user_id`, for verification) valid for
  /// `lifetime`, with the message that carries it.
  AccountToken new_account_token(MailKind kind, std::string const& email, std::string const& user_id,
                                 std::chrono::seconds lifetime);

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
  bool local_accounts_ = true;
  std::unique_ptr<RequestQuota> resets_per_address_;
  std::unique_ptr<RequestQuota> resets_per_client_;
  std::unique_ptr<RequestQuota> verifications_per_user_;
};

}  // namespace admit
