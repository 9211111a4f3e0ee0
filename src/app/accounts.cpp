#include "app/accounts.hpp"

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
      dummy_hash_(hasher.hash(entropy.new_secret())) {}

Result<SessionTokens> Accounts::sign_up(SignUpRequest const& request, Actor const& actor) {
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
  Actor self = actor;
  if (self.user_id.empty()) self.user_id = user.id;
  if (auto inserted = users_.insert_user(user, self); !inserted) return std::unexpected(inserted.error());
  return start_session(std::move(user));
}

Result<SessionTokens> Accounts::log_in(std::string_view email, std::string_view password, std::string_view client) {
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

Result<User> Accounts::grant_role(std::string_view email, Role role, Actor const& actor) {
  auto const normalized = normalize_email(email);
  auto user = normalized ? users_.find_user_by_email(*normalized) : std::nullopt;
  if (!user) return fail(Errc::not_found, "No account has this email.");
  auto updated = users_.set_roles(user->email, user->roles.with(role), actor);
  if (!updated) return fail(Errc::not_found, "No account has this email.");
  return *updated;
}

Result<User> Accounts::revoke_role(std::string_view email, Role role, Actor const& actor) {
  auto const normalized = normalize_email(email);
  auto user = normalized ? users_.revoke_role(*normalized, role, clock_.now(), actor) : std::nullopt;
  if (!user) return fail(Errc::not_found, "No account has this email.");
  return *user;
}

Result<User> Accounts::disable(std::string_view email, Actor const& actor) {
  auto const normalized = normalize_email(email);
  auto user = normalized ? users_.set_disabled(*normalized, true, clock_.now(), actor) : std::nullopt;
  if (!user) return fail(Errc::not_found, "No account has this email.");
  return *user;
}

Result<User> Accounts::enable(std::string_view email, Actor const& actor) {
  auto const normalized = normalize_email(email);
  auto user = normalized ? users_.set_disabled(*normalized, false, clock_.now(), actor) : std::nullopt;
  if (!user) return fail(Errc::not_found, "No account has this email.");
  return *user;
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
  auto access = tokens_.issue({user.id, user.roles, user.token_version});
  return {std::move(user), std::move(access), std::move(refresh)};
}

}  // namespace admit
