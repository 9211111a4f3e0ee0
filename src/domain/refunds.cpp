#include "domain/refunds.hpp"

#include <algorithm>
#include <set>

namespace admit {

std::int64_t paid_unit_price(RegistrationItem const& item) {
  return item.discounted_unit_price_minor();
}

std::int64_t price_paid_for_ticket(std::vector<RegistrationItem> const& items, std::int32_t position) {
  std::int64_t last = 0;  // tickets numbered up to the end of the items seen so far
  for (auto const& item : items) {
    last += item.quantity;
    if (position <= last) return paid_unit_price(item);
  }
  return 0;
}

std::expected<std::vector<Ticket>, FieldError> select_tickets_to_cancel(std::vector<std::string> const& ticket_ids,
                                                                        std::vector<Ticket> const& tickets) {
  if (ticket_ids.empty()) return std::unexpected(FieldError{"ticketIds", "must name at least one ticket"});
  std::set<std::string_view> seen;
  for (auto const& id : ticket_ids) {
    if (!seen.insert(id).second) {
      return std::unexpected(FieldError{"ticketIds", "names the ticket " + id + " twice"});
    }
    auto const ticket = std::ranges::find(tickets, id, &Ticket::id);
    if (ticket == tickets.end()) {
      return std::unexpected(FieldError{"ticketIds", id + " is not a ticket of this registration"});
    }
    if (ticket->status != TicketStatus::valid) {
      return std::unexpected(FieldError{"ticketIds", "the ticket " + id + " is already cancelled"});
    }
    if (ticket->validated_at) {
      return std::unexpected(FieldError{"ticketIds", "the ticket " + id + " was used at the door"});
    }
  }
  std::vector<Ticket> selected;
  selected.reserve(ticket_ids.size());
  for (auto const& t : tickets) {
    if (seen.contains(t.id)) selected.push_back(t);
  }
  return selected;
}

bool cancels_every_ticket(std::vector<Ticket> const& selected, std::vector<Ticket> const& tickets) {
  auto const valid = std::ranges::count(tickets, TicketStatus::valid, &Ticket::status);
  return static_cast<std::size_t>(valid) == selected.size();
}

std::int64_t refund_remainder(std::int64_t order_amount_minor, std::int64_t already_refunded_minor) {
  return std::max<std::int64_t>(0, order_amount_minor - std::max<std::int64_t>(0, already_refunded_minor));
}

std::int64_t refund_for(std::span<std::int64_t const> ticket_prices_minor, std::int64_t already_refunded_minor,
                        std::int64_t order_amount_minor, bool paid) {
  if (!paid) return 0;
  std::int64_t share = 0;
  for (auto const price : ticket_prices_minor) share += std::max<std::int64_t>(0, price);
  return std::min(share, refund_remainder(order_amount_minor, already_refunded_minor));
}

std::string partial_refund_key(std::string_view registration_id, std::vector<Ticket> const& selected) {
  std::vector<std::string_view> ids;
  ids.reserve(selected.size());
  for (auto const& t : selected) ids.emplace_back(t.id);
  std::ranges::sort(ids);
  std::string key = "cancel:" + std::string(registration_id) + ":";
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (i > 0) key.push_back(',');
    key += ids[i];
  }
  return key;
}

std::string whole_refund_key(std::string_view registration_id) {
  // The key whole refunds always had, so a refund begun before partial refunds existed is
  // not paid twice when it is retried.
  return "admit-refund-" + std::string(registration_id);
}

}  // namespace admit
