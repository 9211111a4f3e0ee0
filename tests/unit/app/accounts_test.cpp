#include "app/accounts.hpp"

#include <gtest/gtest.h>
#include <sodium.h>
#include <sqlite3.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <random>
#include <string>

#include "auth/crypto.hpp"
#include "auth/jwt.hpp"
#include "store/sqlite/sqlite_store.hpp"
#include "support/fakes.hpp"

namespace admit {
namespace {

using namespace std::chrono_literals;

std::filesystem::path fresh_temp_dir() {
  std::random_device random;
  auto const dir = std::filesystem::temp_directory_path() /
                   ("admit-accounts-test-" + std::to_string(random()) + "-" + std::to_string(random()));
  std::filesystem::create_directories(dir);
  return dir;
}

/// The first column of the first row of `sql`, read straight from the database file.
std::string query_text(std::filesystem::path const& db_path, std::string const& sql) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    sqlite3_close(db);
    ADD_FAILURE() << "cannot open " << db_path;
    return {};
  }
  std::string result;
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK && sqlite3_step(stmt) == SQLITE_ROW) {
    if (auto const* text = sqlite3_column_text(stmt, 0)) result = reinterpret_cast<char const*>(text);
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return result;
}

struct CryptoReady {
  CryptoReady() { auth::init_crypto(); }
};

SignUpRequest ada(Role role = Role::attendee) {
  return SignUpRequest{.email = "Ada@Example.com", .password = "correct horse", .name = "Ada Lovelace", .role = role};
}

class AccountsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fresh_temp_dir();
    store_ = std::make_unique<SqliteStore>(dir_ / "admit.db");
    accounts_ = std::make_unique<Accounts>(*store_, *store_, hasher_, tokens_, digest_, entropy_, clock_);
  }

  void TearDown() override {
    accounts_.reset();
    store_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  SessionTokens sign_up_ada() {
    auto session = accounts_->sign_up(ada(), Actor{});
    if (!session) {
      ADD_FAILURE() << "sign-up failed: " << session.error().detail;
      return {};
    }
    return *session;
  }

  CryptoReady crypto_;
  test::FakeClock clock_;
  auth::SodiumEntropy entropy_;
  auth::Sha256Digest digest_;
  // The smallest cost libsodium allows, so the suite stays fast.
  auth::Argon2idHasher hasher_{crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN};
  auth::JwtTokens tokens_{
      auth::generate_signing_key(),
      {},
      auth::JwtSettings{.issuer = "https://admit.test", .audience = "admit-api", .lifetime = 15min, .leeway = 30s},
      clock_,
      entropy_};
  std::filesystem::path dir_;
  std::unique_ptr<SqliteStore> store_;
  std::unique_ptr<Accounts> accounts_;
};

TEST_F(AccountsTest, SignUpCreatesAnAttendeeAndLogsIn) {
  auto const session = accounts_->sign_up(ada(), Actor{});
  ASSERT_TRUE(session) << session.error().detail;
  EXPECT_EQ(session->user.email, "ada@example.com");
  EXPECT_EQ(session->user.name, "Ada Lovelace");
  EXPECT_EQ(session->user.roles, Roles(Role::attendee));
  EXPECT_FALSE(session->user.id.empty());
  EXPECT_NE(session->user.password_hash, "correct horse");
  EXPECT_FALSE(session->refresh_token.empty());

  auto const principal = tokens_.verify(session->access.token);
  ASSERT_TRUE(principal) << principal.error();
  EXPECT_EQ(principal->user_id, session->user.id);
  EXPECT_EQ(principal->roles, Roles(Role::attendee));
}

TEST_F(AccountsTest, SignUpAsOrganizer) {
  auto const session = accounts_->sign_up(ada(Role::organizer), Actor{});
  ASSERT_TRUE(session) << session.error().detail;
  EXPECT_TRUE(session->user.roles.has(Role::organizer));
}

TEST_F(AccountsTest, SignUpThenLogIn) {
  auto const signed_up = sign_up_ada();
  auto const logged_in = accounts_->log_in("ada@example.com", "correct horse");
  ASSERT_TRUE(logged_in) << logged_in.error().detail;
  EXPECT_EQ(logged_in->user.id, signed_up.user.id);
  EXPECT_NE(logged_in->refresh_token, signed_up.refresh_token);
  auto const principal = tokens_.verify(logged_in->access.token);
  ASSERT_TRUE(principal) << principal.error();
  EXPECT_EQ(principal->user_id, signed_up.user.id);
}

TEST_F(AccountsTest, LogInIgnoresEmailCaseAndSurroundingSpace) {
  auto const signed_up = sign_up_ada();
  auto const logged_in = accounts_->log_in("  ADA@EXAMPLE.COM ", "correct horse");
  ASSERT_TRUE(logged_in) << logged_in.error().detail;
  EXPECT_EQ(logged_in->user.id, signed_up.user.id);
}

TEST_F(AccountsTest, SignUpRejectsDuplicateEmailIgnoringCase) {
  sign_up_ada();
  auto again = ada();
  again.email = "ADA@example.COM";
  again.name = "Someone else";
  auto const duplicate = accounts_->sign_up(again, Actor{});
  ASSERT_FALSE(duplicate);
  EXPECT_EQ(duplicate.error().code, Errc::email_taken);
  auto const stored = store_->find_user_by_email("ada@example.com");
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->name, "Ada Lovelace");
}

TEST_F(AccountsTest, SignUpRejectsTheAdminRole) {
  for (auto role : {Role::admin}) {
    auto const result = accounts_->sign_up(ada(role), Actor{});
    ASSERT_FALSE(result) << role_name(role);
    EXPECT_EQ(result.error().code, Errc::invalid_input);
    ASSERT_EQ(result.error().fields.size(), 1u);
    EXPECT_EQ(result.error().fields[0].field, "role");
  }
  EXPECT_FALSE(store_->find_user_by_email("ada@example.com"));
}

TEST_F(AccountsTest, SignUpRejectsInvalidDetailsListingEachField) {
  auto const result = accounts_->sign_up(
      SignUpRequest{.email = "not-an-email", .password = "short", .name = " ", .role = Role::attendee}, Actor{});
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, Errc::invalid_input);
  std::vector<std::string> fields;
  for (auto const& f : result.error().fields) fields.push_back(f.field);
  EXPECT_EQ(fields, (std::vector<std::string>{"email", "password", "name"}));
}

TEST_F(AccountsTest, SignUpAuditsTheNewAccountAsItsOwnActor) {
  auto const session = sign_up_ada();
  auto const actor =
      query_text(dir_ / "admit.db", "SELECT actor_id FROM audit_log WHERE action = 'user.created' AND subject_id = '" +
                                        session.user.id + "'");
  EXPECT_EQ(actor, session.user.id);
}

TEST_F(AccountsTest, LogInRejectsWrongPasswordAndUnknownEmailAlike) {
  sign_up_ada();
  auto const wrong_password = accounts_->log_in("ada@example.com", "incorrect horse");
  auto const unknown_email = accounts_->log_in("grace@example.com", "correct horse");
  auto const invalid_email = accounts_->log_in("not-an-email", "correct horse");
  ASSERT_FALSE(wrong_password);
  ASSERT_FALSE(unknown_email);
  ASSERT_FALSE(invalid_email);
  EXPECT_EQ(wrong_password.error().code, Errc::invalid_credentials);
  EXPECT_EQ(unknown_email.error().code, Errc::invalid_credentials);
  EXPECT_EQ(invalid_email.error().code, Errc::invalid_credentials);
  EXPECT_EQ(wrong_password.error().detail, unknown_email.error().detail);
  EXPECT_EQ(wrong_password.error().detail, invalid_email.error().detail);
  EXPECT_TRUE(wrong_password.error().fields.empty());
  EXPECT_TRUE(unknown_email.error().fields.empty());
}

TEST_F(AccountsTest, RefreshRotatesTheToken) {
  auto const first = sign_up_ada();
  clock_.advance(60s);
  auto const second = accounts_->refresh(first.refresh_token);
  ASSERT_TRUE(second) << second.error().detail;
  EXPECT_NE(second->refresh_token, first.refresh_token);
  EXPECT_EQ(second->user.id, first.user.id);
  auto const principal = tokens_.verify(second->access.token);
  ASSERT_TRUE(principal) << principal.error();
  EXPECT_EQ(principal->user_id, first.user.id);

  auto const third = accounts_->refresh(second->refresh_token);
  ASSERT_TRUE(third) << third.error().detail;
  EXPECT_NE(third->refresh_token, second->refresh_token);
}

TEST_F(AccountsTest, RefreshTokenReuseRevokesTheWholeFamily) {
  auto const first = sign_up_ada();
  auto const second = accounts_->refresh(first.refresh_token);
  ASSERT_TRUE(second) << second.error().detail;

  auto const reused = accounts_->refresh(first.refresh_token);
  ASSERT_FALSE(reused);
  EXPECT_EQ(reused.error().code, Errc::unauthenticated);

  // Whoever holds the newer token (perhaps a thief) is logged out too.
  auto const newer = accounts_->refresh(second->refresh_token);
  ASSERT_FALSE(newer);
  EXPECT_EQ(newer.error().code, Errc::unauthenticated);
}

TEST_F(AccountsTest, RefreshTokenReuseLeavesOtherLoginsAlone) {
  auto const first = sign_up_ada();
  auto const other_login = accounts_->log_in("ada@example.com", "correct horse");
  ASSERT_TRUE(other_login);
  ASSERT_TRUE(accounts_->refresh(first.refresh_token));
  ASSERT_FALSE(accounts_->refresh(first.refresh_token));
  EXPECT_TRUE(accounts_->refresh(other_login->refresh_token));
}

TEST_F(AccountsTest, RefreshRejectsUnknownToken) {
  sign_up_ada();
  auto const result = accounts_->refresh("not-a-token-we-issued");
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, Errc::unauthenticated);
}

TEST_F(AccountsTest, RefreshRejectsExpiredToken) {
  auto const session = sign_up_ada();
  clock_.advance(std::chrono::days{31});
  auto const result = accounts_->refresh(session.refresh_token);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, Errc::unauthenticated);
}

TEST_F(AccountsTest, RefreshAcceptsTokenWithinItsLifetime) {
  auto const session = sign_up_ada();
  clock_.advance(std::chrono::days{29});
  auto const result = accounts_->refresh(session.refresh_token);
  EXPECT_TRUE(result) << result.error().detail;
}

TEST_F(AccountsTest, LogOutRevokesTheRefreshToken) {
  auto const session = sign_up_ada();
  ASSERT_TRUE(accounts_->log_out({session.user.id, session.user.roles}, session.refresh_token));
  auto const result = accounts_->refresh(session.refresh_token);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, Errc::unauthenticated);
}

TEST_F(AccountsTest, LogOutWithAnOldTokenEndsTheRotatedLogin) {
  auto const first = sign_up_ada();
  auto const second = accounts_->refresh(first.refresh_token);
  ASSERT_TRUE(second);
  ASSERT_TRUE(accounts_->log_out({first.user.id, first.user.roles}, first.refresh_token));
  EXPECT_FALSE(accounts_->refresh(second->refresh_token));
}

TEST_F(AccountsTest, LogOutLeavesOtherLoginsOfTheSameUserAlone) {
  auto const first = sign_up_ada();
  auto const other_login = accounts_->log_in("ada@example.com", "correct horse");
  ASSERT_TRUE(other_login);
  ASSERT_TRUE(accounts_->log_out({first.user.id, first.user.roles}, first.refresh_token));
  EXPECT_TRUE(accounts_->refresh(other_login->refresh_token));
}

TEST_F(AccountsTest, LogOutWithAnotherUsersTokenChangesNothing) {
  auto const victim = sign_up_ada();
  auto const mallory = accounts_->sign_up(
      SignUpRequest{
          .email = "mallory@example.com", .password = "evil horse", .name = "Mallory", .role = Role::attendee},
      Actor{});
  ASSERT_TRUE(mallory);
  // The answer is the same as for a real logout, so it tells nothing about the token.
  EXPECT_TRUE(accounts_->log_out({mallory->user.id, mallory->user.roles}, victim.refresh_token));
  EXPECT_TRUE(accounts_->refresh(victim.refresh_token));
}

TEST_F(AccountsTest, LogOutWithUnknownTokenSucceeds) {
  auto const session = sign_up_ada();
  EXPECT_TRUE(accounts_->log_out({session.user.id, session.user.roles}, "never-issued"));
}

TEST_F(AccountsTest, GrantRoleAddsOrganizerKeepingAttendee) {
  auto const session = sign_up_ada();
  auto const updated = accounts_->grant_role("ADA@example.com", Role::organizer, Actor{"admin-cli", "req-1"});
  ASSERT_TRUE(updated) << updated.error().detail;
  EXPECT_EQ(updated->id, session.user.id);
  EXPECT_TRUE(updated->roles.has(Role::attendee));
  EXPECT_TRUE(updated->roles.has(Role::organizer));
  EXPECT_FALSE(updated->roles.has(Role::admin));

  auto const me = accounts_->me({session.user.id, Role::attendee});
  ASSERT_TRUE(me);
  EXPECT_EQ(me->roles, Role::attendee | Role::organizer);

  // New tokens carry the new role.
  auto const logged_in = accounts_->log_in("ada@example.com", "correct horse");
  ASSERT_TRUE(logged_in);
  auto const principal = tokens_.verify(logged_in->access.token);
  ASSERT_TRUE(principal);
  EXPECT_TRUE(principal->roles.has(Role::organizer));
}

TEST_F(AccountsTest, GrantRoleRejectsUnknownEmail) {
  auto const result = accounts_->grant_role("grace@example.com", Role::organizer, Actor{});
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, Errc::not_found);
}

TEST_F(AccountsTest, MeReturnsTheSignedUpUser) {
  auto const session = sign_up_ada();
  auto const me = accounts_->me({session.user.id, session.user.roles});
  ASSERT_TRUE(me) << me.error().detail;
  EXPECT_EQ(me->id, session.user.id);
  EXPECT_EQ(me->email, "ada@example.com");
  EXPECT_EQ(me->name, "Ada Lovelace");
  EXPECT_EQ(me->roles, Roles(Role::attendee));
}

TEST_F(AccountsTest, MeRejectsUnknownUser) {
  auto const me = accounts_->me({"no-such-user", Role::attendee});
  ASSERT_FALSE(me);
  EXPECT_EQ(me.error().code, Errc::unauthenticated);
}

TEST_F(AccountsTest, RevokeAndDisableEndTheSessionsAndMoveTheTokenVersionOn) {
  auto const session = accounts_->sign_up(ada(Role::organizer), Actor{});
  ASSERT_TRUE(session);
  EXPECT_EQ(tokens_.verify(session->access.token)->token_version, 0);

  auto const revoked = accounts_->revoke_role(" Ada@Example.com ", Role::organizer, Actor{{}, "cli"});
  ASSERT_TRUE(revoked) << revoked.error().detail;
  EXPECT_FALSE(revoked->roles.has(Role::organizer));
  EXPECT_EQ(revoked->token_version, 1);
  EXPECT_FALSE(accounts_->refresh(session->refresh_token)) << "the refresh token died with the role";

  auto const again = accounts_->log_in("ada@example.com", "correct horse");
  ASSERT_TRUE(again);
  auto const principal = tokens_.verify(again->access.token);
  EXPECT_EQ(principal->token_version, 1) << "new tokens carry the new version";
  EXPECT_FALSE(principal->roles.has(Role::organizer));

  ASSERT_TRUE(accounts_->disable("ada@example.com", Actor{}));
  EXPECT_FALSE(accounts_->refresh(again->refresh_token));
  auto const disabled = accounts_->log_in("ada@example.com", "correct horse");
  ASSERT_FALSE(disabled);
  EXPECT_EQ(disabled.error().code, Errc::account_disabled);
  auto const wrong = accounts_->log_in("ada@example.com", "wrong horse");
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().code, Errc::invalid_credentials) << "only the password's holder learns it is disabled";

  ASSERT_TRUE(accounts_->enable("ada@example.com", Actor{}));
  auto const enabled = accounts_->log_in("ada@example.com", "correct horse");
  ASSERT_TRUE(enabled);
  EXPECT_EQ(tokens_.verify(enabled->access.token)->token_version, 3);

  for (auto const& missing :
       {accounts_->revoke_role("grace@example.com", Role::organizer, Actor{}),
        accounts_->disable("grace@example.com", Actor{}), accounts_->enable("not an email", Actor{})}) {
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().code, Errc::not_found);
  }
}

TEST_F(AccountsTest, ThrottledLoginsAnswerTheSameForAddressesWithAndWithoutAnAccount) {
  auto now = std::chrono::steady_clock::time_point{} + 1000h;
  LoginThrottle throttle({.free_per_address = 2, .free_per_account = 0}, [&now] { return now; });
  accounts_->set_login_throttle(&throttle);
  sign_up_ada();
  for (auto const* email : {"ada@example.com", "grace@example.com"}) {
    for (int i = 0; i < 2; ++i) {
      auto const r = accounts_->log_in(email, "wrong horse", "10.0.0.1");
      ASSERT_FALSE(r);
      EXPECT_EQ(r.error().code, Errc::invalid_credentials) << email;
    }
    auto const refused = accounts_->log_in(email, "correct horse", "10.0.0.1");
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, Errc::throttled) << email;
    EXPECT_EQ(refused.error().retry_after, 1s) << email;
    EXPECT_EQ(refused.error().detail, "Too many failed sign-ins with this email address; try again in 1 second.");
  }
  EXPECT_TRUE(accounts_->log_in("ada@example.com", "correct horse", "10.0.0.2")) << "another address";
  now += 1s;
  EXPECT_TRUE(accounts_->log_in("  ADA@example.com", "correct horse", "10.0.0.1")) << "after the wait";
}

// ---- password reset and address verification ----------------------------------------------

TEST_F(AccountsTest, SignUpQueuesAVerificationLinkThatVerifiesTheAddressOnce) {
  auto const session = sign_up_ada();
  EXPECT_FALSE(session.user.email_verified());
  auto const db = dir_ / "admit.db";
  EXPECT_EQ(query_text(db, "SELECT recipient || ' ' || user_id FROM mail_outbox WHERE kind = 'email_verification'"),
            "ada@example.com " + session.user.id);
  auto const token = query_text(db, "SELECT secret FROM mail_outbox WHERE kind = 'email_verification'");
  ASSERT_EQ(token.size(), 43u) << "the plain 256-bit token travels in the message";
  EXPECT_EQ(query_text(db, "SELECT token_hash FROM email_verification_tokens"), digest_.digest(token))
      << "only the digest is stored";
  EXPECT_EQ(query_text(db, "SELECT expires_at - created_at FROM email_verification_tokens"), std::to_string(48 * 3600));

  auto const altered = accounts_->verify_email(token.substr(0, 42) + (token[42] == 'A' ? "B" : "A"), Actor{});
  ASSERT_FALSE(altered);
  EXPECT_EQ(altered.error().code, Errc::invalid_input);
  ASSERT_EQ(altered.error().fields.size(), 1u);
  EXPECT_EQ(altered.error().fields[0].field, "token");

  ASSERT_TRUE(accounts_->verify_email(token, Actor{}));
  auto const me = accounts_->me({session.user.id, session.user.roles});
  ASSERT_TRUE(me);
  EXPECT_TRUE(me->email_verified());
  auto const again = accounts_->verify_email(token, Actor{});
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().fields[0].field, "token");
}

TEST_F(AccountsTest, AVerificationLinkExpiresAfter48Hours) {
  auto const session = sign_up_ada();
  auto const token = query_text(dir_ / "admit.db", "SELECT secret FROM mail_outbox WHERE kind = 'email_verification'");
  clock_.advance(48h);
  EXPECT_FALSE(accounts_->verify_email(token, Actor{}));
  // A fresh link works.
  auto const resent = accounts_->resend_verification({session.user.id, session.user.roles});
  ASSERT_TRUE(resent);
  EXPECT_TRUE(*resent);
  auto const fresh =
      query_text(dir_ / "admit.db",
                 "SELECT secret FROM mail_outbox WHERE kind = 'email_verification' AND secret <> '" + token + "'");
  ASSERT_FALSE(fresh.empty());
  EXPECT_TRUE(accounts_->verify_email(fresh, Actor{}));
  // Verified: asking again queues nothing.
  auto const verified = accounts_->resend_verification({session.user.id, session.user.roles});
  ASSERT_TRUE(verified);
  EXPECT_FALSE(*verified);
  EXPECT_EQ(query_text(dir_ / "admit.db", "SELECT COUNT(*) FROM mail_outbox WHERE kind = 'email_verification'"), "2");
}

TEST_F(AccountsTest, ResendingVerificationIsLimitedPerAccount) {
  test::ManualSteadyClock steady;
  accounts_->set_mail_limits({.verifications_per_user = 2, .window = 3600s}, steady.function());
  auto const session = sign_up_ada();
  Principal const who{session.user.id, session.user.roles};
  ASSERT_TRUE(accounts_->resend_verification(who));
  ASSERT_TRUE(accounts_->resend_verification(who));
  auto const refused = accounts_->resend_verification(who);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, Errc::too_many_requests);
  EXPECT_EQ(refused.error().retry_after, 1800s) << "one more every window / allowance";
  EXPECT_EQ(query_text(dir_ / "admit.db", "SELECT COUNT(*) FROM mail_outbox WHERE kind = 'email_verification'"), "3")
      << "the sign-up's and two resent; the refused one wrote nothing";
  steady.now += 1800s;
  EXPECT_TRUE(accounts_->resend_verification(who));
}

TEST_F(AccountsTest, AnOperatorMadeAccountStartsVerifiedWithoutALink) {
  auto request = ada();
  request.email_verified = true;
  auto const session = accounts_->sign_up(request, Actor{});
  ASSERT_TRUE(session);
  EXPECT_TRUE(session->user.email_verified());
  EXPECT_TRUE(store_->find_user(session->user.id)->email_verified());
  EXPECT_EQ(query_text(dir_ / "admit.db", "SELECT COUNT(*) FROM mail_outbox"), "0");
}

TEST_F(AccountsTest, AResetLinkSetsANewPasswordOnceAndEndsEverySession) {
  auto const session = sign_up_ada();
  ASSERT_TRUE(accounts_->request_password_reset(" ADA@example.com", "10.0.0.1"));
  auto const db = dir_ / "admit.db";
  auto const token = query_text(db, "SELECT secret FROM mail_outbox WHERE kind = 'password_reset'");
  ASSERT_EQ(token.size(), 43u);
  EXPECT_EQ(query_text(db, "SELECT recipient FROM mail_outbox WHERE kind = 'password_reset'"), "ada@example.com");
  EXPECT_EQ(query_text(db, "SELECT token_hash FROM password_reset_tokens"), digest_.digest(token));
  EXPECT_EQ(query_text(db, "SELECT expires_at - created_at FROM password_reset_tokens"), std::to_string(30 * 60));

  auto const short_password = accounts_->reset_password(token, "short", Actor{});
  ASSERT_FALSE(short_password);
  EXPECT_EQ(short_password.error().fields.at(0).field, "password");
  auto const unknown = accounts_->reset_password("not-a-token", "a new password", Actor{});
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().fields.at(0).field, "token");
  EXPECT_TRUE(accounts_->log_in("ada@example.com", "correct horse")) << "nothing changed so far";

  ASSERT_TRUE(accounts_->reset_password(token, "a new password", Actor{}));
  EXPECT_FALSE(accounts_->log_in("ada@example.com", "correct horse"));
  EXPECT_TRUE(accounts_->log_in("ada@example.com", "a new password"));
  EXPECT_FALSE(accounts_->refresh(session.refresh_token)) << "sessions from before the reset end";
  EXPECT_TRUE(store_->find_user(session.user.id)->email_verified()) << "the link reached the address";

  auto const reused = accounts_->reset_password(token, "yet another password", Actor{});
  ASSERT_FALSE(reused);
  EXPECT_EQ(reused.error().fields.at(0).field, "token");
  EXPECT_TRUE(accounts_->log_in("ada@example.com", "a new password"));
}

TEST_F(AccountsTest, AResetLinkExpiresAfter30Minutes) {
  sign_up_ada();
  ASSERT_TRUE(accounts_->request_password_reset("ada@example.com", "10.0.0.1"));
  auto const token = query_text(dir_ / "admit.db", "SELECT secret FROM mail_outbox WHERE kind = 'password_reset'");
  clock_.advance(30min);
  auto const expired = accounts_->reset_password(token, "a new password", Actor{});
  ASSERT_FALSE(expired);
  EXPECT_EQ(expired.error().fields.at(0).field, "token");
  EXPECT_TRUE(accounts_->log_in("ada@example.com", "correct horse"));
}

}  // namespace
}  // namespace admit
