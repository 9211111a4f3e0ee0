#include "domain/user.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace admit {
namespace {

std::vector<std::string> fields_of(std::vector<FieldError> const& errors) {
  std::vector<std::string> fields;
  for (auto const& e : errors) fields.push_back(e.field);
  return fields;
}

std::string repeat(std::string_view piece, std::size_t times) {
  std::string out;
  for (std::size_t i = 0; i < times; ++i) out += piece;
  return out;
}

TEST(NormalizeEmail, TrimsAndLowerCases) {
  EXPECT_EQ(normalize_email("  Ada.Lovelace@Example.COM \t\n"), "ada.lovelace@example.com");
  EXPECT_EQ(normalize_email("ada@example.com"), "ada@example.com");
  EXPECT_EQ(normalize_email("ADA+TICKETS@SUB.EXAMPLE.ORG"), "ada+tickets@sub.example.org");
}

TEST(NormalizeEmail, RejectsMissingAt) {
  EXPECT_EQ(normalize_email("ada.example.com"), std::nullopt);
  EXPECT_EQ(normalize_email(""), std::nullopt);
  EXPECT_EQ(normalize_email("   "), std::nullopt);
}

TEST(NormalizeEmail, RejectsTwoAts) {
  EXPECT_EQ(normalize_email("ada@lovelace@example.com"), std::nullopt);
  EXPECT_EQ(normalize_email("ada@@example.com"), std::nullopt);
}

TEST(NormalizeEmail, RejectsEmptyLocalPartOrDomain) {
  EXPECT_EQ(normalize_email("@example.com"), std::nullopt);
  EXPECT_EQ(normalize_email("ada@"), std::nullopt);
}

TEST(NormalizeEmail, RejectsDomainWithoutDot) {
  EXPECT_EQ(normalize_email("ada@localhost"), std::nullopt);
  EXPECT_EQ(normalize_email("ada@.com"), std::nullopt);
  EXPECT_EQ(normalize_email("ada@example."), std::nullopt);
}

TEST(NormalizeEmail, RejectsInnerSpacesAndControlCharacters) {
  EXPECT_EQ(normalize_email("ada lovelace@example.com"), std::nullopt);
  EXPECT_EQ(normalize_email("ada@exa mple.com"), std::nullopt);
  EXPECT_EQ(normalize_email("ada\t@example.com"), std::nullopt);
  EXPECT_EQ(normalize_email(std::string("ada\0x@example.com", 17)), std::nullopt);
}

TEST(NormalizeEmail, RejectsHeaderInjectionCharacters) {
  EXPECT_EQ(normalize_email("ada@example.com,eve@example.com"), std::nullopt);
  EXPECT_EQ(normalize_email("<ada@example.com>"), std::nullopt);
  EXPECT_EQ(normalize_email("ada@example.com;eve@example.com"), std::nullopt);
}

TEST(NormalizeEmail, RejectsOverlongAddresses) {
  auto const local = repeat("a", 64);
  auto const domain = repeat("b", 185) + ".com";  // 64 + 1 + 189 = 254
  EXPECT_TRUE(normalize_email(local + "@" + domain));
  EXPECT_EQ(normalize_email(local + "@b" + domain), std::nullopt);
}

TEST(CheckSignup, AcceptsValidInput) {
  EXPECT_TRUE(check_signup("ada@example.com", "correct horse", "Ada Lovelace").empty());
}

TEST(CheckSignup, RejectsShortPasswordNamingTheField) {
  auto const errors = check_signup("ada@example.com", "1234567", "Ada");
  EXPECT_EQ(fields_of(errors), std::vector<std::string>{"password"});
}

TEST(CheckSignup, AcceptsPasswordOfExactlyEightCharacters) {
  EXPECT_TRUE(check_signup("ada@example.com", "12345678", "Ada").empty());
}

TEST(CheckSignup, CountsPasswordLengthInCodePoints) {
  // Seven two-byte characters: 14 bytes, but only 7 characters.
  EXPECT_EQ(fields_of(check_signup("ada@example.com", repeat("\u00e9", 7), "Ada")),
            std::vector<std::string>{"password"});
  EXPECT_TRUE(check_signup("ada@example.com", repeat("\u00e9", 8), "Ada").empty());
  // Four-byte characters (emoji): 8 of them are 32 bytes, 8 characters.
  EXPECT_TRUE(check_signup("ada@example.com", repeat("\U0001F3AB", 8), "Ada").empty());
  EXPECT_EQ(fields_of(check_signup("ada@example.com", repeat("\U0001F3AB", 7), "Ada")),
            std::vector<std::string>{"password"});
}

TEST(CheckSignup, RejectsOverlongPassword) {
  EXPECT_TRUE(check_signup("ada@example.com", repeat("p", 256), "Ada").empty());
  EXPECT_EQ(fields_of(check_signup("ada@example.com", repeat("p", 257), "Ada")), std::vector<std::string>{"password"});
  // 256 three-byte characters are 768 bytes but still 256 characters.
  EXPECT_TRUE(check_signup("ada@example.com", repeat("\u20ac", 256), "Ada").empty());
}

TEST(CheckSignup, RejectsBlankName) {
  EXPECT_EQ(fields_of(check_signup("ada@example.com", "correct horse", "")), std::vector<std::string>{"name"});
  EXPECT_EQ(fields_of(check_signup("ada@example.com", "correct horse", " \t\n ")), std::vector<std::string>{"name"});
}

TEST(CheckSignup, RejectsOverlongName) {
  EXPECT_TRUE(check_signup("ada@example.com", "correct horse", repeat("\u00e9", 200)).empty());
  EXPECT_EQ(fields_of(check_signup("ada@example.com", "correct horse", repeat("n", 201))),
            std::vector<std::string>{"name"});
}

TEST(CheckSignup, RejectsInvalidEmail) {
  EXPECT_EQ(fields_of(check_signup("not-an-email", "correct horse", "Ada")), std::vector<std::string>{"email"});
}

TEST(CheckSignup, ReportsEveryFieldAtOnce) {
  EXPECT_EQ(fields_of(check_signup("nope", "short", " ")), (std::vector<std::string>{"email", "password", "name"}));
}

TEST(Roles, NamesComeInFixedOrder) {
  EXPECT_EQ(Roles(Role::admin).with(Role::attendee).names(), (std::vector<std::string_view>{"attendee", "admin"}));
  EXPECT_EQ((Role::organizer | Role::attendee).names(), (std::vector<std::string_view>{"attendee", "organizer"}));
  EXPECT_EQ(Roles(std::uint8_t{11}).names(), (std::vector<std::string_view>{"attendee", "organizer", "admin"}));
  // Bit 4 was the retired global staff role: a stale bit names nothing.
  EXPECT_EQ(Roles(std::uint8_t{15}).names(), (std::vector<std::string_view>{"attendee", "organizer", "admin"}));
  EXPECT_EQ(Roles(std::uint8_t{4}).names(), (std::vector<std::string_view>{}));
  EXPECT_TRUE(Roles().names().empty());
}

TEST(Roles, HasOnlyTheRolesGiven) {
  Roles const attendee = Role::attendee;
  EXPECT_TRUE(attendee.has(Role::attendee));
  EXPECT_FALSE(attendee.has(Role::organizer));
  EXPECT_FALSE(attendee.has(Role::admin));
  EXPECT_FALSE(Roles().has(Role::attendee));
}

TEST(Roles, WithAddsARoleAndKeepsTheOthers) {
  Roles const attendee = Role::attendee;
  auto const both = attendee.with(Role::organizer);
  EXPECT_TRUE(both.has(Role::attendee));
  EXPECT_TRUE(both.has(Role::organizer));
  EXPECT_FALSE(attendee.has(Role::organizer)) << "with() returns a new set";
  EXPECT_EQ(both.with(Role::organizer), both);
  EXPECT_EQ(both, Role::attendee | Role::organizer);
}

TEST(Roles, AnyOfChecksTheIntersection) {
  auto const runs = Role::organizer | Role::admin;
  EXPECT_TRUE(Roles(Role::admin).any_of(runs));
  EXPECT_FALSE(Roles(Role::attendee).any_of(runs));
}

TEST(ParseRole, ReadsEachRoleName) {
  EXPECT_EQ(parse_role("attendee"), Role::attendee);
  EXPECT_EQ(parse_role("organizer"), Role::organizer);
  EXPECT_EQ(parse_role("admin"), Role::admin);
}

TEST(ParseRole, TheRetiredStaffRoleIsNoRole) {
  EXPECT_EQ(parse_role("staff"), std::nullopt);
  EXPECT_TRUE(is_retired_role("staff"));
  EXPECT_FALSE(is_retired_role("admin"));
  EXPECT_FALSE(is_retired_role("Staff"));
}

TEST(ParseRole, RejectsUnknownAndMiscasedNames) {
  EXPECT_EQ(parse_role("Organizer"), std::nullopt);
  EXPECT_EQ(parse_role("organiser"), std::nullopt);
  EXPECT_EQ(parse_role(""), std::nullopt);
  EXPECT_EQ(parse_role("root"), std::nullopt);
}

TEST(RoleName, IsTheInverseOfParseRole) {
  for (auto role : {Role::attendee, Role::organizer, Role::admin}) {
    EXPECT_EQ(parse_role(role_name(role)), role);
  }
}

TEST(CheckPassword, AppliesTheSignUpRulesToANewPassword) {
  EXPECT_TRUE(check_password("12345678").empty());
  EXPECT_EQ(fields_of(check_password("1234567")), (std::vector<std::string>{"password"}));
  EXPECT_EQ(fields_of(check_password(std::string(257, 'x'))), (std::vector<std::string>{"password"}));
  EXPECT_EQ(fields_of(check_password(repeat("\u00e9", 7))), (std::vector<std::string>{"password"}));
}

TEST(MaySellAt, PaidTicketsNeedAVerifiedOrganizerOnlyWhereRequired) {
  User organizer{.id = "o",
                 .email = "o@example.com",
                 .name = "O",
                 .password_hash = "x",
                 .roles = Role::organizer,
                 .created_at = {}};
  EXPECT_TRUE(may_sell_at(organizer, 0, true)) << "free tickets always";
  EXPECT_TRUE(may_sell_at(organizer, 2500, false)) << "the instance does not require it";
  EXPECT_FALSE(may_sell_at(organizer, 2500, true));
  organizer.email_verified_at = Timestamp{std::chrono::seconds{1}};
  EXPECT_TRUE(may_sell_at(organizer, 2500, true));
}

TEST(RolesAfterExternalSignIn, TheProvidersRolesAreReplacedAndAdmitsGrantsStay) {
  // Signed in as an organizer before; an admin granted admin in Admit since.
  Roles const current = Role::attendee | Role::organizer;
  Roles const with_admin = current.with(Role::admin);
  // Removed from Organizers at the provider: organizer goes, attendee (still mapped) and admin stay.
  EXPECT_EQ(roles_after_external_sign_in(with_admin, current, Role::attendee), Role::attendee | Role::admin);
  // Added to Organizers: the role arrives.
  EXPECT_EQ(roles_after_external_sign_in(Role::attendee, Role::attendee, current), current);
  // In no mapped group at all: only what Admit granted remains.
  EXPECT_EQ(roles_after_external_sign_in(with_admin, current, Roles{}), Roles(Role::admin));
}

}  // namespace
}  // namespace admit
