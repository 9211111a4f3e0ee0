#pragma once

/// Promo and access codes: a code of one event takes a percentage or an amount off each ticket
/// (of some types, or all), or unlocks hidden types, or both; it may be used a number of times
/// in all and per buyer, within a window. One order is one use.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/error.hpp"
#include "domain/time.hpp"

namespace admit {

/// A code as the organizer writes it.
struct PromoCodeDraft {
  std::string code;                                   ///< as written (trimmed); matched case-insensitively
  std::optional<std::int32_t> discount_percent_bp{};  ///< basis points: 1050 is 10.50 %
  std::optional<std::int64_t> discount_amount_minor{};
  std::vector<std::string> ticket_type_ids{};   ///< the types it discounts; empty: every type
  std::vector<std::string> unlocks_type_ids{};  ///< hidden types it makes orderable
  std::optional<std::int32_t> max_uses{};
  std::optional<std::int32_t> max_uses_per_buyer{};
  std::optional<Timestamp> valid_from{};   ///< usable from then on
  std::optional<Timestamp> valid_until{};  ///< no longer usable from then on

  /// Whether it may be used at `now`: validFrom <= now < validUntil.
  bool valid_at(Timestamp now) const;
  /// Whether it discounts tickets of type `type_id`.
  bool discounts(std::string_view type_id) const;
  /// Whether it makes hidden type `type_id` orderable.
  bool unlocks(std::string_view type_id) const;
};

struct PromoCode {
  std::string id;
  std::string event_id;
  PromoCodeDraft details;
  std::int32_t uses = 0;  ///< orders holding it (pending payment or confirmed)
  Timestamp created_at;
  std::string currency{};  ///< read model: its event's currency, which discountAmount is in
};

inline constexpr std::size_t kMinCodeLength = 3;
inline constexpr std::size_t kMaxCodeLength = 40;
inline constexpr std::size_t kMaxCodesPerEvent = 1000;

/// The key a code is stored and matched under: trimmed, ASCII letters upper-cased.
std::string promo_code_key(std::string_view code);

/// The rules for a code of an event whose ticket types are `event_type_ids`: 3 to 40 letters,
/// digits, '-' or '_'; a percentage 0 < p <= 100 or an amount >= 0, never both; neither only
/// when it unlocks types; type ids of this event, none twice; maxUses >= 0 (a limit below the
/// uses already made is the store's 409), maxUsesPerBuyer >= 1; validFrom before validUntil.
/// Trims the code in place. Fields are named as the API names them.
std::vector<FieldError> check_promo_code(PromoCodeDraft& draft, std::vector<std::string> const& event_type_ids);

/// What the code takes off one ticket of type `type_id` priced `price_minor`: a percentage
/// rounded half-up to the minor unit, or the amount; never more than the price, never below
/// zero; 0 for a type it does not discount.
std::int64_t discount_per_ticket(std::int64_t price_minor, PromoCodeDraft const& code, std::string_view type_id);

/// A code as the writing transaction of an order read it.
struct PromoFacts {
  std::string id;
  std::string event_id;
  PromoCodeDraft code;
  std::int32_t uses = 0;        ///< including orders placed earlier in the same write
  std::int32_t buyer_uses = 0;  ///< the buyer's orders holding it, likewise
};

/// Why a code cannot be used on an order, if it cannot.
enum class PromoVerdict {
  usable,
  invalid,  ///< unknown, not valid now, or another event's: all the same to the buyer
  used_up,  ///< its uses, in all or the buyer's, are spent
};

/// Decides whether `code` (nullopt: not found) may be used once more by an order of event
/// `event_id` at `now`.
PromoVerdict check_promo_use(std::optional<PromoFacts> const& code, std::string_view event_id, Timestamp now);

}  // namespace admit
