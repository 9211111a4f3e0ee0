#include "app/accounts.hpp"

#include <algorithm>

namespace admit {
namespace {

std::string trim(std::string_view s) {
  auto const is_space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return std::string(s);
}

std::string to_lower_ascii(std::string s) {
  for (auto& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return s;
}

}  // namespace

Accounts::Accounts(UserStore& users, SessionStore& sessions, PasswordHasher& hasher, AccessTokens& tokens,
                   TokenDigest& digest, Entropy& entropy, Clock const& clock, std::chrono::seconds refresh_lifetime)
    : users_(users),
      sessions_(sessions),
      hasher_(hasher),
      tokens_(tokens),
      digest_(digest),
      entropy_(entropy),
      clock_(clock),
      refresh_lifetime_(refresh_lifetime),
      dummy_hash_(hasher.hash(entropy.new_secret())) {
  set_mail_limits(AccountMailLimits{});
}

void Accounts::set_mail_limits(AccountMailLimits const& limits, RequestQuota::SteadyClock const& now) {
  resets_per_address_ = std::make_unique<RequestQuota>(limits.resets_per_address, limits.window, now);
  resets_per_client_ = std::make_unique<RequestQuota>(limits.resets_per_client, limits.window, now);
  verifications_per_user_ = std::make_unique<RequestQuota>(limits.verifications_per_user, limits.window, now);
}

AccountToken Accounts::new_account_token(MailKind kind, std::string const& email, std::string const& user_id,
                                         std::chrono::seconds lifetime) {
  auto const now = clock_.now();
  auto secret = entropy_.new_secret();
  auto hash = digest_.digest(secret);
  return AccountToken{
      .token_hash = std::move(hash),
      .email = email,
      .user_id = user_id,
      .created_at = now,
      .expires_at = now + lifetime,
      .mail =
          OutboxEntry{
              .id = entropy_.new_id(),
              .kind = kind,
              .recipient = email,
              .user_id = user_id,
              .secret = std::move(secret),
              .created_at = now,
          },
  };
}

namespace {

Error too_many(std::chrono::seconds wait, std::string_view what) {
  auto const seconds = wait.count();
  Error error{Errc::too_many_requests, std::string(what) + "; try again in " + std::to_string(seconds) +
                                           (seconds == 1 ? " second." : " seconds.")};
  error.retry_after = wait;
  return error;
}

std::unexpected<Error> local_accounts_off() {
  return fail(Errc::forbidden, "Accounts with a password are switched off here; sign in with the external provider.");
}

Error invalid_token(std::string_view what) {
  return Error{Errc::invalid_input, std::string(what), {{"token", "is unknown, used or expired"}}};
}

}  // namespace

Result<SessionTokens> Accounts::sign_up(SignUpRequest const& request, Actor const& actor) {
  if (!local_accounts_) return local_accounts_off();
  auto errors = check_signup(request.email, request.password, request.name);
  if (request.role != Role::attendee && request.role != Role::organizer) {
    errors.push_back({"role", "must be attendee or organizer"});
  }
  if (!errors.empty()) return fail(Errc::invalid_input, "The account details are not acceptable.", std::move(errors));

  User user{
      .id = entropy_.new_id(),
      .email = *normalize_email(request.email),
      .name = trim(request.name),
      .password_hash = hasher_.hash(request.password),
      .roles = Roles(request.role),
      .created_at = clock_.now(),
  };
  std::optional<AccountToken> verification;
  if (request.email_verified) {
    user.email_verified_at = user.created_at;
  } else {
    verification = new_account_token(MailKind::email_verification, user.email, user.id,
                                     std::chrono::duration_cast<std::chrono::seconds>(kEmailVerificationLifetime));
  }
  Actor self = actor;
  if (self.user_id.empty()) self.user_id = user.id;
  if (auto inserted = users_.insert_user(user, verification, self); !inserted) {
    return std::unexpected(inserted.error());
  }
  return start_session(std::move(user));
}

Result<SessionTokens> Accounts::log_in(std::string_view email, std::string_view password, std::string_view client) {
  if (!local_accounts_) return local_accounts_off();
  auto const normalized = normalize_email(email);
  // The throttle's key is decided before the account is looked up, and is the same for an
  // address that has no account: its answers reveal nothing about which addresses exist.
  auto const key = normalized ? *normalized : to_lower_ascii(trim(email).substr(0, 320));
  if (throttle_) {
    if (auto const wait = throttle_->begin(key, client)) {
      auto const seconds = wait->count();
      auto error = Error{Errc::throttled, "Too many failed sign-ins with this email address; try again in " +
                                              std::to_string(seconds) + (seconds == 1 ? " second." : " seconds.")};
      error.retry_after = *wait;
      return std::unexpected(std::move(error));
    }
  }
  auto user = normalized ? users_.find_user_by_email(*normalized) : std::nullopt;
  if (!user) {
    hasher_.verify(dummy_hash_, password);
    return fail(Errc::invalid_credentials, "The email or password is wrong.");
  }
  if (!hasher_.verify(user->password_hash, password)) {
    return fail(Errc::invalid_credentials, "The email or password is wrong.");
  }
  // Said only to someone who knows the password, so it reveals nothing to a guesser.
  if (user->disabled()) return fail(Errc::account_disabled, "This account is disabled; ask the administrator.");
  if (throttle_) throttle_->succeeded(key, client);
  return start_session(std::move(*user));
}

Result<SessionTokens> Accounts::refresh(std::string_view refresh_token) {
  auto const now = clock_.now();
  auto const next = entropy_.new_secret();
  auto const rotation =
      sessions_.rotate_session(digest_.digest(refresh_token), digest_.digest(next), now, now + refresh_lifetime_);
  switch (rotation.outcome) {
    case RotateOutcome::rotated: break;
    case RotateOutcome::reused:
      return fail(Errc::unauthenticated,
                  "This refresh token was already used; every session of this login has been ended.");
    case RotateOutcome::invalid:
      return fail(Errc::unauthenticated, "The refresh token is unknown, expired or revoked.");
  }
  auto user = users_.find_user(rotation.user_id);
  if (!user) return fail(Errc::unauthenticated, "The account no longer exists.");
  // Disabling revokes every refresh token; this catches one stored while that happened.
  if (user->disabled()) return fail(Errc::unauthenticated, "The account is disabled.");
  return SessionTokens{
      .user = *user,
      .access = tokens_.issue({user->id, user->roles, user->token_version}),
      .refresh_token = next,
  };
}

Result<void> Accounts::log_out(Principal const& who, std::string_view refresh_token) {
  sessions_.revoke_family(digest_.digest(refresh_token), who.user_id, clock_.now());
  // Logging out with an unknown token (or another user's, which stays untouched) answers the
  // same as a real logout, so the reply tells nothing about other users' tokens.
  return {};
}

Result<User> Accounts::me(Principal const& who) {
  auto user = users_.find_user(who.user_id);
  if (!user) return fail(Errc::unauthenticated, "The account no longer exists.");
  return *user;
}

Result<void> Accounts::confirm_person(Principal const& who, std::string_view password) {
  auto const user = users_.find_user(who.user_id);
  if (!user) return fail(Errc::unauthenticated, "The account no longer exists.");
  if (user->password_hash.empty()) {
    // No password to re-enter: a token left signed in on a shared computer, or refreshed from
    // an old sign-in, is not enough; a fresh sign-in at the provider is.
    if (who.signed_in_at && clock_.now() - *who.signed_in_at <= kRecentSignIn) return {};
    return fail(Errc::forbidden, "Sign in again to confirm: an account without a password is erased only within " +
                                     std::to_string(kRecentSignIn.count()) + " minutes of signing in.");
  }
  if (password.empty()) {
    return fail(Errc::invalid_input, "Confirm with the account's password.", {{"password", "is required"}});
  }
  if (!hasher_.verify(user->password_hash, password)) {
    return fail(Errc::invalid_input, "The password is wrong.", {{"password", "is not this account's password"}});
  }
  return {};
}

Result<User> Accounts::grant_role(std::string_view email, Role role, Actor const& actor) {
  auto const normalized = normalize_email(email);
  auto user = normalized ? users_.find_user_by_email(*normalized) : std::nullopt;
  if (!user) return fail(Errc::not_found, "No account has this email.");
  auto updated = users_.set_roles(user->email, user->roles.with(role), Roles(role), actor);
  if (!updated) return fail(Errc::not_found, "No account has this email.");
  return *updated;
}

namespace {

Result<User> account_changed(std::expected<User, AccountRefusal> changed) {
  if (changed) return std::move(*changed);
  switch (changed.error()) {
    case AccountRefusal::last_admin:
      return fail(Errc::last_admin,
                  "This is the only enabled admin account; make another account an admin first, so that someone can "
                  "still administer this instance.");
    case AccountRefusal::erased: return fail(Errc::conflict, "This account's data was erased; it cannot be changed.");
    case AccountRefusal::not_found: break;
  }
  return fail(Errc::not_found, "No account has this email.");
}

}  // namespace

Result<User> Accounts::revoke_role(std::string_view email, Role role, Actor const& actor, bool keep_an_admin) {
  auto const normalized = normalize_email(email);
  if (!normalized) return fail(Errc::not_found, "No account has this email.");
  return account_changed(users_.revoke_role(*normalized, role, clock_.now(), actor, keep_an_admin));
}

Result<User> Accounts::disable(std::string_view email, Actor const& actor, bool keep_an_admin) {
  auto const normalized = normalize_email(email);
  if (!normalized) return fail(Errc::not_found, "No account has this email.");
  return account_changed(users_.set_disabled(*normalized, true, clock_.now(), actor, keep_an_admin));
}

Result<User> Accounts::enable(std::string_view email, Actor const& actor) {
  auto const normalized = normalize_email(email);
  if (!normalized) return fail(Errc::not_found, "No account has this email.");
  return account_changed(users_.set_disabled(*normalized, false, clock_.now(), actor, false));
}

Result<void> Accounts::request_password_reset(std::string_view email, std::string_view client) {
  if (!local_accounts_) return local_accounts_off();
  auto const normalized = normalize_email(email);
  if (!normalized) {
    return fail(Errc::invalid_input, "The email address is not valid.", {{"email", "must be a valid email address"}});
  }
  // Both limits are checked before either counts, so a refused request costs nothing.
  auto const client_wait = resets_per_client_->wait(client);
  auto const address_wait = resets_per_address_->wait(*normalized);
  if (client_wait || address_wait) {
    return std::unexpected(too_many(
        std::max(client_wait.value_or(std::chrono::seconds{0}), address_wait.value_or(std::chrono::seconds{0})),
        "Too many password reset links were asked for"));
  }
  resets_per_client_->take(client);
  resets_per_address_->take(*normalized);
  users_.queue_password_reset(
      new_account_token(MailKind::password_reset, *normalized, {},
                        std::chrono::duration_cast<std::chrono::seconds>(kPasswordResetLifetime)));
  return {};
}

Result<void> Accounts::reset_password(std::string_view token, std::string_view password, Actor const& actor) {
  if (!local_accounts_) return local_accounts_off();
  if (auto errors = check_password(password); !errors.empty()) {
    return fail(Errc::invalid_input, "The new password is not acceptable.", std::move(errors));
  }
  if (token.empty() || token.size() > 200) return std::unexpected(invalid_token("This reset link is not valid."));
  auto const hash = hasher_.hash(password);
  if (!users_.reset_password(digest_.digest(token), hash, clock_.now(), actor)) {
    return std::unexpected(
        invalid_token("This reset link is not valid: it was used already, has expired, or was altered."));
  }
  return {};
}

Result<void> Accounts::verify_email(std::string_view token, Actor const& actor) {
  if (token.empty() || token.size() > 200 || !users_.verify_email(digest_.digest(token), clock_.now(), actor)) {
    return std::unexpected(
        invalid_token("This verification link is not valid: it was used already, has expired, or was altered."));
  }
  return {};
}

Result<bool> Accounts::resend_verification(Principal const& who) {
  auto user = users_.find_user(who.user_id);
  if (!user) return fail(Errc::unauthenticated, "The account no longer exists.");
  if (user->email_verified()) return false;
  if (auto const wait = verifications_per_user_->wait(user->id)) {
    return std::unexpected(too_many(*wait, "Too many verification links were asked for"));
  }
  verifications_per_user_->take(user->id);
  users_.queue_email_verification(
      new_account_token(MailKind::email_verification, user->email, user->id,
                        std::chrono::duration_cast<std::chrono::seconds>(kEmailVerificationLifetime)));
  return true;
}

Result<SessionTokens> Accounts::open_session(std::string_view user_id) {
  auto user = users_.find_user(user_id);
  if (!user) return fail(Errc::unauthenticated, "The account no longer exists.");
  if (user->disabled()) return fail(Errc::account_disabled, "This account is disabled.");
  return start_session(std::move(*user));
}

SessionTokens Accounts::start_session(User user) {
  auto const now = clock_.now();
  auto refresh = entropy_.new_secret();
  sessions_.insert_session({
      .token_hash = digest_.digest(refresh),
      .user_id = user.id,
      .family_id = entropy_.new_id(),
      .issued_at = now,
      .expires_at = now + refresh_lifetime_,
  });
  auto access = tokens_.issue({.user_id = user.id,
                               .roles = user.roles,
                               .token_version = user.token_version,
                               .order_id = {},
                               .signed_in_at = now});
  return {std::move(user), std::move(access), std::move(refresh)};
}

}  // namespace admit
