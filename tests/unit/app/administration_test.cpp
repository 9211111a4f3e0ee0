#include "app/administration.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <random>
#include <string>

#include "store/sqlite/sqlite_store.hpp"
#include "support/fakes.hpp"

namespace admit {
namespace {

using namespace std::chrono_literals;

std::filesystem::path fresh_temp_dir() {
  std::random_device random;
  auto const dir = std::filesystem::temp_directory_path() /
                   ("admit-admin-test-" + std::to_string(random()) + "-" + std::to_string(random()));
  std::filesystem::create_directories(dir);
  return dir;
}

/// Accounts needs tokens only to start sessions, which these tests never do.
class NoTokens final : public AccessTokens {
 public:
  IssuedToken issue(Principal const&) override { return {"token", std::chrono::seconds{900}}; }
  std::expected<Principal, std::string> verify(std::string_view) override { return std::unexpected("none"); }
};

/// The use case over the real SQLite store: its rules are the accounts' and the store's.
class AdministrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fresh_temp_dir();
    store_ = std::make_unique<SqliteStore>(dir_ / "admit.db");
    accounts_ = std::make_unique<Accounts>(*store_, *store_, hasher_, tokens_, digest_, entropy_, clock_);
    admin_ = std::make_unique<Administration>(*store_, *store_, *store_, *accounts_, clock_);
    add("root", "root@example.com", Role::admin);
    add("olga", "olga@example.com", Role::organizer);
    add("ada", "ada@example.com", Role::attendee);
  }

  void TearDown() override {
    admin_.reset();
    accounts_.reset();
    store_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  void add(std::string const& id, std::string const& email, Roles roles) {
    ASSERT_TRUE(store_->insert_user(User{.id = id,
                                         .email = email,
                                         .name = id,
                                         .password_hash = "hashed:pw",
                                         .roles = roles,
                                         .created_at = clock_.now()},
                                    std::nullopt, Actor{}));
  }

  void add_event(std::string const& id, std::string const& organizer, EventStatus status) {
    Event e{.id = id,
            .organizer_id = organizer,
            .details = {.name = "Jazz", .starts_at = clock_.now() + 24h * 30, .timezone = "UTC", .capacity = 10},
            .status = status,
            .created_at = clock_.now(),
            .updated_at = clock_.now()};
    e.ticket_types.push_back(TicketType{.id = id + "-ga", .event_id = id, .details = {.name = "GA"}});
    store_->insert_event(e, Actor{organizer, "req-e"});
  }

  Principal const root_{"root", Role::admin, 0};
  Principal const olga_{"olga", Role::organizer, 0};
  Principal const ada_{"ada", Role::attendee, 0};
  Actor const by_root_{"root", "req-1"};

  test::FakeClock clock_;
  test::CountingEntropy entropy_;
  test::PlainHasher hasher_;
  test::PlainDigest digest_;
  NoTokens tokens_;
  std::filesystem::path dir_;
  std::unique_ptr<SqliteStore> store_;
  std::unique_ptr<Accounts> accounts_;
  std::unique_ptr<Administration> admin_;
};

TEST_F(AdministrationTest, EveryAdminCallIsForbiddenToOthers) {
  for (auto const& who : {olga_, ada_}) {
    EXPECT_EQ(admin_->list_users(who, "", std::nullopt, 20).error().code, Errc::forbidden);
    EXPECT_EQ(admin_->list_audit(who, {}, std::nullopt, 20).error().code, Errc::forbidden);
    EXPECT_EQ(admin_->change_roles(who, "ada", {Role::admin}, {}, Actor{}).error().code, Errc::forbidden);
    EXPECT_EQ(admin_->disable(who, "root", Actor{}).error().code, Errc::forbidden);
    EXPECT_EQ(admin_->enable(who, "ada", Actor{}).error().code, Errc::forbidden);
  }
  EXPECT_EQ(store_->find_user("ada")->roles, Roles(Role::attendee));
  EXPECT_FALSE(store_->find_user("root")->disabled());
}

TEST_F(AdministrationTest, ListsUsersPageByPage) {
  auto const first = admin_->list_users(root_, "example", std::nullopt, 2);
  ASSERT_TRUE(first);
  ASSERT_EQ(first->items.size(), 2u);
  EXPECT_EQ(first->items[0].email, "ada@example.com");
  ASSERT_TRUE(first->next_cursor);
  auto const second = admin_->list_users(root_, "example", first->next_cursor, 2);
  ASSERT_TRUE(second);
  ASSERT_EQ(second->items.size(), 1u);
  EXPECT_EQ(second->items[0].email, "root@example.com");
  EXPECT_FALSE(second->next_cursor);
  EXPECT_EQ(admin_->list_users(root_, "", std::string("nonsense"), 2).error().code, Errc::invalid_input);
  EXPECT_EQ(admin_->list_users(root_, "", std::nullopt, 0).error().code, Errc::invalid_input);
}

TEST_F(AdministrationTest, GrantsAndRevokesRolesEndingSessionsOnRevoke) {
  auto const granted = admin_->change_roles(root_, "ada", {Role::organizer}, {}, by_root_);
  ASSERT_TRUE(granted) << granted.error().detail;
  EXPECT_EQ(granted->roles, Role::attendee | Role::organizer);
  EXPECT_EQ(granted->token_version, 0) << "a grant takes nothing away";
  auto const revoked = admin_->change_roles(root_, "ada", {}, {Role::organizer}, by_root_);
  ASSERT_TRUE(revoked);
  EXPECT_EQ(revoked->roles, Roles(Role::attendee));
  EXPECT_EQ(revoked->token_version, 1) << "its tokens end, as with admit user revoke";
  auto const audited = store_->list_audit({.actor_id = "root", .limit = 10});
  ASSERT_EQ(audited.size(), 2u);
  EXPECT_EQ(audited[0].action, "user.role_revoked");
  EXPECT_EQ(audited[0].request_id, "req-1");
  EXPECT_EQ(audited[1].action, "user.roles_changed");

  EXPECT_EQ(admin_->change_roles(root_, "ada", {Role::admin}, {Role::admin}, by_root_).error().code,
            Errc::invalid_input);
  EXPECT_EQ(admin_->change_roles(root_, "nobody", {Role::admin}, {}, by_root_).error().code, Errc::not_found);
}

TEST_F(AdministrationTest, TheLastAdminCannotDemoteOrDisableThemselves) {
  auto const demoted = admin_->change_roles(root_, "root", {Role::organizer}, {Role::admin}, by_root_);
  ASSERT_FALSE(demoted);
  EXPECT_EQ(demoted.error().code, Errc::last_admin);
  EXPECT_EQ(store_->find_user("root")->roles, Roles(Role::admin)) << "nothing changed, not even the grant";
  EXPECT_EQ(admin_->disable(root_, "root", by_root_).error().code, Errc::last_admin);
  EXPECT_FALSE(store_->find_user("root")->disabled());

  // Once another admin exists, either may step down.
  ASSERT_TRUE(admin_->change_roles(root_, "olga", {Role::admin}, {}, by_root_));
  auto const stepped_down = admin_->change_roles(root_, "root", {}, {Role::admin}, by_root_);
  ASSERT_TRUE(stepped_down);
  EXPECT_FALSE(stepped_down->roles.has(Role::admin));
}

TEST_F(AdministrationTest, DisableAndEnableAsTheCommandLineDoes) {
  auto const off = admin_->disable(root_, "ada", by_root_);
  ASSERT_TRUE(off);
  EXPECT_TRUE(off->disabled());
  EXPECT_EQ(store_->account_state("ada"), (AccountState{.token_version = 1, .disabled = true}));
  auto const on = admin_->enable(root_, "ada", by_root_);
  ASSERT_TRUE(on);
  EXPECT_FALSE(on->disabled());
  EXPECT_EQ(admin_->disable(root_, "nobody", by_root_).error().code, Errc::not_found);
}

TEST_F(AdministrationTest, AnEventsAuditLogIsItsOrganizersAndAdmins) {
  add("otto", "otto@example.com", Role::organizer);
  Principal const otto{"otto", Role::organizer, 0};
  add_event("pub", "olga", EventStatus::published);
  add_event("draft", "olga", EventStatus::draft);

  auto const own = admin_->event_audit(olga_, "pub", std::nullopt, 20);
  ASSERT_TRUE(own);
  ASSERT_EQ(own->items.size(), 1u);
  EXPECT_EQ(own->items[0].action, "event.created");
  EXPECT_TRUE(admin_->event_audit(olga_, "draft", std::nullopt, 20));
  EXPECT_TRUE(admin_->event_audit(root_, "draft", std::nullopt, 20));

  EXPECT_EQ(admin_->event_audit(otto, "pub", std::nullopt, 20).error().code, Errc::forbidden);
  EXPECT_EQ(admin_->event_audit(ada_, "pub", std::nullopt, 20).error().code, Errc::forbidden);
  EXPECT_EQ(admin_->event_audit(otto, "draft", std::nullopt, 20).error().code, Errc::not_found)
      << "a draft stays hidden";
  EXPECT_EQ(admin_->event_audit(olga_, "nope", std::nullopt, 20).error().code, Errc::not_found);
}

TEST_F(AdministrationTest, AuditPagesResumeWhereTheyStopped) {
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(admin_->disable(root_, "ada", by_root_));
  auto const first = admin_->list_audit(root_, {.actor_id = "root"}, std::nullopt, 3);
  ASSERT_TRUE(first);
  ASSERT_EQ(first->items.size(), 3u);
  ASSERT_TRUE(first->next_cursor);
  auto const second = admin_->list_audit(root_, {.actor_id = "root"}, first->next_cursor, 3);
  ASSERT_TRUE(second);
  ASSERT_EQ(second->items.size(), 2u);
  EXPECT_LT(second->items[0].id, first->items[2].id);
  EXPECT_FALSE(second->next_cursor);
  EXPECT_EQ(decode_audit_cursor(encode_audit_cursor(42)), 42);
  EXPECT_FALSE(decode_audit_cursor(encode_user_cursor("a@b.c")));
  EXPECT_FALSE(decode_audit_cursor("bm9wZQ"));
  auto const backwards = admin_->list_audit(root_, {.from = clock_.now(), .to = clock_.now() - 1h}, std::nullopt, 3);
  ASSERT_FALSE(backwards);
  EXPECT_EQ(backwards.error().fields.at(0).field, "to");
}

TEST_F(AdministrationTest, ErasureIsForAdminsOrThePersonWithTheirPassword) {
  std::vector<std::string> forgotten;
  int refunds = 0;
  admin_->set_follow_up({.forget_messages = [&](std::vector<std::string> const& ids) { forgotten = ids; },
                         .refund_due = [&] { ++refunds; }});
  EXPECT_EQ(admin_->erase(olga_, "ada", Actor{}).error().code, Errc::forbidden);
  EXPECT_EQ(admin_->erase(ada_, "olga", Actor{}).error().code, Errc::forbidden);
  EXPECT_EQ(store_->find_user("ada")->name, "ada") << "nothing erased";

  // The person: only with the password (PlainHasher: the hash is the password).
  auto const missing = admin_->erase_self(ada_, "", Actor{"ada", ""});
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().fields.at(0).field, "password");
  EXPECT_EQ(admin_->erase_self(ada_, "wrong", Actor{"ada", ""}).error().code, Errc::invalid_input);
  EXPECT_FALSE(store_->find_user("ada")->erased());
  auto const erased = admin_->erase_self(ada_, "pw", Actor{"ada", "req-me"});
  ASSERT_TRUE(erased) << erased.error().detail;
  EXPECT_TRUE(erased->user.erased());
  EXPECT_EQ(erased->user.name, kErasedName);
  EXPECT_TRUE(forgotten.empty()) << "nothing was mailed";
  EXPECT_EQ(refunds, 0) << "nothing to refund";

  // Erased accounts stay as they are.
  EXPECT_EQ(admin_->enable(root_, "ada", by_root_).error().code, Errc::conflict);
  EXPECT_EQ(admin_->erase(root_, "ada", by_root_).error().code, Errc::conflict);
  // The last admin is kept, by their own hand or another's.
  EXPECT_EQ(admin_->erase_self(root_, "pw", by_root_).error().code, Errc::last_admin);
  EXPECT_EQ(admin_->erase(root_, "root", by_root_).error().code, Errc::last_admin);
  ASSERT_TRUE(admin_->erase(root_, "olga", by_root_));
  EXPECT_TRUE(store_->find_user("olga")->erased());
}

}  // namespace
}  // namespace admit
