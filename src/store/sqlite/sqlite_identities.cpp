// External sign-in on SQLite: sign-in flows, one-time codes and the accounts linked to the
// provider's people. Writes run on the single writer, so looking an identity or an address up
// and writing what follows from it is one atomic step.

#include "store/rows.hpp"
#include "store/sqlite/internal.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace admit {

using sqlite::Connection;
using sqlite_detail::audit;
using sqlite_detail::seconds;

void SqliteStore::save_sign_in_flow(SignInFlow const& flow, Timestamp now) {
  writes_->run([&](Connection& db) {
    db.prepare("DELETE FROM sign_in_flows WHERE expires_at < ?1").bind(1, seconds(now)).run();
    db.prepare(
          "INSERT INTO sign_in_flows (state_hash, nonce, code_verifier, return_to, expires_at) "
          "VALUES (?1, ?2, ?3, ?4, ?5)")
        .bind(1, flow.state_hash)
        .bind(2, flow.nonce)
        .bind(3, flow.code_verifier)
        .bind(4, flow.return_to)
        .bind(5, seconds(flow.expires_at))
        .run();
  });
}

std::optional<SignInFlow> SqliteStore::take_sign_in_flow(std::string_view state_hash) {
  return writes_->run([&](Connection& db) -> std::optional<SignInFlow> {
    auto row = db.prepare(
        "DELETE FROM sign_in_flows WHERE state_hash = ?1 "
        "RETURNING state_hash, nonce, code_verifier, return_to, expires_at");
    row.bind(1, state_hash);
    if (!row.step()) return std::nullopt;
    SignInFlow flow{.state_hash = row.text(0),
                    .nonce = row.text(1),
                    .code_verifier = row.text(2),
                    .return_to = row.text(3),
                    .expires_at = Timestamp{std::chrono::seconds{row.integer(4)}}};
    row.run();
    return flow;
  });
}

User SqliteStore::link_external_person(ExternalSignInRecord const& person, Actor const& actor) {
  auto const user_id = writes_->run([&](Connection& db) -> std::string {
    auto const now = seconds(person.now);
    auto identity = db.prepare(
        "SELECT i.user_id, i.provider_roles, u.roles, u.email, u.granted_roles FROM external_identities i "
        "JOIN users u ON u.id = i.user_id WHERE i.issuer = ?1 AND i.subject = ?2");
    identity.bind(1, person.issuer).bind(2, person.subject);
    if (identity.step()) {
      auto const id = identity.text(0);
      auto const before = Roles(static_cast<std::uint8_t>(identity.integer(1)));
      auto const current = Roles(static_cast<std::uint8_t>(identity.integer(2)));
      auto const email = identity.text(3);
      auto const granted_here = Roles(static_cast<std::uint8_t>(identity.integer(4)));
      identity.run();
      auto const granted = person.roles_known ? person.provider_roles : before;
      // The provider takes back only what it alone granted: a role granted here too stays.
      auto const provider_only = Roles(static_cast<std::uint8_t>(before.bits() & ~granted_here.bits()));
      auto const roles = roles_after_external_sign_in(current, provider_only, granted);
      db.prepare(
            "UPDATE users SET roles = ?1, name = CASE WHEN ?7 = 1 THEN ?2 ELSE name END, "
            "email_verified_at = CASE WHEN ?3 = 1 AND email = ?4 THEN COALESCE(email_verified_at, ?5) "
            "ELSE email_verified_at END WHERE id = ?6")
          .bind(1, std::int64_t{roles.bits()})
          .bind(2, person.name)
          .bind(3, std::int64_t{person.email_verified})
          .bind(4, person.email)
          .bind(5, now)
          .bind(6, id)
          .bind(7, std::int64_t{person.name_given})
          .run();
      db.prepare(
            "UPDATE external_identities SET provider_roles = ?1, email = ?2, last_sign_in_at = ?3 "
            "WHERE issuer = ?4 AND subject = ?5")
          .bind(1, std::int64_t{granted.bits()})
          .bind(2, person.email.empty() ? email : person.email)
          .bind(3, now)
          .bind(4, person.issuer)
          .bind(5, person.subject)
          .run();
      if ((current.bits() & ~roles.bits()) != 0) {
        // A role went: what was issued under it ends, as when an admin revokes one.
        db.prepare("UPDATE users SET token_version = token_version + 1 WHERE id = ?1").bind(1, id).run();
        db.prepare("UPDATE refresh_tokens SET revoked_at = ?1 WHERE user_id = ?2 AND revoked_at IS NULL")
            .bind(1, now)
            .bind(2, id)
            .run();
      }
      if (roles != current) audit(db, person.now, actor, "user.roles_changed", "user", id, role_list(roles));
      audit(db, person.now, actor, "user.external_sign_in", "user", id, person.issuer);
      return id;
    }

    // A new person. Their address becomes the account's only when no account has it: an
    // existing account is never taken over by someone who merely claims its address.
    bool address_free = !person.email.empty();
    if (address_free) {
      auto taken = db.prepare("SELECT 1 FROM users WHERE email = ?1");
      taken.bind(1, person.email);
      address_free = !taken.step();
    }
    auto const email = address_free ? person.email : external_placeholder_email(person.new_user_id);
    db.prepare(
          "INSERT INTO users (id, email, name, password_hash, roles, created_at, email_verified_at) "
          "VALUES (?1, ?2, ?3, '', ?4, ?5, ?6)")
        .bind(1, person.new_user_id)
        .bind(2, email)
        .bind(3, person.name)
        .bind(4, std::int64_t{person.provider_roles.bits()})
        .bind(5, now)
        .bind(6, address_free && person.email_verified ? std::optional<std::int64_t>(now) : std::nullopt)
        .run();
    db.prepare(
          "INSERT INTO external_identities (issuer, subject, user_id, email, provider_roles, created_at, "
          "last_sign_in_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)")
        .bind(1, person.issuer)
        .bind(2, person.subject)
        .bind(3, person.new_user_id)
        .bind(4, person.email)
        .bind(5, std::int64_t{person.provider_roles.bits()})
        .bind(6, now)
        .run();
    audit(db, person.now, actor, "user.created", "user", person.new_user_id, "external: " + person.issuer);
    return person.new_user_id;
  });
  auto user = find_user(user_id);
  if (!user) throw Outage("the account linked a moment ago is gone");
  return std::move(*user);
}

void SqliteStore::save_sign_in_code(std::string_view code_hash, std::string_view user_id, Timestamp expires_at,
                                    Timestamp now) {
  writes_->run([&](Connection& db) {
    db.prepare("DELETE FROM sign_in_codes WHERE expires_at < ?1").bind(1, seconds(now)).run();
    db.prepare("INSERT INTO sign_in_codes (code_hash, user_id, expires_at) VALUES (?1, ?2, ?3)")
        .bind(1, code_hash)
        .bind(2, user_id)
        .bind(3, seconds(expires_at))
        .run();
  });
}

std::optional<std::string> SqliteStore::take_sign_in_code(std::string_view code_hash, Timestamp now) {
  return writes_->run([&](Connection& db) -> std::optional<std::string> {
    auto row = db.prepare("DELETE FROM sign_in_codes WHERE code_hash = ?1 RETURNING user_id, expires_at");
    row.bind(1, code_hash);
    if (!row.step()) return std::nullopt;
    auto user_id = row.text(0);
    bool const live = seconds(now) < row.integer(1);
    row.run();
    if (!live) return std::nullopt;
    return user_id;
  });
}

}  // namespace admit
