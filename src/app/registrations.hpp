#pragma once

#include <chrono>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "app/events.hpp"
#include "app/guests.hpp"
#include "app/ports.hpp"
#include "app/promo_codes.hpp"
#include "app/request_quota.hpp"

namespace admit {

struct TicketingSettings {
  std::chrono::seconds hold{15 * 60};  ///< how long a paid registration holds its seats (events may override)
  /// Open unpaid orders one client address may have for one event; 0: no cap. High enough for
  /// a campus or an office behind one address.
  std::int32_t max_unpaid_holds_per_client = 200;
  std::chrono::seconds download_link_ttl{600};  ///< how long a PDF link works
  std::string public_url;                       ///< the base of download links
  /// Guest orders one client address may place per hour (a token bucket, counted per node);
  /// 0: no limit. Trusted proxies are exempt.
  std::int32_t guest_orders_per_hour = 30;
  /// Unpaid guest orders of one event one buyer address may have open at once (at least 1).
  std::int32_t guest_open_orders_per_email = 1;
};

/// One line of an order as the buyer asked for it.
struct RequestedItem {
  std::string ticket_type_id;
  std::int64_t quantity = 1;
};

struct RegisterRequest {
  std::string event_id;
  std::int64_t quantity = 1;         ///< without items: seats of the event's first visible type
  std::vector<RequestedItem> items;  ///< empty: the old form, `quantity` of the first visible type
  /// Who each ticket is for, one per seat in ticket order (each item's tickets in turn);
  /// nullopt: every ticket carries the buyer's name.
  std::optional<std::vector<Attendee>> attendees;
  Answers answers;              ///< to the per-order questions, as sent
  std::string idempotency_key;  ///< empty: none
  std::string client_address;   ///< who placed the order, after trusted proxies
  bool client_exempt = false;   ///< the client is a trusted proxy itself: no per-client cap
  /// Set for a guest order (no account): its buyer as sent, checked by register_attendee.
  std::optional<GuestBuyer> guest{};
  std::string waitlist_offer_token{};  ///< claims that waiting-list offer (Waitlist::claim)
  std::string waitlist_entry_id{};     ///< claims this entry's offer as its signed-in owner
  /// The promo or access code the buyer entered (any case); nullopt: none.
  std::optional<std::string> promo_code{};
};

struct CancelRequest {
  std::string reason;  ///< the organizer's reason, needed when the holder could no longer cancel
  /// Only these tickets (a partial cancellation); nullopt: the whole registration.
  std::optional<std::vector<std::string>> ticket_ids{};
};

struct Registered {
  RegistrationDetail detail;
  bool replayed = false;
  std::string order_token{};  ///< a guest order's token, shown once; empty for an account's order
};

/// The organizer's export of an event's registrations: every row, and the event's questions
/// (the CSV has a column per per-order question).
struct RegistrationExport {
  std::vector<RegistrationRow> rows;
  std::vector<Question> questions;
};

/// The organizer's ticket-per-row export: every ticket of the event, and its questions (a
/// column per per-ticket question).
struct TicketExport {
  std::vector<TicketRow> rows;
  std::vector<Question> questions;
};

struct EventAnalytics {
  EventStats stats;
  std::string currency;
  struct Day {
    std::string date;  ///< in the event's time zone
    std::int32_t registrations;
    std::int64_t revenue_minor;
    std::int64_t discount_minor = 0;
  };
  std::vector<Day> by_day;
};

/// Registering for events, and the organizer's view of who registered.
class Registrations {
 public:
  /// Without `guests`, guest orders are refused (401).
  Registrations(EventStore& events, RegistrationStore& registrations, QuestionStore& questions, TicketCodes& codes,
                Entropy& entropy, Clock const& clock, TicketingSettings settings, GuestOrders* guests = nullptr);

  /// Lets orders carry promo codes (without it, an order naming one is refused like an unknown code).
  void accept_promo_codes(PromoCodes& codes) { promo_codes_ = &codes; }

  /// Takes `quantity` seats atomically with the registration: a free event's registration is
  /// confirmed with its tickets issued; a paid one holds the seats until payment or expiry.
  /// Never oversells. The answers and the attendees are checked against the event's questions
  /// (domain/questions.hpp) before anything is written, and written with the order.
  /// With `request.guest`, a guest order (`who` is ignored): placed for the address's buyer
  /// record, whose rules (seat limit, open unpaid orders, cooldown) hold per address; the
  /// client address may place TicketingSettings::guest_orders_per_hour of them. Its answer
  /// carries the order's token. `done` may run on another thread.
  void register_attendee(Principal const& who, RegisterRequest const& request, Actor const& actor,
                         Completion<Result<Registered>> done);
  /// A registration for its attendee or the event's organizer; 404 for anyone else.
  Result<RegistrationDetail> get_registration(Principal const& who, std::string_view id);
  Result<Page<RegistrationDetail>> list_my_registrations(Principal const& who, std::optional<std::string> const& cursor,
                                                         int limit);
  /// Voids the tickets and releases the seats the policy lets go (a used seat, or any once the
  /// event began, stays taken). The holder may cancel until the event's cancellation deadline
  /// and while no ticket was used; the event's organizer at any time, with a reason outside
  /// that policy. With `request.ticket_ids`, only those tickets (RegistrationStore::cancel_tickets):
  /// a paid order gets exactly their price back, through the refund path (`refund_due`, which
  /// the caller may run at once).
  Result<RegistrationDetail> cancel_registration(Principal const& who, std::string_view id,
                                                 CancelRequest const& request, Actor const& actor);

  /// The event's registrations for its organizer; limit 0 lists all (CSV export). A non-empty
  /// `search` keeps those whose attendee name or email contains it (ASCII case ignored).
  Result<Page<RegistrationRow>> list_event_registrations(Principal const& who, std::string_view event_id,
                                                         std::optional<std::string> const& cursor, int limit,
                                                         std::string_view search = {});
  /// Every registration of the event (as list_event_registrations with limit 0), with the
  /// event's questions, for its organizer.
  Result<RegistrationExport> export_event_registrations(Principal const& who, std::string_view event_id,
                                                        std::string_view search = {});
  /// Every ticket of the event with its holder, with the event's questions, for its organizer.
  Result<TicketExport> export_event_tickets(Principal const& who, std::string_view event_id);
  Result<EventAnalytics> event_analytics(Principal const& who, std::string_view event_id);

  /// Where an order that names a waiting-list offer goes (Waitlist::claim); unset: such orders
  /// are refused.
  using OfferClaims =
      std::function<void(Principal const&, RegisterRequest const&, Actor const&, Completion<Result<Registered>>)>;
  void claim_offers_with(OfferClaims claims) { offer_claims_ = std::move(claims); }

  static constexpr std::size_t kMaxSearchLength = 200;
  static constexpr std::size_t kMaxReasonLength = 1000;

 private:
  /// The event as recently read, with its questions: registering reads them on every request,
  /// and the store re-checks everything that matters (status, seats, price) in the write
  /// itself. A question changed a moment ago may be missing from the copy; an answer refused
  /// against it is checked once more against what is stored.
  struct EventOnSale {
    Event event;
    std::vector<Question> questions;
  };
  std::optional<EventOnSale> recent_event(std::string const& id, bool fresh);
  void place(Principal const& who, RegisterRequest const& request, Actor const& actor, bool fresh,
             Completion<Result<Registered>> done);
  Result<Event> organizer_event(Principal const& who, std::string_view event_id);

  EventStore& events_;
  RegistrationStore& registrations_;
  QuestionStore& questions_;
  TicketCodes& codes_;
  Entropy& entropy_;
  Clock const& clock_;
  TicketingSettings settings_;
  GuestOrders* guests_;
  PromoCodes* promo_codes_ = nullptr;
  RequestQuota guest_quota_;  ///< guest orders per client address
  OfferClaims offer_claims_;

  struct CachedEvent {
    EventOnSale sale;
    std::chrono::steady_clock::time_point read_at;
  };
  std::mutex cache_mutex_;
  std::unordered_map<std::string, CachedEvent> cache_;
};

/// One signed ticket per seat of a registration, ready to be written with it: each item's
/// tickets in turn, of its type, for the attendee of its seat (`attendees[i]`; none: an empty
/// holder name, which the store fills with the buyer's).
std::vector<Ticket> issue_tickets(Registration const& registration, std::vector<RegistrationItem> const& items,
                                  std::vector<Attendee> const& attendees, TicketCodes& codes, Entropy& entropy,
                                  Timestamp now);

/// The order's answers and attendees (`request.answers`, `request.attendees`) checked against the
/// event's questions for these items, in canonical form, or the 400 naming every field that is
/// not acceptable.
Result<std::pair<Answers, std::vector<Attendee>>> checked_answers(std::vector<Question> const& questions,
                                                                  std::vector<RegistrationItem> const& items,
                                                                  RegisterRequest const& request);

std::string encode_registration_cursor(RegistrationCursor const& cursor);
std::optional<RegistrationCursor> decode_registration_cursor(std::string_view text);

}  // namespace admit
