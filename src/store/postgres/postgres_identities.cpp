// External sign-in on PostgreSQL: sign-in flows, one-time codes and the accounts linked to the
// provider's people. Flows and codes are taken with DELETE … RETURNING, so of two nodes finishing
// the same flow one gets it. A person's first sign-in on two nodes at once makes both try to
// insert the identity; the loser's transaction fails on the primary key and runs again, finding
// the winner's account.

#include "store/postgres/internal.hpp"
#include "store/postgres/postgres_store.hpp"

namespace admit {

using pg::Connection;
using pg::param;
using pg_detail::audit;
using pg_detail::seconds;

void PostgresStore::save_sign_in_flow(SignInFlow const& flow, Timestamp now) {
  pg::transaction(*pool_, [&](Connection& db) {
    db.exec("DELETE FROM sign_in_flows WHERE expires_at < $1", {param(seconds(now))});
    db.exec(
        "INSERT INTO sign_in_flows (state_hash, nonce, code_verifier, return_to, expires_at) "
        "VALUES ($1, $2, $3, $4, $5)",
        {param(flow.state_hash), param(flow.nonce), param(flow.code_verifier), param(flow.return_to),
         param(seconds(flow.expires_at))});
  });
}

std::optional<SignInFlow> PostgresStore::take_sign_in_flow(std::string_view state_hash) {
  auto db = pool_->acquire();
  auto r = db->exec(
      "DELETE FROM sign_in_flows WHERE state_hash = $1 "
      "RETURNING state_hash, nonce, code_verifier, return_to, expires_at",
      {param(state_hash)});
  if (r.empty()) return std::nullopt;
  return SignInFlow{.state_hash = r.text(0, 0),
                    .nonce = r.text(0, 1),
                    .code_verifier = r.text(0, 2),
                    .return_to = r.text(0, 3),
                    .expires_at = pg_detail::timestamp(r.integer(0, 4))};
}

namespace {

std::string link_once(Connection& db, ExternalSignInRecord const& person, Actor const& actor) {
  auto const now = seconds(person.now);
  auto found = db.exec(
      "SELECT i.user_id, i.provider_roles, u.roles, u.email, u.granted_roles FROM external_identities i "
      "JOIN users u ON u.id = i.user_id WHERE i.issuer = $1 AND i.subject = $2 FOR UPDATE OF i, u",
      {param(person.issuer), param(person.subject)});
  if (!found.empty()) {
    auto const id = found.text(0, 0);
    auto const before = Roles(static_cast<std::uint8_t>(found.integer(0, 1)));
    auto const current = Roles(static_cast<std::uint8_t>(found.integer(0, 2)));
    auto const email = found.text(0, 3);
    auto const granted_here = Roles(static_cast<std::uint8_t>(found.integer(0, 4)));
    auto const granted = person.roles_known ? person.provider_roles : before;
    // The provider takes back only what it alone granted: a role granted here too stays.
    auto const provider_only = Roles(static_cast<std::uint8_t>(before.bits() & ~granted_here.bits()));
    auto const roles = roles_after_external_sign_in(current, provider_only, granted);
    db.exec(
        "UPDATE users SET roles = $1, name = CASE WHEN $7::int = 1 THEN $2 ELSE name END, "
        "email_verified_at = CASE WHEN $3::int = 1 AND email = $4 THEN COALESCE(email_verified_at, $5::bigint) "
        "ELSE email_verified_at END WHERE id = $6",
        {param(std::int64_t{roles.bits()}), param(person.name), param(std::int64_t{person.email_verified}),
         param(person.email), param(now), param(id), param(std::int64_t{person.name_given})});
    db.exec(
        "UPDATE external_identities SET provider_roles = $1, email = $2, last_sign_in_at = $3 "
        "WHERE issuer = $4 AND subject = $5",
        {param(std::int64_t{granted.bits()}), param(person.email.empty() ? email : person.email), param(now),
         param(person.issuer), param(person.subject)});
    if ((current.bits() & ~roles.bits()) != 0) {
      // A role went: what was issued under it ends, as when an admin revokes one.
      db.exec("UPDATE users SET token_version = token_version + 1 WHERE id = $1", {param(id)});
      db.exec("UPDATE refresh_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL",
              {param(now), param(id)});
    }
    if (roles != current) audit(db, person.now, actor, "user.roles_changed", "user", id, role_list(roles));
    audit(db, person.now, actor, "user.external_sign_in", "user", id, person.issuer);
    return id;
  }

  // A new person. Their address becomes the account's only when no account has it: an existing
  // account is never taken over by someone who merely claims its address. ON CONFLICT covers an
  // account made with the address meanwhile.
  bool address_free = false;
  if (!person.email.empty()) {
    address_free = !db.exec(
                          "INSERT INTO users (id, email, name, password_hash, roles, created_at, email_verified_at) "
                          "VALUES ($1, $2, $3, '', $4, $5, $6) ON CONFLICT (email) DO NOTHING RETURNING id",
                          {param(person.new_user_id), param(person.email), param(person.name),
                           param(std::int64_t{person.provider_roles.bits()}), param(now),
                           person.email_verified ? param(now) : pg::Param{}})
                        .empty();
  }
  if (!address_free) {
    db.exec("INSERT INTO users (id, email, name, password_hash, roles, created_at) VALUES ($1, $2, $3, '', $4, $5)",
            {param(person.new_user_id), param(external_placeholder_email(person.new_user_id)), param(person.name),
             param(std::int64_t{person.provider_roles.bits()}), param(now)});
  }
  db.exec(
      "INSERT INTO external_identities (issuer, subject, user_id, email, provider_roles, created_at, "
      "last_sign_in_at) VALUES ($1, $2, $3, $4, $5, $6, $6)",
      {param(person.issuer), param(person.subject), param(person.new_user_id), param(person.email),
       param(std::int64_t{person.provider_roles.bits()}), param(now)});
  audit(db, person.now, actor, "user.created", "user", person.new_user_id, "external: " + person.issuer);
  return person.new_user_id;
}

}  // namespace

User PostgresStore::link_external_person(ExternalSignInRecord const& person, Actor const& actor) {
  std::string user_id;
  for (int attempt = 1;; ++attempt) {
    try {
      user_id = pg::transaction(*pool_, [&](Connection& db) { return link_once(db, person, actor); });
      break;
    } catch (pg::DatabaseError const& e) {
      // The same person's first sign-in committed on another node meanwhile: now it is found.
      if (!e.unique_violation() || attempt >= 2) throw;
    }
  }
  auto user = find_user(user_id);
  if (!user) throw Outage("the account linked a moment ago is gone");
  return std::move(*user);
}

void PostgresStore::save_sign_in_code(std::string_view code_hash, std::string_view user_id, Timestamp expires_at,
                                      Timestamp now) {
  pg::transaction(*pool_, [&](Connection& db) {
    db.exec("DELETE FROM sign_in_codes WHERE expires_at < $1", {param(seconds(now))});
    db.exec("INSERT INTO sign_in_codes (code_hash, user_id, expires_at) VALUES ($1, $2, $3)",
            {param(code_hash), param(user_id), param(seconds(expires_at))});
  });
}

std::optional<std::string> PostgresStore::take_sign_in_code(std::string_view code_hash, Timestamp now) {
  auto db = pool_->acquire();
  auto r = db->exec("DELETE FROM sign_in_codes WHERE code_hash = $1 RETURNING user_id, expires_at", {param(code_hash)});
  if (r.empty() || seconds(now) >= r.integer(0, 1)) return std::nullopt;
  return r.text(0, 0);
}

}  // namespace admit
