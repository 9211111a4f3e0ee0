#include "app/events.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "auth/crypto.hpp"
#include "store/sqlite/sqlite_store.hpp"
#include "support/fakes.hpp"

namespace admit {
namespace {

using namespace std::chrono;
using namespace std::chrono_literals;

std::filesystem::path fresh_temp_dir() {
  std::random_device random;
  auto const dir = std::filesystem::temp_directory_path() /
                   ("admit-events-test-" + std::to_string(random()) + "-" + std::to_string(random()));
  std::filesystem::create_directories(dir);
  return dir;
}

/// Runs SQL on the database file through a connection of its own, as another process would.
void execute_sql(std::filesystem::path const& db_path, std::string const& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr), SQLITE_OK);
  char* error = nullptr;
  int const rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error);
  std::string const message = error ? error : "";
  sqlite3_free(error);
  sqlite3_close(db);
  ASSERT_EQ(rc, SQLITE_OK) << message;
}

std::vector<std::string> fields_of(Error const& error) {
  std::vector<std::string> fields;
  for (auto const& f : error.fields) fields.push_back(f.field);
  return fields;
}

Timestamp day(year_month_day date, hours h = 20h) {
  return sys_days{date} + h;
}

EventPatch jazz_night() {
  return EventPatch{
      .name = "Jazz night",
      .description = "Three sets, one bar.",
      .starts_at = day(2026y / December / 15),
      .timezone = "Europe/Berlin",
      .location = "Blue Note, Berlin",
      .capacity = 100,
      .price = 25.0,
      .currency = "EUR",
      .max_per_attendee = std::nullopt,
      .cancellation_deadline = std::nullopt,
      .hold_seconds = std::nullopt,
      .ends_at = std::nullopt,
      .status = std::nullopt,
  };
}

class EventsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auth::init_crypto();
    dir_ = fresh_temp_dir();
    store_ = std::make_unique<SqliteStore>(db_path());
    events_ = std::make_unique<Events>(*store_, *store_, entropy_, clock_);
    organizer_ = add_user("olga@example.com", Role::attendee | Role::organizer);
    rival_ = add_user("rita@example.com", Role::attendee | Role::organizer);
    attendee_ = add_user("ada@example.com", Role::attendee);
  }

  void TearDown() override {
    events_.reset();
    store_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  std::filesystem::path db_path() const { return dir_ / "admit.db"; }

  Principal add_user(std::string const& email, Roles roles, bool verified = false) {
    User user{.id = entropy_.new_id(),
              .email = email,
              .name = email,
              .password_hash = "x",
              .roles = roles,
              .created_at = clock_.now()};
    if (verified) user.email_verified_at = clock_.now();
    EXPECT_TRUE(store_->insert_user(user, std::nullopt, Actor{}));
    return Principal{user.id, roles};
  }

  Event create(EventPatch const& patch, Principal const* who = nullptr) {
    auto event = events_->create_event(who ? *who : organizer_, patch, Actor{});
    if (!event) {
      ADD_FAILURE() << "create_event failed: " << event.error().detail;
      return {};
    }
    return *event;
  }

  Event create_at(std::string name, Timestamp starts_at) {
    auto patch = jazz_night();
    patch.name = std::move(name);
    patch.starts_at = starts_at;
    return create(patch);
  }

  std::vector<std::string> names(ListEventsRequest const& request) {
    auto page = events_->list_events(request);
    if (!page) {
      ADD_FAILURE() << "list_events failed: " << page.error().detail;
      return {};
    }
    std::vector<std::string> out;
    for (auto const& e : page->items) out.push_back(e.details.name);
    return out;
  }

  static ListEventsRequest search(std::string text) {
    ListEventsRequest request;
    request.text = std::move(text);
    return request;
  }

  test::FakeClock clock_{sys_days{2026y / June / 1}};
  auth::SodiumEntropy entropy_;
  std::filesystem::path dir_;
  std::unique_ptr<SqliteStore> store_;
  std::unique_ptr<Events> events_;
  Principal organizer_;
  Principal rival_;
  Principal attendee_;
};

// ---- create ----------------------------------------------------------------------------

TEST_F(EventsTest, CreateEventPublishesOwnedByTheCaller) {
  auto const event = events_->create_event(organizer_, jazz_night(), Actor{organizer_.user_id, "req-1"});
  ASSERT_TRUE(event) << event.error().detail;
  EXPECT_FALSE(event->id.empty());
  EXPECT_EQ(event->organizer_id, organizer_.user_id);
  EXPECT_EQ(event->status, EventStatus::published);
  EXPECT_EQ(event->registered_count, 0);
  EXPECT_EQ(event->details.name, "Jazz night");
  EXPECT_EQ(event->details.timezone, "Europe/Berlin");
  EXPECT_EQ(event->details.price_minor, 2500);
  EXPECT_EQ(event->created_at, clock_.now());

  auto const stored = events_->get_event(event->id, nullptr);
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->details.name, "Jazz night");
  EXPECT_EQ(stored->details.starts_at, day(2026y / December / 15));
  EXPECT_EQ(stored->organizer_id, organizer_.user_id);
}

TEST_F(EventsTest, CreateEventRequiresOrganizer) {
  auto const result = events_->create_event(attendee_, jazz_night(), Actor{});
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, Errc::forbidden);
  auto const listed = events_->list_events({});
  ASSERT_TRUE(listed);
  EXPECT_TRUE(listed->items.empty());
}

TEST_F(EventsTest, CreateEventListsMissingRequiredFields) {
  auto const result = events_->create_event(organizer_, EventPatch{}, Actor{});
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, Errc::invalid_input);
  EXPECT_EQ(fields_of(result.error()), (std::vector<std::string>{"name", "date", "location", "capacity"}));
}

TEST_F(EventsTest, CreateEventRejectsUnknownTimeZone) {
  auto patch = jazz_night();
  patch.timezone = "Mars/Olympus_Mons";
  auto const result = events_->create_event(organizer_, patch, Actor{});
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, Errc::invalid_input);
  EXPECT_EQ(fields_of(result.error()), std::vector<std::string>{"timezone"});
}

TEST_F(EventsTest, CreateEventDefaultsTimeZoneToUtc) {
  auto patch = jazz_night();
  patch.timezone.reset();
  EXPECT_EQ(create(patch).details.timezone, "UTC");
}

TEST_F(EventsTest, CreateEventReportsRuleBreaches) {
  auto patch = jazz_night();
  patch.name = " ";
  patch.capacity = 0;
  auto const result = events_->create_event(organizer_, patch, Actor{});
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, Errc::invalid_input);
  auto const fields = fields_of(result.error());
  EXPECT_NE(std::find(fields.begin(), fields.end(), "name"), fields.end());
  EXPECT_NE(std::find(fields.begin(), fields.end(), "capacity"), fields.end());
}

TEST_F(EventsTest, CreateEventConvertsPriceWithTheCurrencyExponent) {
  auto yen = jazz_night();
  yen.currency = "JPY";
  yen.price = 1500;
  EXPECT_EQ(create(yen).details.price_minor, 1500);

  auto dollars = jazz_night();
  dollars.currency = "USD";
  dollars.price = 12.5;
  EXPECT_EQ(create(dollars).details.price_minor, 1250);

  auto dinars = jazz_night();
  dinars.currency = "KWD";
  dinars.price = 1.234;
  EXPECT_EQ(create(dinars).details.price_minor, 1234);
}

TEST_F(EventsTest, CreateEventRejectsPriceWithTooManyDecimals) {
  auto yen = jazz_night();
  yen.currency = "JPY";
  yen.price = 1.5;
  auto const result = events_->create_event(organizer_, yen, Actor{});
  ASSERT_FALSE(result);
  EXPECT_EQ(fields_of(result.error()), std::vector<std::string>{"price"});

  auto dollars = jazz_night();
  dollars.currency = "USD";
  dollars.price = 10.999;
  auto const too_precise = events_->create_event(organizer_, dollars, Actor{});
  ASSERT_FALSE(too_precise);
  EXPECT_EQ(fields_of(too_precise.error()), std::vector<std::string>{"price"});
}

TEST_F(EventsTest, CreateEventRejectsNegativePrice) {
  auto patch = jazz_night();
  patch.price = -5;
  auto const result = events_->create_event(organizer_, patch, Actor{});
  ASSERT_FALSE(result);
  EXPECT_EQ(fields_of(result.error()), std::vector<std::string>{"price"});
}

TEST_F(EventsTest, CreateEventWithoutPriceIsFree) {
  auto patch = jazz_night();
  patch.price.reset();
  EXPECT_EQ(create(patch).details.price_minor, 0);
}

TEST_F(EventsTest, CreateEventDefaultsMaxPerAttendeeToTenOrCapacity) {
  auto small = jazz_night();
  small.capacity = 4;
  EXPECT_EQ(create(small).details.max_per_attendee, 4);

  auto large = jazz_night();
  large.capacity = 500;
  EXPECT_EQ(create(large).details.max_per_attendee, 10);

  auto explicit_limit = jazz_night();
  explicit_limit.max_per_attendee = 3;
  EXPECT_EQ(create(explicit_limit).details.max_per_attendee, 3);
}

// ---- update and cancel -----------------------------------------------------------------

TEST_F(EventsTest, UpdateEventChangesOnlyTheGivenFields) {
  auto const event = create(jazz_night());
  clock_.set(clock_.now() + 1h);
  EventPatch patch;
  patch.name = "Late jazz night";
  patch.price = 30;
  auto const updated = events_->update_event(organizer_, event.id, patch, Actor{});
  ASSERT_TRUE(updated) << updated.error().detail;
  EXPECT_EQ(updated->details.name, "Late jazz night");
  EXPECT_EQ(updated->details.price_minor, 3000);
  EXPECT_EQ(updated->details.location, "Blue Note, Berlin");
  EXPECT_EQ(updated->details.capacity, 100);
  EXPECT_EQ(updated->updated_at, clock_.now());
  EXPECT_EQ(events_->get_event(event.id, nullptr)->details.name, "Late jazz night");
}

TEST_F(EventsTest, UpdateEventByNonOwnerIsForbidden) {
  auto const event = create(jazz_night());
  EventPatch patch;
  patch.name = "Mine now";
  auto const result = events_->update_event(rival_, event.id, patch, Actor{});
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, Errc::forbidden);
  EXPECT_EQ(events_->get_event(event.id, nullptr)->details.name, "Jazz night");
}

TEST_F(EventsTest, UpdateEventOfUnknownIdIsNotFound) {
  EventPatch patch;
  patch.name = "Ghost";
  auto const result = events_->update_event(organizer_, "no-such-event", patch, Actor{});
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, Errc::not_found);
}

TEST_F(EventsTest, UpdateEventRejectsCapacityBelowSeatsTaken) {
  auto const event = create(jazz_night());
  execute_sql(db_path(), "UPDATE events SET registered_count = 60 WHERE id = '" + event.id + "'");

  EventPatch patch;
  patch.capacity = 59;
  auto const result = events_->update_event(organizer_, event.id, patch, Actor{});
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, Errc::capacity_below_sold);
  EXPECT_EQ(fields_of(result.error()), std::vector<std::string>{"capacity"});
  EXPECT_EQ(events_->get_event(event.id, nullptr)->details.capacity, 100);

  patch.capacity = 60;
  auto const at_sold = events_->update_event(organizer_, event.id, patch, Actor{});
  ASSERT_TRUE(at_sold) << at_sold.error().detail;
  EXPECT_EQ(at_sold->details.capacity, 60);
}

TEST_F(EventsTest, UpdateEventRejectsCurrencyChangeOnceSeatsAreSold) {
  auto const event = create(jazz_night());
  execute_sql(db_path(), "UPDATE events SET registered_count = 1 WHERE id = '" + event.id + "'");
  EventPatch patch;
  patch.currency = "USD";
  auto const result = events_->update_event(organizer_, event.id, patch, Actor{});
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, Errc::conflict);
}

TEST_F(EventsTest, UpdateEventValidatesTheMergedDetails) {
  auto const event = create(jazz_night());
  EventPatch patch;
  patch.max_per_attendee = 101;  // above the existing capacity of 100
  auto const result = events_->update_event(organizer_, event.id, patch, Actor{});
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, Errc::invalid_input);
  EXPECT_EQ(fields_of(result.error()), std::vector<std::string>{"maxPerAttendee"});
}

TEST_F(EventsTest, CancelEventThenUpdateIsAConflict) {
  auto const event = create(jazz_night());
  auto const cancelled = events_->cancel_event(organizer_, event.id, Actor{});
  ASSERT_TRUE(cancelled) << cancelled.error().detail;
  EXPECT_EQ(cancelled->status, EventStatus::cancelled);

  EventPatch patch;
  patch.name = "Back on";
  auto const result = events_->update_event(organizer_, event.id, patch, Actor{});
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, Errc::conflict);
  EXPECT_EQ(events_->get_event(event.id, nullptr)->details.name, "Jazz night");
}

TEST_F(EventsTest, CancelEventTwiceKeepsItCancelled) {
  auto const event = create(jazz_night());
  ASSERT_TRUE(events_->cancel_event(organizer_, event.id, Actor{}));
  auto const again = events_->cancel_event(organizer_, event.id, Actor{});
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, EventStatus::cancelled);
}

TEST_F(EventsTest, CancelEventByNonOwnerIsForbidden) {
  auto const event = create(jazz_night());
  auto const result = events_->cancel_event(rival_, event.id, Actor{});
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, Errc::forbidden);
  EXPECT_EQ(events_->get_event(event.id, nullptr)->status, EventStatus::published);
}

TEST_F(EventsTest, GetEventOfUnknownIdIsNotFound) {
  auto const result = events_->get_event("no-such-event", nullptr);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, Errc::not_found);
}

// ---- listing ---------------------------------------------------------------------------

TEST_F(EventsTest, ListEventsShowsOnlyUpcomingPublishedEvents) {
  create_at("Past", day(2026y / January / 10));
  create_at("Upcoming", day(2026y / July / 1));
  auto const cancelled = create_at("Cancelled", day(2026y / July / 2));
  ASSERT_TRUE(events_->cancel_event(organizer_, cancelled.id, Actor{}));
  EXPECT_EQ(names({}), std::vector<std::string>{"Upcoming"});
}

TEST_F(EventsTest, ListEventsOrdersByDateThenId) {
  auto const later = create_at("Later", day(2026y / September / 1));
  auto const tie_a = create_at("Tie A", day(2026y / August / 1));
  auto const tie_b = create_at("Tie B", day(2026y / August / 1));
  auto const sooner = create_at("Sooner", day(2026y / July / 1));

  auto const page = events_->list_events({});
  ASSERT_TRUE(page);
  std::vector<std::string> ids;
  for (auto const& e : page->items) ids.push_back(e.id);
  auto const [first_tie, second_tie] = std::minmax(tie_a.id, tie_b.id);
  EXPECT_EQ(ids, (std::vector<std::string>{sooner.id, first_tie, second_tie, later.id}));
}

TEST_F(EventsTest, ListEventsFiltersTextCaseInsensitively) {
  auto by_name = jazz_night();
  by_name.name = "JAZZ brunch";
  by_name.description = "";
  by_name.location = "Cafe";
  create(by_name);
  auto by_description = jazz_night();
  by_description.name = "Sunday session";
  by_description.description = "Live jazz all afternoon";
  by_description.location = "Cafe";
  create(by_description);
  auto by_location = jazz_night();
  by_location.name = "Open mic";
  by_location.description = "";
  by_location.location = "Jazzhaus";
  create(by_location);
  auto unrelated = jazz_night();
  unrelated.name = "Poetry slam";
  unrelated.description = "Words";
  unrelated.location = "Library";
  create(unrelated);

  auto found = names(search("jAzZ"));
  std::sort(found.begin(), found.end());
  EXPECT_EQ(found, (std::vector<std::string>{"JAZZ brunch", "Open mic", "Sunday session"}));
  EXPECT_EQ(names(search("poetry")), std::vector<std::string>{"Poetry slam"});
  EXPECT_TRUE(names(search("opera")).empty());
}

TEST_F(EventsTest, ListEventsTreatsLikeWildcardsLiterally) {
  for (auto const* name : {"100% fun", "100 fun", "a_b party", "axb party", "back\\slash"}) {
    auto patch = jazz_night();
    patch.name = name;
    patch.description = "";
    patch.location = "Hall";
    create(patch);
  }
  EXPECT_EQ(names(search("100%")), std::vector<std::string>{"100% fun"});
  EXPECT_EQ(names(search("a_b")), std::vector<std::string>{"a_b party"});
  EXPECT_EQ(names(search("%")), std::vector<std::string>{"100% fun"});
  EXPECT_EQ(names(search("_")), std::vector<std::string>{"a_b party"});
  EXPECT_EQ(names(search("k\\s")), std::vector<std::string>{"back\\slash"});
}

TEST_F(EventsTest, ListEventsWithEmptyTextMatchesEverything) {
  create_at("One", day(2026y / July / 1));
  create_at("Two", day(2026y / July / 2));
  EXPECT_EQ(names(search("")), (std::vector<std::string>{"One", "Two"}));
}

TEST_F(EventsTest, ListEventsFiltersByDateRange) {
  create_at("June", day(2026y / June / 20));
  create_at("July", day(2026y / July / 15));
  create_at("August", day(2026y / August / 15));

  ListEventsRequest request;
  request.from = sys_days{2026y / July / 1};
  request.to = sys_days{2026y / July / 31};
  EXPECT_EQ(names(request), std::vector<std::string>{"July"});

  ListEventsRequest from_only;
  from_only.from = sys_days{2026y / July / 1};
  EXPECT_EQ(names(from_only), (std::vector<std::string>{"July", "August"}));

  ListEventsRequest to_only;
  to_only.to = sys_days{2026y / July / 31};
  EXPECT_EQ(names(to_only), (std::vector<std::string>{"June", "July"}));

  // Both bounds are inclusive.
  ListEventsRequest exact;
  exact.from = day(2026y / July / 15);
  exact.to = day(2026y / July / 15);
  EXPECT_EQ(names(exact), std::vector<std::string>{"July"});
}

TEST_F(EventsTest, ListEventsRejectsToBeforeFrom) {
  ListEventsRequest request;
  request.from = sys_days{2026y / August / 1};
  request.to = sys_days{2026y / July / 1};
  auto const result = events_->list_events(request);
  ASSERT_FALSE(result);
  EXPECT_EQ(fields_of(result.error()), std::vector<std::string>{"to"});
}

TEST_F(EventsTest, ListEventsPagesWithoutDuplicates) {
  std::set<std::string> created;
  for (int i = 0; i < 25; ++i) {
    // Three events share each start time, so the cursor must break ties by id.
    created.insert(create_at("Event " + std::to_string(i), day(2026y / July / 1) + days{i / 3}).id);
  }
  ListEventsRequest request;
  request.limit = 10;
  std::vector<std::size_t> page_sizes;
  std::vector<Event> seen;
  for (int guard = 0; guard < 5; ++guard) {
    auto const page = events_->list_events(request);
    ASSERT_TRUE(page) << page.error().detail;
    page_sizes.push_back(page->items.size());
    seen.insert(seen.end(), page->items.begin(), page->items.end());
    if (!page->next_cursor) break;
    request.cursor = page->next_cursor;
  }
  EXPECT_EQ(page_sizes, (std::vector<std::size_t>{10, 10, 5}));
  std::set<std::string> seen_ids;
  for (auto const& e : seen) seen_ids.insert(e.id);
  EXPECT_EQ(seen_ids.size(), seen.size()) << "an event appeared twice";
  EXPECT_EQ(seen_ids, created);
  EXPECT_TRUE(std::is_sorted(seen.begin(), seen.end(), [](Event const& a, Event const& b) {
    return std::tie(a.details.starts_at, a.id) < std::tie(b.details.starts_at, b.id);
  }));
}

TEST_F(EventsTest, ListEventsHasNoCursorWhenEverythingFits) {
  for (int i = 0; i < 10; ++i) create_at("Event " + std::to_string(i), day(2026y / July / 1) + days{i});
  ListEventsRequest request;
  request.limit = 10;
  auto const page = events_->list_events(request);
  ASSERT_TRUE(page);
  EXPECT_EQ(page->items.size(), 10u);
  EXPECT_FALSE(page->next_cursor);
}

TEST_F(EventsTest, ListEventsRejectsLimitOutOfRange) {
  for (int limit : {0, -1, 101}) {
    ListEventsRequest request;
    request.limit = limit;
    auto const result = events_->list_events(request);
    ASSERT_FALSE(result) << limit;
    EXPECT_EQ(result.error().code, Errc::invalid_input);
    EXPECT_EQ(fields_of(result.error()), std::vector<std::string>{"limit"});
  }
  for (int limit : {1, 100}) {
    ListEventsRequest request;
    request.limit = limit;
    EXPECT_TRUE(events_->list_events(request)) << limit;
  }
}

TEST_F(EventsTest, ListEventsRejectsForeignCursor) {
  ListEventsRequest request;
  request.cursor = "not-a-cursor";
  auto const result = events_->list_events(request);
  ASSERT_FALSE(result);
  EXPECT_EQ(fields_of(result.error()), std::vector<std::string>{"cursor"});
}

TEST_F(EventsTest, OrganizerListingIncludesCancelledAndPastEvents) {
  create_at("Past", day(2026y / January / 10));
  create_at("Upcoming", day(2026y / July / 1));
  auto const cancelled = create_at("Cancelled", day(2026y / July / 2));
  ASSERT_TRUE(events_->cancel_event(organizer_, cancelled.id, Actor{}));
  auto rivals = jazz_night();
  rivals.name = "Rival's gig";
  create(rivals, &rival_);

  ListEventsRequest request;
  request.organizer_id = organizer_.user_id;
  EXPECT_EQ(names(request), (std::vector<std::string>{"Past", "Upcoming", "Cancelled"}));

  ListEventsRequest rival_request;
  rival_request.organizer_id = rival_.user_id;
  EXPECT_EQ(names(rival_request), std::vector<std::string>{"Rival's gig"});
}

TEST(IsKnownTimeZone, KnowsIanaZones) {
  EXPECT_TRUE(is_known_time_zone("Europe/Berlin"));
  EXPECT_TRUE(is_known_time_zone("America/New_York"));
  EXPECT_TRUE(is_known_time_zone("UTC"));
  EXPECT_FALSE(is_known_time_zone("Mars/Olympus_Mons"));
  EXPECT_FALSE(is_known_time_zone(""));
  EXPECT_FALSE(is_known_time_zone(std::string(65, 'A')));
}

TEST_F(EventsTest, UnverifiedOrganizersSellPaidTicketsUnlessTheInstanceRequiresVerification) {
  // Off by default: an unverified organizer (organizer_) creates a paid event as before.
  EXPECT_TRUE(events_->create_event(organizer_, jazz_night(), Actor{}));

  events_->require_verified_organizers(*store_);
  auto const paid = events_->create_event(organizer_, jazz_night(), Actor{});
  ASSERT_FALSE(paid);
  EXPECT_EQ(paid.error().code, Errc::email_unverified);

  auto free_night = jazz_night();
  free_night.price = 0.0;
  auto const free_event = events_->create_event(organizer_, free_night, Actor{});
  ASSERT_TRUE(free_event) << "free events need no verification";
  EventPatch make_paid;
  make_paid.price = 10.0;
  auto const made_paid = events_->update_event(organizer_, free_event->id, make_paid, Actor{});
  ASSERT_FALSE(made_paid);
  EXPECT_EQ(made_paid.error().code, Errc::email_unverified);
  EXPECT_EQ(events_->get_event(free_event->id, nullptr)->details.price_minor, 0) << "nothing changed";

  auto const verified = add_user("vera@example.com", Role::attendee | Role::organizer, true);
  EXPECT_TRUE(events_->create_event(verified, jazz_night(), Actor{}));
}

}  // namespace
}  // namespace admit

namespace admit {
namespace {

// ---- drafts and the end ------------------------------------------------------------------

EventPatch draft_of(EventPatch patch) {
  patch.status = "draft";
  return patch;
}

TEST_F(EventsTest, ADraftIsItsOrganizersAloneUntilPublished) {
  auto const draft = create(draft_of(jazz_night()));
  EXPECT_EQ(draft.status, EventStatus::draft);
  EXPECT_TRUE(events_->get_event(draft.id, &organizer_));
  for (Principal const* who : std::initializer_list<Principal const*>{nullptr, &rival_, &attendee_}) {
    auto const hidden = events_->get_event(draft.id, who);
    ASSERT_FALSE(hidden);
    EXPECT_EQ(hidden.error().code, Errc::not_found);
  }
  EXPECT_TRUE(names({}).empty()) << "not in the public listing";
  EXPECT_TRUE(names(search("jazz")).empty()) << "nor in search";
  ListEventsRequest mine;
  mine.organizer_id = organizer_.user_id;
  EXPECT_EQ(names(mine), std::vector<std::string>{"Jazz night"}) << "in the organizer's own listing";

  auto const published = events_->publish_event(organizer_, draft.id, Actor{});
  ASSERT_TRUE(published) << published.error().detail;
  EXPECT_EQ(published->status, EventStatus::published);
  EXPECT_TRUE(events_->get_event(draft.id, nullptr));
  EXPECT_EQ(names({}), std::vector<std::string>{"Jazz night"});
}

TEST_F(EventsTest, OthersChangingADraftFindNothing) {
  auto const draft = create(draft_of(jazz_night()));
  EventPatch rename;
  rename.name = "Mine now";
  for (auto const& result :
       {events_->update_event(rival_, draft.id, rename, Actor{}), events_->cancel_event(rival_, draft.id, Actor{}),
        events_->publish_event(rival_, draft.id, Actor{})}) {
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().code, Errc::not_found) << "not 'forbidden', which would confirm it exists";
  }
  auto const unchanged = events_->get_event(draft.id, &organizer_);
  EXPECT_EQ(unchanged->status, EventStatus::draft);
  EXPECT_EQ(unchanged->details.name, "Jazz night");
}

TEST_F(EventsTest, TheOrganizerEditsAndCancelsADraft) {
  auto const draft = create(draft_of(jazz_night()));
  EventPatch rename;
  rename.name = "Late jazz night";
  auto const renamed = events_->update_event(organizer_, draft.id, rename, Actor{});
  ASSERT_TRUE(renamed) << renamed.error().detail;
  EXPECT_EQ(renamed->details.name, "Late jazz night");
  EXPECT_EQ(renamed->status, EventStatus::draft) << "an edit does not publish";
  auto const cancelled = events_->cancel_event(organizer_, draft.id, Actor{});
  ASSERT_TRUE(cancelled);
  EXPECT_EQ(cancelled->status, EventStatus::cancelled);
}

TEST_F(EventsTest, PublishingIsIdempotentAndACancelledEventStaysCancelled) {
  auto const published = create(jazz_night());
  auto const again = events_->publish_event(organizer_, published.id, Actor{});
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, EventStatus::published);
  EXPECT_EQ(again->updated_at, published.updated_at) << "nothing changed";

  auto const draft = create(draft_of(jazz_night()));
  ASSERT_TRUE(events_->cancel_event(organizer_, draft.id, Actor{}));
  auto const refused = events_->publish_event(organizer_, draft.id, Actor{});
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, Errc::conflict);
  EXPECT_EQ(events_->get_event(draft.id, nullptr)->status, EventStatus::cancelled);

  auto const unknown = events_->publish_event(organizer_, "no-such-event", Actor{});
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, Errc::not_found);
}

TEST_F(EventsTest, TheStatusOnCreateIsDraftOrPublished) {
  auto published = jazz_night();
  published.status = "published";
  EXPECT_EQ(create(published).status, EventStatus::published);
  for (std::string const bad : {"cancelled", "Draft", ""}) {
    auto patch = jazz_night();
    patch.status = bad;
    auto const refused = events_->create_event(organizer_, patch, Actor{});
    ASSERT_FALSE(refused) << bad;
    EXPECT_EQ(fields_of(refused.error()), std::vector<std::string>{"status"}) << bad;
  }
  auto missing_too = EventPatch{};
  missing_too.status = "sold";
  auto const both = events_->create_event(organizer_, missing_too, Actor{});
  ASSERT_FALSE(both);
  EXPECT_EQ(fields_of(both.error()), (std::vector<std::string>{"name", "date", "location", "capacity", "status"}));
}

TEST_F(EventsTest, TheEndIsKeptChangedAndClearedAndStaysAfterTheStart) {
  auto patch = jazz_night();
  patch.ends_at = std::optional<Timestamp>(day(2026y / December / 15, 23h));
  auto const event = create(patch);
  EXPECT_EQ(events_->get_event(event.id, nullptr)->details.ends_at, day(2026y / December / 15, 23h));

  EventPatch later_start;
  later_start.starts_at = day(2026y / December / 16);
  auto const refused = events_->update_event(organizer_, event.id, later_start, Actor{});
  ASSERT_FALSE(refused) << "the start would pass the end";
  EXPECT_EQ(fields_of(refused.error()), std::vector<std::string>{"endDate"});

  later_start.ends_at = std::optional<Timestamp>(day(2026y / December / 17, 2h));
  auto const moved = events_->update_event(organizer_, event.id, later_start, Actor{});
  ASSERT_TRUE(moved) << moved.error().detail;
  EXPECT_EQ(moved->details.ends_at, day(2026y / December / 17, 2h));

  EventPatch clear;
  clear.ends_at = std::optional<Timestamp>();
  auto const cleared = events_->update_event(organizer_, event.id, clear, Actor{});
  ASSERT_TRUE(cleared);
  EXPECT_EQ(cleared->details.ends_at, std::nullopt);

  auto before = jazz_night();
  before.ends_at = std::optional<Timestamp>(day(2026y / December / 15, 19h));
  auto const backwards = events_->create_event(organizer_, before, Actor{});
  ASSERT_FALSE(backwards);
  EXPECT_EQ(fields_of(backwards.error()), std::vector<std::string>{"endDate"});
}

}  // namespace
}  // namespace admit
