#include "demo.hpp"

namespace admit {
namespace {

constexpr std::string_view kOrganizerEmail = "organizer@demo.admit.dev";
constexpr std::string_view kAttendeeEmail = "attendee@demo.admit.dev";

struct DemoEvent {
  char const* name;
  char const* description;
  int days_ahead;
  int hour_utc;
  char const* timezone;
  char const* location;
  int capacity;
  double price;
  char const* currency;
};

constexpr DemoEvent kEvents[] = {
    {"C++ Systems Meetup Berlin", "Talks on lock-free queues and io_uring, then pizza.", 7, 17, "Europe/Berlin",
     "c-base, Rungestraße 20, Berlin", 120, 0, "EUR"},
    {"Jazz Night at the Blue Room", "The Marlow Quartet plays standards and originals. Doors at 7 pm.", 14, 0,
     "America/New_York", "The Blue Room, 131 W 3rd St, New York", 200, 25.00, "USD"},
    {"東京デベロッパーサミット 2027", "Two days of talks on distributed systems, in Japanese and English.", 30, 0,
     "Asia/Tokyo", "東京国際フォーラム, 東京都千代田区", 800, 5000, "JPY"},
    {"Product Design Workshop", "A hands-on day on research, prototyping and usability testing.", 45, 8, "Europe/Paris",
     "Station F, 5 Parvis Alan Turing, Paris", 30, 149.00, "EUR"},
};

}  // namespace

int load_demo(Accounts& accounts, Events& events, Entropy& entropy, Clock const& clock, std::ostream& out) {
  // Demo passwords: 16 random URL-safe characters, printed once. Nobody reads mail at the demo
  // addresses, so they start verified (as migration V012 made earlier demo accounts).
  auto const organizer_password = entropy.new_secret().substr(0, 16);
  auto const attendee_password = entropy.new_secret().substr(0, 16);
  Actor const actor{{}, "demo"};

  auto organizer = accounts.sign_up(
      {std::string(kOrganizerEmail), organizer_password, "Olivia Organizer", Role::organizer, true}, actor);
  if (!organizer) {
    if (organizer.error().code == Errc::email_taken) {
      out << "Demo data is already loaded (" << kOrganizerEmail << ", " << kAttendeeEmail
          << "); its passwords were printed when it was created.\n";
      return 0;
    }
    out << "Could not create the demo organizer: " << organizer.error().detail << "\n";
    return 1;
  }
  auto attendee =
      accounts.sign_up({std::string(kAttendeeEmail), attendee_password, "Adam Attendee", Role::attendee, true}, actor);
  if (!attendee) {
    out << "Could not create the demo attendee: " << attendee.error().detail << "\n";
    return 1;
  }

  Principal const who{organizer->user.id, organizer->user.roles};
  auto const today = std::chrono::floor<std::chrono::days>(clock.now());
  for (auto const& e : kEvents) {
    EventPatch patch{
        .name = e.name,
        .description = e.description,
        .starts_at = Timestamp{today + std::chrono::days(e.days_ahead) + std::chrono::hours(e.hour_utc)},
        .timezone = e.timezone,
        .location = e.location,
        .capacity = e.capacity,
        .price = e.price,
        .currency = e.currency,
        .max_per_attendee = std::nullopt,
        .cancellation_deadline = std::nullopt,
        .hold_seconds = std::nullopt,
        .ends_at = std::nullopt,
        .status = std::nullopt,
    };
    if (auto created = events.create_event(who, patch, actor); !created) {
      out << "Could not create demo event '" << e.name << "': " << created.error().detail << "\n";
      return 1;
    }
  }

  out << "Demo data loaded. These passwords are shown only now:\n"
      << "  organizer  " << kOrganizerEmail << "  " << organizer_password << "\n"
      << "  attendee   " << kAttendeeEmail << "  " << attendee_password << "\n"
      << "  and " << std::size(kEvents) << " upcoming events.\n";
  return 0;
}

}  // namespace admit
