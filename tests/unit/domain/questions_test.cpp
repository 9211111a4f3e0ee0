#include "domain/questions.hpp"

#include <gtest/gtest.h>

#include <limits>
#include <string>
#include <vector>

namespace admit {
namespace {

Question question(std::string id, QuestionType type, bool required = false, std::vector<std::string> options = {},
                  QuestionScope scope = QuestionScope::order, std::vector<std::string> types = {}, int position = 0) {
  return Question{.id = std::move(id),
                  .event_id = "e1",
                  .details = QuestionDraft{.label = "Label of " + std::string(question_type_name(type)),
                                           .type = type,
                                           .options = std::move(options),
                                           .required = required,
                                           .scope = scope,
                                           .ticket_type_ids = std::move(types),
                                           .position = position}};
}

AnswerSheet order_of(std::vector<std::string> types = {"general"}) {
  return AnswerSheet{.scope = QuestionScope::order, .ticket_type_ids = std::move(types), .path = "answers"};
}

AnswerSheet ticket_of(std::string type, int index) {
  return AnswerSheet{.scope = QuestionScope::ticket,
                     .ticket_type_ids = {std::move(type)},
                     .path = "attendees[" + std::to_string(index) + "].answers"};
}

/// The fields of the errors check_answers found, or "ok".
std::vector<std::string> refused(std::vector<Question> const& questions, AnswerSheet const& sheet, Answers answers) {
  auto const result = check_answers(questions, sheet, std::move(answers));
  if (result) return {"ok"};
  EXPECT_EQ(result.error().code, Errc::invalid_input);
  std::vector<std::string> fields;
  for (auto const& e : result.error().fields) fields.push_back(e.field);
  return fields;
}

using Fields = std::vector<std::string>;

TEST(Questions, NamesRoundTrip) {
  for (auto const type :
       {QuestionType::text, QuestionType::multiline, QuestionType::number, QuestionType::email, QuestionType::phone,
        QuestionType::date, QuestionType::select, QuestionType::multiselect, QuestionType::checkbox}) {
    EXPECT_EQ(parse_question_type(question_type_name(type)), type);
  }
  EXPECT_FALSE(parse_question_type("radio"));
  EXPECT_EQ(parse_question_scope("ticket"), QuestionScope::ticket);
  EXPECT_FALSE(parse_question_scope("event"));
}

TEST(Questions, AQuestionNeedsALabelAndChoicesOnlyWhereItHasThem) {
  QuestionDraft ok{.label = "Dietary needs", .type = QuestionType::select, .options = {"None", "Vegetarian"}};
  EXPECT_TRUE(check_question(ok).empty());
  auto blank = ok;
  blank.label = "  ";
  ASSERT_EQ(check_question(blank).size(), 1u);
  EXPECT_EQ(check_question(blank)[0].field, "label");
  auto no_choices = ok;
  no_choices.options.clear();
  EXPECT_EQ(check_question(no_choices)[0].field, "options");
  auto repeated = ok;
  repeated.options = {"None", "Vegan", "None"};
  EXPECT_EQ(check_question(repeated)[0].field, "options[2]");
  auto padded = ok;
  padded.options = {"None", " Vegan"};
  EXPECT_EQ(check_question(padded)[0].field, "options[1]");
  QuestionDraft text_with_choices{.label = "Company", .type = QuestionType::text, .options = {"A"}};
  EXPECT_EQ(check_question(text_with_choices)[0].field, "options");
  QuestionDraft twice{.label = "T-shirt", .ticket_type_ids = {"vip", "vip"}};
  EXPECT_EQ(check_question(twice)[0].field, "ticketTypeIds[1]");
  QuestionDraft too_many{.label = "Many", .type = QuestionType::multiselect};
  for (int i = 0; i <= 50; ++i) too_many.options.push_back("choice " + std::to_string(i));
  EXPECT_EQ(check_question(too_many)[0].field, "options");
}

TEST(Questions, ARequiredAnswerMustBeGivenAndAnOptionalOneMayBeLeftOut) {
  std::vector<Question> const qs{question("diet", QuestionType::text, true), question("company", QuestionType::text)};
  EXPECT_EQ(refused(qs, order_of(), {}), Fields{"answers.diet"});
  EXPECT_EQ(refused(qs, order_of(), {{"diet", std::string("   ")}}), Fields{"answers.diet"}) << "blank is no answer";
  auto const checked = check_answers(qs, order_of(), {{"diet", std::string("  vegan ")}});
  ASSERT_TRUE(checked);
  EXPECT_EQ(*checked, (Answers{{"diet", std::string("vegan")}})) << "trimmed; the optional one left out";
}

TEST(Questions, UnknownQuestionsAndQuestionsOfOtherScopesOrTypesAreRefused) {
  std::vector<Question> const qs{
      question("diet", QuestionType::text, false, {}, QuestionScope::ticket),
      question("shirt", QuestionType::select, false, {"S", "M"}, QuestionScope::ticket, {"vip"}),
      question("invoice", QuestionType::text, false, {}, QuestionScope::order),
  };
  EXPECT_EQ(refused(qs, ticket_of("general", 1), {{"nope", std::string("x")}}), Fields{"attendees[1].answers.nope"});
  EXPECT_EQ(refused(qs, ticket_of("general", 0), {{"shirt", std::string("S")}}), Fields{"attendees[0].answers.shirt"})
      << "asked of VIP tickets only";
  EXPECT_EQ(refused(qs, ticket_of("vip", 0), {{"shirt", std::string("S")}}), Fields{"ok"});
  EXPECT_EQ(refused(qs, ticket_of("vip", 0), {{"invoice", std::string("ACME")}}),
            Fields{"attendees[0].answers.invoice"})
      << "an order question is not a ticket's";
  EXPECT_EQ(refused(qs, order_of(), {{"diet", std::string("none")}}), Fields{"answers.diet"});
  EXPECT_EQ(refused(qs, order_of(), {{"invoice", std::string("A")}, {"invoice", std::string("B")}}),
            Fields{"answers.invoice"});
}

TEST(Questions, AnOrderQuestionOfSomeTypesIsAskedWhenTheOrderHoldsOne) {
  std::vector<Question> const qs{
      question("parking", QuestionType::checkbox, true, {}, QuestionScope::order, {"vip"}),
  };
  EXPECT_EQ(refused(qs, order_of({"general"}), {}), Fields{"ok"});
  EXPECT_EQ(refused(qs, order_of({"general", "vip"}), {}), Fields{"answers.parking"});
}

TEST(Questions, EachTypeTakesItsKindOfValue) {
  std::vector<Question> const qs{
      question("t", QuestionType::text, false, {}, QuestionScope::order, {}, 3),
      question("n", QuestionType::number, false, {}, QuestionScope::order, {}, 0),
      question("c", QuestionType::checkbox, false, {}, QuestionScope::order, {}, 1),
      question("m", QuestionType::multiselect, false, {"a", "b", "c"}, QuestionScope::order, {}, 2),
  };
  EXPECT_EQ(refused(qs, order_of(), {{"n", std::string("12")}}), Fields{"answers.n"});
  EXPECT_EQ(refused(qs, order_of(), {{"c", std::string("yes")}}), Fields{"answers.c"});
  EXPECT_EQ(refused(qs, order_of(), {{"m", std::string("a")}}), Fields{"answers.m"});
  EXPECT_EQ(refused(qs, order_of(), {{"t", 3.0}}), Fields{"answers.t"});
  auto const checked = check_answers(
      qs, order_of(), {{"t", std::string("x")}, {"m", std::vector<std::string>{"c", "a"}}, {"c", true}, {"n", 2.5}});
  ASSERT_TRUE(checked);
  EXPECT_EQ(*checked,
            (Answers{{"n", 2.5}, {"c", true}, {"m", std::vector<std::string>{"a", "c"}}, {"t", std::string("x")}}))
      << "in the questions' positions, choices in the options' order";
}

TEST(Questions, NumbersMustBeFiniteAndOfAFormsSize) {
  std::vector<Question> const qs{question("n", QuestionType::number)};
  EXPECT_EQ(refused(qs, order_of(), {{"n", 1e16}}), Fields{"answers.n"});
  EXPECT_EQ(refused(qs, order_of(), {{"n", std::numeric_limits<double>::infinity()}}), Fields{"answers.n"});
  EXPECT_EQ(refused(qs, order_of(), {{"n", -42.0}}), Fields{"ok"});
}

TEST(Questions, ChoicesMustBeTheQuestionsOwn) {
  std::vector<Question> const qs{question("s", QuestionType::select, false, {"Vegan", "None"}),
                                 question("m", QuestionType::multiselect, true, {"Mon", "Tue"})};
  EXPECT_EQ(refused(qs, order_of(), {{"s", std::string("vegan")}, {"m", std::vector<std::string>{"Mon"}}}),
            Fields{"answers.s"})
      << "exactly an option";
  EXPECT_EQ(refused(qs, order_of(), {{"m", std::vector<std::string>{"Mon", "Wed"}}}), Fields{"answers.m"});
  EXPECT_EQ(refused(qs, order_of(), {{"m", std::vector<std::string>{"Mon", "Mon"}}}), Fields{"answers.m"});
  EXPECT_EQ(refused(qs, order_of(), {{"m", std::vector<std::string>{}}}), Fields{"answers.m"})
      << "required: one at least";
}

TEST(Questions, ARequiredConsentMustBeTicked) {
  std::vector<Question> const qs{question("terms", QuestionType::checkbox, true)};
  EXPECT_EQ(refused(qs, order_of(), {{"terms", false}}), Fields{"answers.terms"});
  EXPECT_EQ(refused(qs, order_of(), {{"terms", true}}), Fields{"ok"});
  std::vector<Question> const optional{question("news", QuestionType::checkbox)};
  auto const checked = check_answers(optional, order_of(), {{"news", false}});
  ASSERT_TRUE(checked);
  EXPECT_TRUE(checked->empty()) << "an unticked optional box is no answer";
}

TEST(Questions, AddressesPhoneNumbersAndDatesAreChecked) {
  std::vector<Question> const qs{question("p", QuestionType::phone), question("e", QuestionType::email),
                                 question("d", QuestionType::date)};
  EXPECT_EQ(refused(qs, order_of(), {{"e", std::string("not an address")}}), Fields{"answers.e"});
  EXPECT_EQ(refused(qs, order_of(), {{"p", std::string("call me")}}), Fields{"answers.p"});
  EXPECT_EQ(refused(qs, order_of(), {{"p", std::string("12 34")}}), Fields{"answers.p"}) << "too few digits";
  EXPECT_EQ(refused(qs, order_of(), {{"p", std::string("+1 (555) 010-9999 123456")}}), Fields{"answers.p"})
      << "more digits than E.164 allows";
  EXPECT_EQ(refused(qs, order_of(), {{"p", std::string("030+123456")}}), Fields{"answers.p"}) << "+ only first";
  EXPECT_EQ(refused(qs, order_of(), {{"d", std::string("2027-02-29")}}), Fields{"answers.d"}) << "no such day";
  EXPECT_EQ(refused(qs, order_of(), {{"d", std::string("1.2.2027")}}), Fields{"answers.d"});
  auto const checked = check_answers(qs, order_of(),
                                     {{"e", std::string(" Ana@Example.COM ")},
                                      {"p", std::string("+49 30 1234-5678")},
                                      {"d", std::string("2028-02-29")}});
  ASSERT_TRUE(checked);
  EXPECT_EQ(*checked, (Answers{{"d", std::string("2028-02-29")},
                               {"e", std::string("ana@example.com")},
                               {"p", std::string("+49 30 1234-5678")}}))
      << "questions of one position in the order of their ids";
}

TEST(Questions, HugeAnswersAreRefused) {
  std::vector<Question> const qs{question("t", QuestionType::text), question("m", QuestionType::multiline)};
  EXPECT_EQ(refused(qs, order_of(), {{"t", std::string(501, 'x')}}), Fields{"answers.t"});
  EXPECT_EQ(refused(qs, order_of(), {{"t", std::string(500, 'x')}}), Fields{"ok"});
  std::string umlauts;
  for (int i = 0; i < 500; ++i) umlauts += "\xC3\xBC";
  EXPECT_EQ(refused(qs, order_of(), {{"t", umlauts}}), Fields{"ok"}) << "characters, not bytes";
  EXPECT_EQ(refused(qs, order_of(), {{"m", std::string(5001, 'x')}}), Fields{"answers.m"});
}

TEST(Questions, EveryProblemIsNamedAtOnce) {
  std::vector<Question> const qs{question("a", QuestionType::text, true, {}, QuestionScope::ticket),
                                 question("b", QuestionType::number, true, {}, QuestionScope::ticket)};
  EXPECT_EQ(refused(qs, ticket_of("general", 3), {{"b", std::string("x")}, {"z", true}}),
            (Fields{"attendees[3].answers.z", "attendees[3].answers.a", "attendees[3].answers.b"}));
}

TEST(Questions, AnswersReadAsText) {
  EXPECT_EQ(answer_text(std::string("vegan")), "vegan");
  EXPECT_EQ(answer_text(true), "yes");
  EXPECT_EQ(answer_text(false), "no");
  EXPECT_EQ(answer_text(3.0), "3");
  EXPECT_EQ(answer_text(2.5), "2.5");
  EXPECT_EQ(answer_text(std::vector<std::string>{"Mon", "Tue"}), "Mon; Tue");
}

}  // namespace
}  // namespace admit
