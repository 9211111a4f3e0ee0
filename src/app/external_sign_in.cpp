#include "app/external_sign_in.hpp"

#include <algorithm>

#include "base/encoding.hpp"

namespace admit {
namespace {

std::string trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return std::string(s);
}

/// The provider's error code when it is one of OAuth's plain tokens, else a generic one: it ends
/// up in a URL the web app reads, so nothing the provider sent travels unchecked.
std::string provider_error(std::string_view error) {
  bool const plain = !error.empty() && error.size() <= 64 &&
                     std::all_of(error.begin(), error.end(), [](char c) { return (c >= 'a' && c <= 'z') || c == '_'; });
  return plain ? std::string(error) : std::string("provider_error");
}

constexpr std::size_t kMaxReturnTo = 2048;
constexpr std::size_t kMaxName = 200;

}  // namespace

std::expected<RoleMap, std::string> parse_role_map(std::string_view text) {
  RoleMap map;
  while (!text.empty()) {
    auto const comma = text.find(',');
    auto const entry = text.substr(0, comma);
    text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
    if (trim(entry).empty()) continue;
    auto const equals = entry.rfind('=');
    if (equals == std::string_view::npos) {
      return std::unexpected("'" + std::string(entry) + "' is not GROUP=ROLE");
    }
    auto group = trim(entry.substr(0, equals));
    auto const role_text = trim(entry.substr(equals + 1));
    auto const role = parse_role(role_text);
    if (group.empty()) return std::unexpected("'" + std::string(entry) + "' names no group");
    if (!role) return std::unexpected("'" + role_text + "' is not a role (attendee, organizer or admin)");
    map.emplace_back(std::move(group), *role);
  }
  return map;
}

Roles map_groups(RoleMap const& map, std::vector<std::string> const& groups) {
  Roles roles;
  for (auto const& [group, role] : map) {
    if (std::find(groups.begin(), groups.end(), group) != groups.end()) roles = roles.with(role);
  }
  return roles;
}

bool is_app_path(std::string_view return_to) {
  if (return_to.empty() || return_to.size() > kMaxReturnTo || return_to.front() != '/') return false;
  // `//host` and `/\host` are read by browsers as another host.
  if (return_to.size() > 1 && (return_to[1] == '/' || return_to[1] == '\\')) return false;
  return std::none_of(return_to.begin(), return_to.end(), [](char c) {
    auto const u = static_cast<unsigned char>(c);
    return c == '\\' || u < 0x20 || u == 0x7f;
  });
}

ExternalSignIn::ExternalSignIn(IdentityProvider& provider, ExternalIdentityStore& store, Accounts& accounts,
                               TokenDigest& digest, Entropy& entropy, Clock const& clock,
                               ExternalSignInSettings settings)
    : provider_(provider),
      store_(store),
      accounts_(accounts),
      digest_(digest),
      entropy_(entropy),
      clock_(clock),
      settings_(std::move(settings)) {
  while (!settings_.public_url.empty() && settings_.public_url.back() == '/') settings_.public_url.pop_back();
}

std::string ExternalSignIn::redirect_uri() const {
  return settings_.public_url + "/api/auth/oidc/callback";
}

std::string ExternalSignIn::web_callback(std::string_view fragment) const {
  return settings_.public_url + "/auth/callback#" + std::string(fragment);
}

Result<std::string> ExternalSignIn::start(std::optional<std::string_view> return_to) {
  auto const target = return_to.value_or("/");
  if (!is_app_path(target)) {
    return fail(Errc::invalid_input, "The sign-in can only return to a page of this site.",
                {{"returnTo", "must be a path of this site, such as /events"}});
  }
  AuthorizationRequest request{
      .state = entropy_.new_secret(), .nonce = entropy_.new_secret(), .code_verifier = entropy_.new_secret()};
  // The provider's URL first: when it cannot be reached nothing is stored.
  auto url = provider_.authorization_url(request);
  auto const now = clock_.now();
  store_.save_sign_in_flow(
      {
          .state_hash = digest_.digest(request.state),
          .nonce = request.nonce,
          .code_verifier = request.code_verifier,
          .return_to = std::string(target),
          .expires_at = now + settings_.flow_lifetime,
      },
      now);
  return url;
}

std::string ExternalSignIn::finish(Callback const& callback, Actor const& actor) {
  // The flow is used up whatever happens next: a state works once.
  auto flow = callback.state.empty() ? std::nullopt : store_.take_sign_in_flow(digest_.digest(callback.state));
  if (!flow) return web_callback("error=invalid_state");
  auto const back = "&returnTo=" + percent_encode(flow->return_to, /*keep_slash=*/true);
  if (!callback.error.empty()) return web_callback("error=" + provider_error(callback.error) + back);
  if (clock_.now() >= flow->expires_at) return web_callback("error=expired" + back);
  if (callback.code.empty()) return web_callback("error=invalid_request" + back);

  std::expected<ExternalPerson, std::string> person;
  try {
    person = provider_.redeem_code(callback.code, flow->code_verifier, flow->nonce);
  } catch (Outage const&) {
    return web_callback("error=provider_unavailable" + back);
  }
  if (!person) return web_callback("error=invalid_token" + back);

  auto const user = link(*person, true, actor);
  if (user.disabled()) return web_callback("error=account_disabled" + back);
  auto code = entropy_.new_secret();
  auto const now = clock_.now();
  store_.save_sign_in_code(digest_.digest(code), user.id, now + settings_.code_lifetime, now);
  return web_callback("code=" + code + back);
}

Result<SessionTokens> ExternalSignIn::exchange(std::string_view code) {
  auto const user_id = code.empty() ? std::nullopt : store_.take_sign_in_code(digest_.digest(code), clock_.now());
  if (!user_id) {
    return fail(Errc::invalid_input, "The sign-in code is unknown, used or expired; sign in again.",
                {{"code", "is unknown, used or expired"}});
  }
  return accounts_.open_session(*user_id);
}

std::expected<std::pair<Principal, Timestamp>, std::string> ExternalSignIn::principal_for_access_token(
    std::string_view token, Actor const& actor) {
  auto person = provider_.verify_access_token(token);
  if (!person) return std::unexpected(person.error());
  auto const user = link(*person, person->groups_present, actor);
  if (user.disabled()) return std::unexpected("the account is disabled");
  return std::make_pair(Principal{user.id, user.roles, user.token_version}, person->expires_at);
}

BearerTokens::BearerTokens(AccessTokens& own, ExternalSignIn& external, Clock const& clock)
    : own_(own), external_(external), clock_(clock) {}

std::expected<Principal, std::string> BearerTokens::verify(std::string_view token) {
  auto mine = own_.verify(token);
  if (mine) return mine;
  // Only a token that names no key of Admit's, or another algorithm, may be the provider's.
  if (mine.error() != "unknown key id" && mine.error() != "algorithm not accepted") return mine;
  auto const now = clock_.now();
  std::string key(token);
  {
    std::lock_guard const lock(mutex_);
    if (auto const hit = cache_.find(key); hit != cache_.end()) {
      if (now < hit->second.expires_at) return hit->second.principal;
      cache_.erase(hit);
    }
  }
  auto verified = external_.principal_for_access_token(token, Actor{});
  if (!verified) return std::unexpected(verified.error());
  std::lock_guard const lock(mutex_);
  if (cache_.size() >= kCacheLimit) cache_.clear();
  cache_.insert_or_assign(std::move(key), Verified{verified->first, verified->second});
  return verified->first;
}

bool BearerTokens::prepare(std::string_view token, std::function<void()> ready) {
  // Only a token Admit did not sign, nor refused for a reason of its own, can be the provider's.
  auto mine = own_.verify(token);
  if (mine || (mine.error() != "unknown key id" && mine.error() != "algorithm not accepted")) return false;
  return external_.prepare_access_token(token, std::move(ready));
}

User ExternalSignIn::link(ExternalPerson const& person, bool roles_known, Actor const& actor) {
  auto email = person.email.empty() ? std::nullopt : normalize_email(person.email);
  auto name = person.name.empty() ? (email ? *email : person.subject) : person.name;
  if (name.size() > kMaxName) {
    name.resize(kMaxName);
    while (!name.empty() && (static_cast<unsigned char>(name.back()) & 0xC0) == 0x80) name.pop_back();
    if (!name.empty() && static_cast<unsigned char>(name.back()) >= 0xC0) name.pop_back();
  }
  return store_.link_external_person(
      {
          .new_user_id = entropy_.new_id(),
          .issuer = person.issuer,
          .subject = person.subject,
          .email = email.value_or(""),
          .email_verified = email.has_value() && person.email_verified,
          .name = std::move(name),
          .name_given = !person.name.empty(),
          .provider_roles = map_groups(settings_.role_map, person.groups),
          .roles_known = roles_known,
          .now = clock_.now(),
      },
      actor);
}

}  // namespace admit
