#pragma once

/// The waiting list: joining a sold-out event or type, the organizer's view of the line, offers
/// (seats held for the next in line, claimed through their personal link) and leaving. Which
/// entries get offers is choose_offers' (domain/waitlist.hpp); the stores apply it wherever
/// seats come free (WaitlistStore).

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/guests.hpp"
#include "app/paging.hpp"
#include "app/ports.hpp"
#include "app/registrations.hpp"

namespace admit {

struct JoinWaitlistRequest {
  std::string event_id;
  std::optional<std::string> ticket_type_id;  ///< nullopt: the event's first visible type
  std::int64_t quantity = 1;
  std::string name;   ///< a guest's (no Authorization)
  std::string email;  ///< a guest's
  /// An access code that unlocks the hidden type asked for (any case); nullopt: none.
  std::optional<std::string> promo_code{};
  std::string client_address{};  ///< who asks, for the failed-code count
  bool client_exempt = false;
};

struct WaitlistPage {
  Page<WaitlistEntry> page;
  bool paused = false;
};

/// An offer as its link shows it.
struct OfferView {
  WaitlistEntry entry;
  std::string event_name;
  std::string ticket_type_name;
  std::int64_t unit_price_minor = 0;
  std::string currency;
};

class Waitlist {
 public:
  Waitlist(EventStore& events, WaitlistStore& store, QuestionStore& questions, UserStore& users, TicketCodes& codes,
           Entropy& entropy, DownloadLinks& links, Clock const& clock, TicketingSettings settings, GuestOrders* guests);

  /// What the stores need to serve lists: how long offers hold, and the links' tokens.
  WaitlistConfig store_config(std::chrono::seconds offer_for);
  /// The token of an entry's link (`purpose` "offer" or "confirm"): the entry's id and a MAC of it.
  std::string token(std::string_view purpose, std::string_view entry_id);
  /// The entry a token opens for `purpose`, when it is one we issued.
  std::optional<std::string> entry_of(std::string_view purpose, std::string_view token);

  /// Joins `request.event_id`'s line for what it asks, when that cannot be ordered now; a guest
  /// (empty `who.user_id`) gives name and email and is confirmed through the mailed link.
  Result<WaitlistEntry> join(Principal const& who, JoinWaitlistRequest request, Actor const& actor);
  Result<WaitlistEntry> confirm(std::string_view token, Actor const& actor);
  Result<WaitlistPage> list(Principal const& who, std::string_view event_id, std::optional<std::string> const& cursor,
                            int limit);
  Result<bool> set_paused(Principal const& who, std::string_view event_id, bool paused, Actor const& actor);
  Result<std::vector<WaitlistEntry>> mine(Principal const& who);
  /// The event's organizer, the entry's owner, or the holder of its offer token.
  Result<void> remove(Principal const& who, std::string_view event_id, std::string_view entry_id,
                      std::string_view offer_token, Actor const& actor);
  /// The offer behind a link (its token) or of the signed-in owner; 404 otherwise.
  Result<OfferView> offer(Principal const& who, std::string_view entry_id, std::string_view offer_token);
  /// Claims the offer `request.waitlist_offer_token` names (anyone holding the link), or the
  /// signed-in owner's offer `request.waitlist_entry_id`: its held seats become the buyer's order
  /// (waiting for payment, or confirmed with tickets when free). Once. `request.promo_code`
  /// discounts it as it would an order (the same refusals; the code's use taken with the
  /// claim). `done` may run on another thread.
  void claim(Principal const& who, RegisterRequest const& request, Actor const& actor,
             Completion<Result<Registered>> done);

  /// Lets claims carry promo codes (without it, a claim naming one is refused like an unknown code).
  void accept_promo_codes(PromoCodes& codes) { promo_codes_ = &codes; }

 private:
  Result<Event> organizer_event(Principal const& who, std::string_view event_id);
  bool owns(Principal const& who, WaitlistEntry const& entry);

  EventStore& events_;
  WaitlistStore& store_;
  QuestionStore& questions_;
  UserStore& users_;
  TicketCodes& codes_;
  Entropy& entropy_;
  DownloadLinks& links_;
  Clock const& clock_;
  TicketingSettings settings_;
  GuestOrders* guests_;
  PromoCodes* promo_codes_ = nullptr;
};

}  // namespace admit
