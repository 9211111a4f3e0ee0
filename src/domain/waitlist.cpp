#include "domain/waitlist.hpp"

#include <algorithm>
#include <array>
#include <limits>
#include <utility>

namespace admit {

namespace {
constexpr std::array<std::pair<WaitlistStatus, std::string_view>, 5> kStatusNames{{
    {WaitlistStatus::waiting, "waiting"},
    {WaitlistStatus::offered, "offered"},
    {WaitlistStatus::claimed, "claimed"},
    {WaitlistStatus::expired, "expired"},
    {WaitlistStatus::removed, "removed"},
}};
}  // namespace

std::string_view waitlist_status_name(WaitlistStatus status) {
  for (auto const& [s, name] : kStatusNames) {
    if (s == status) return name;
  }
  return "unknown";
}

std::optional<WaitlistStatus> parse_waitlist_status(std::string_view name) {
  for (auto const& [s, n] : kStatusNames) {
    if (n == name) return s;
  }
  return std::nullopt;
}

bool offers_open(OfferWindow const& window, Timestamp now) {
  return (!window.sales_start || *window.sales_start <= now) && (!window.sales_end || now < *window.sales_end) &&
         !line_over(window.event_starts_at, now);
}

Timestamp offer_end(OfferWindow const& window, Timestamp now, std::chrono::seconds offer_for) {
  auto end = std::min(now + offer_for, window.event_starts_at);
  if (window.sales_end) end = std::min(end, *window.sales_end);
  return end;
}

std::vector<std::size_t> choose_offers(FreeSeats const& free, std::vector<WaitingEntry> const& waiting) {
  auto event_left = std::max(free.event, 0);
  std::vector<std::int32_t> type_left;
  type_left.reserve(free.types.size());
  for (auto const& type : free.types) {
    type_left.push_back(type.free ? std::max(*type.free, 0) : std::numeric_limits<std::int32_t>::max());
  }
  std::vector<std::size_t> offers;
  for (std::size_t i = 0; i < waiting.size() && event_left > 0; ++i) {
    auto const& entry = waiting[i];
    auto const type = std::find_if(free.types.begin(), free.types.end(),
                                   [&](FreeTypeSeats const& t) { return t.ticket_type_id == entry.ticket_type_id; });
    if (type == free.types.end() || !type->open || entry.quantity <= 0) continue;
    auto& left = type_left[static_cast<std::size_t>(type - free.types.begin())];
    if (entry.quantity > event_left || entry.quantity > left) continue;  // passed over; keeps its place
    event_left -= entry.quantity;
    left -= entry.quantity;
    offers.push_back(i);
  }
  return offers;
}

}  // namespace admit
