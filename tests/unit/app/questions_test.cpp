#include "app/questions.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "support/fakes.hpp"

namespace admit {
namespace {

std::vector<std::string> fields_of(Error const& error) {
  std::vector<std::string> fields;
  for (auto const& f : error.fields) fields.push_back(f.field);
  return fields;
}

QuestionInput diet() {
  return QuestionInput{.label = "Dietary requirements",
                       .type = "select",
                       .options = std::vector<std::string>{"None", "Vegan"},
                       .required = true,
                       .scope = "ticket",
                       .ticket_type_ids = std::nullopt,
                       .position = std::nullopt};
}

class QuestionsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (auto const& [id, organizer] : {std::pair{"e1", "org"}, std::pair{"e2", "org2"}}) {
      Event event;
      event.id = id;
      event.organizer_id = organizer;
      event.status = EventStatus::published;
      event.ticket_types.push_back(TicketType{.id = std::string(id) + "-general", .event_id = id});
      store_.insert_event(event, Actor{});
    }
  }

  test::FakeStore store_;
  test::FakeClock clock_;
  test::CountingEntropy entropy_;
  Questions questions_{store_, store_, entropy_, clock_};
  Principal const org_{.user_id = "org", .roles = Role::organizer};
  Principal const org2_{.user_id = "org2", .roles = Role::organizer};
};

TEST_F(QuestionsTest, CreateNamesEachMissingFieldOnceAndNoRuleOfOptionsBeforeTheType) {
  auto const created =
      questions_.create_question(org_, "e1", QuestionInput{.options = std::vector<std::string>{"x"}}, {});
  ASSERT_FALSE(created);
  EXPECT_EQ(created.error().code, Errc::invalid_input);
  EXPECT_EQ(fields_of(created.error()), (std::vector<std::string>{"label", "type", "required", "scope"}));
  EXPECT_TRUE(store_.questions.empty());
}

TEST_F(QuestionsTest, CreateReportsTheDomainsRulesAndBadNames) {
  auto input = diet();
  input.type = "radio";
  input.scope = "event";
  input.label = " ";
  auto const created = questions_.create_question(org_, "e1", input, {});
  ASSERT_FALSE(created);
  EXPECT_EQ(fields_of(created.error()), (std::vector<std::string>{"type", "scope", "label"}));
  input = diet();
  input.options = std::vector<std::string>{"A", "A"};
  EXPECT_EQ(fields_of(questions_.create_question(org_, "e1", input, {}).error()),
            (std::vector<std::string>{"options[1]"}));
}

TEST_F(QuestionsTest, ANewQuestionComesAfterTheLastUnlessPlaced) {
  auto input = diet();
  input.position = 7;
  EXPECT_EQ(questions_.create_question(org_, "e1", input, {})->details.position, 7);
  EXPECT_EQ(questions_.create_question(org_, "e1", diet(), {})->details.position, 8);
  EXPECT_EQ(questions_.create_question(org_, "e2", diet(), {}).error().code, Errc::forbidden);
  EXPECT_EQ(questions_.create_question(org2_, "e2", diet(), {})->details.position, 0) << "each event on its own";
}

TEST_F(QuestionsTest, AReplacementIsWrittenWholeAndKeepsItsPlaceWithoutPosition) {
  auto input = diet();
  input.position = 3;
  auto const q = questions_.create_question(org_, "e1", input, {});
  ASSERT_TRUE(q);
  QuestionInput const company{.label = "Company", .type = "text", .required = false, .scope = "order"};
  auto const replaced = questions_.update_question(org_, "e1", q->id, company, {});
  ASSERT_TRUE(replaced) << replaced.error().detail;
  EXPECT_EQ(replaced->id, q->id);
  EXPECT_EQ(replaced->details.position, 3);
  EXPECT_TRUE(replaced->details.options.empty());
  auto const stored = store_.find_question("e1", q->id);
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->details.label, "Company");
  EXPECT_EQ(stored->details.type, QuestionType::text);
  EXPECT_EQ(stored->details.scope, QuestionScope::order);
}

TEST_F(QuestionsTest, OnlyTheOrganizerChangesQuestionsOfALiveEvent) {
  auto const q = questions_.create_question(org_, "e1", diet(), {});
  ASSERT_TRUE(q);
  EXPECT_EQ(questions_.update_question(org2_, "e1", q->id, diet(), {}).error().code, Errc::forbidden);
  EXPECT_EQ(questions_.delete_question(org2_, "e1", q->id, {}).error().code, Errc::forbidden);
  EXPECT_EQ(questions_.create_question(org_, "e9", diet(), {}).error().code, Errc::not_found);
  EXPECT_EQ(questions_.update_question(org_, "e1", "nope", diet(), {}).error().code, Errc::not_found);
  EXPECT_EQ(questions_.list_questions("e9", nullptr).error().code, Errc::not_found);
  store_.events["e1"].status = EventStatus::cancelled;
  EXPECT_EQ(questions_.create_question(org_, "e1", diet(), {}).error().code, Errc::conflict);
  EXPECT_EQ(questions_.delete_question(org_, "e1", q->id, {}).error().code, Errc::conflict);
  EXPECT_EQ(questions_.list_questions("e1", nullptr)->size(), 1u) << "still read";
}

TEST_F(QuestionsTest, ADraftsQuestionsAreItsOrganizersAlone) {
  store_.events["e1"].status = EventStatus::draft;
  auto const q = questions_.create_question(org_, "e1", diet(), {});
  ASSERT_TRUE(q) << "the organizer prepares the draft's questions";
  EXPECT_EQ(questions_.list_questions("e1", &org_)->size(), 1u);
  EXPECT_EQ(questions_.list_questions("e1", nullptr).error().code, Errc::not_found) << "anonymous";
  EXPECT_EQ(questions_.list_questions("e1", &org2_).error().code, Errc::not_found) << "another organizer";
  EXPECT_EQ(questions_.create_question(org2_, "e1", diet(), {}).error().code, Errc::not_found)
      << "a draft does not exist for anyone else, not even as forbidden";
  EXPECT_EQ(questions_.delete_question(org2_, "e1", q->id, {}).error().code, Errc::not_found);
}

TEST_F(QuestionsTest, ATicketTypeOfAnotherEventIsNamedByItsIndex) {
  auto input = diet();
  input.ticket_type_ids = std::vector<std::string>{"e1-general", "e2-general"};
  auto const created = questions_.create_question(org_, "e1", input, {});
  ASSERT_FALSE(created);
  EXPECT_EQ(created.error().code, Errc::invalid_input);
  EXPECT_EQ(fields_of(created.error()), (std::vector<std::string>{"ticketTypeIds[1]"}));
  EXPECT_TRUE(store_.questions.empty());
}

TEST_F(QuestionsTest, AnEventHasAtMostFiftyQuestions) {
  for (std::size_t i = 0; i < Questions::kMaxPerEvent; ++i)
    ASSERT_TRUE(questions_.create_question(org_, "e1", diet(), {}));
  auto const refused = questions_.create_question(org_, "e1", diet(), {});
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, Errc::conflict);
  EXPECT_EQ(store_.list_questions("e1").size(), Questions::kMaxPerEvent);
}

}  // namespace
}  // namespace admit
