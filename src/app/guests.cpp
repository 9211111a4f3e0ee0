#include "app/guests.hpp"

namespace admit {

bool is_buyer(Principal const& who, RegistrationDetail const& order) {
  if (who.order_id) return *who.order_id == order.registration.id;
  if (who.user_id.empty()) return false;
  return order.registration.user_id == who.user_id || (order.guest && order.guest->account_id == who.user_id);
}

GuestOrders::GuestOrders(GuestStore& store, TokenDigest& digest, Entropy& entropy, Clock const& clock)
    : store_(store), digest_(digest), entropy_(entropy), clock_(clock) {}

OrderLink GuestOrders::new_link() {
  auto token = entropy_.new_secret();
  auto hash = digest_.digest(token);
  return {.token = std::move(token), .token_hash = std::move(hash)};
}

GuestBuyer GuestOrders::buyer_for(GuestBuyer buyer) {
  if (auto known = store_.find_guest(buyer.email)) {
    known->name = std::move(buyer.name);  // this order's buyer name, which the record takes too
    return std::move(*known);
  }
  buyer.id = entropy_.new_id();
  buyer.account_id.reset();
  return buyer;
}

std::optional<Principal> GuestOrders::open(std::string_view token) {
  if (token.empty() || token.size() > 128) return std::nullopt;
  auto order = store_.order_of_token(digest_.digest(token));
  if (!order) return std::nullopt;
  return Principal{.user_id = {}, .roles = {}, .token_version = 0, .order_id = std::move(order)};
}

std::string GuestOrders::add_token(std::string_view registration_id) {
  auto link = new_link();
  store_.issue_order_token(registration_id, {.token = {}, .token_hash = link.token_hash}, false, std::nullopt,
                           clock_.now());
  return std::move(link.token);
}

void GuestOrders::reissue(std::string_view registration_id, OutboxEntry mail, bool retire_others) {
  auto link = new_link();
  mail.secret = link.token;
  store_.issue_order_token(registration_id, link, retire_others, mail, clock_.now());
}

}  // namespace admit
