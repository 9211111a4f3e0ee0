#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "app/paging.hpp"
#include "app/ports.hpp"
#include "app/request_quota.hpp"

namespace admit {

/// Failed promo code attempts (a code that is unknown, not valid now, or another event's),
/// counted per client address and per account: past the allowance an hour, every code is
/// refused for a while (429), so codes cannot be found by trying many. Counted per node.
class PromoAttempts {
 public:
  explicit PromoAttempts(int per_hour);

  /// Who tries: the client address (empty or `exempt`: not counted by address) and the account
  /// (empty for a guest).
  struct Who {
    std::string_view client;
    bool exempt = false;
    std::string_view account;
  };
  /// The 429 to answer when `who` has failed too often; nullopt when it may try.
  std::optional<Error> refusal(Who const& who);
  void failed(Who const& who);

 private:
  RequestQuota quota_;
};

/// A code as the organizer sends it: money and the percentage as the JSON numbers they are.
struct PromoCodeInput {
  std::string code;
  std::optional<double> discount_percent;
  std::optional<double> discount_amount;  ///< in the event's currency
  std::vector<std::string> ticket_type_ids;
  std::vector<std::string> unlocks_type_ids;
  std::optional<std::int32_t> max_uses;
  std::optional<std::int32_t> max_uses_per_buyer;
  std::optional<Timestamp> valid_from;
  std::optional<Timestamp> valid_until;
};

/// An event as a buyer opens it, with the code they opened it with (`?code=`).
struct EventWithCode {
  Event event;
  std::optional<PromoCode> code;  ///< nullopt: none asked for
};

/// Promo and access codes: the organizer's CRUD, and finding a code as a buyer types it.
class PromoCodes {
 public:
  PromoCodes(EventStore& events, PromoCodeStore& codes, Entropy& entropy, Clock const& clock, PromoAttempts& attempts);

  Result<PromoCode> create(Principal const& who, std::string_view event_id, PromoCodeInput const& input,
                           Actor const& actor);
  Result<Page<PromoCode>> list(Principal const& who, std::string_view event_id,
                               std::optional<std::string> const& cursor, int limit);
  Result<PromoCode> get(Principal const& who, std::string_view event_id, std::string_view id);
  /// Replaces the code's details; its uses stay (maxUses below them → 409).
  Result<PromoCode> replace(Principal const& who, std::string_view event_id, std::string_view id,
                            PromoCodeInput const& input, Actor const& actor);
  /// Deletes an unused code; a used one stays for the books (409).
  Result<void> remove(Principal const& who, std::string_view event_id, std::string_view id, Actor const& actor);

  /// The event's code that `code` names (case-insensitively), when it may be used now. Unknown,
  /// not valid now, or another event's: Errc::invalid_input naming `field` (the same answer for
  /// all, counted as a failed attempt); too many failed attempts: Errc::too_many_code_attempts.
  Result<PromoCode> find_for_buyer(std::string_view event_id, std::string_view code, PromoAttempts::Who const& who,
                                   std::string const& field);
  /// The event as `viewer` may see it (Events::get_event's rule), and with `code` that code
  /// when it may be used now; a code that is not one is 404 (a failed attempt as above).
  Result<EventWithCode> event_with_code(std::string_view event_id, Principal const* viewer,
                                        std::optional<std::string> const& code, PromoAttempts::Who const& who);

 private:
  Result<Event> organizer_event(Principal const& who, std::string_view event_id, bool changes);
  Result<PromoCode> written(PromoChange change, Event const& event, std::string_view id);
  /// The input as a draft checked against the event, or the 400 naming what is wrong.
  static Result<PromoCodeDraft> checked_draft(PromoCodeInput const& input, Event const& event);

  EventStore& events_;
  PromoCodeStore& codes_;
  Entropy& entropy_;
  Clock const& clock_;
  PromoAttempts& attempts_;
};

/// The code a buyer entered with an order, a claim or a waiting-list entry, found by
/// PromoCodes::find_for_buyer as field `promoCode`: nothing when none was entered; when codes are
/// off (`codes` null) any code gets the same 400 as an unknown one.
Result<std::optional<PromoCode>> entered_code(PromoCodes* codes, std::string_view event_id,
                                              std::optional<std::string> const& entered, PromoAttempts::Who const& who);

}  // namespace admit
