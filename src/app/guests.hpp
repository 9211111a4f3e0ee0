#pragma once

/// Buying without an account: the guest buyers' records, the tokens that open one guest order
/// each, and who a request acts as. How a guest order is placed is Registrations'.

#include <optional>
#include <string>
#include <string_view>

#include "app/ports.hpp"
#include "domain/registration.hpp"

namespace admit {

/// Whether `who` acts as the buyer of `order`: the account that placed it, the account a guest
/// order joined (by proving its address), or the holder of that order's token. An order token
/// opens its own order only, and names no account.
bool is_buyer(Principal const& who, RegistrationDetail const& order);

class GuestOrders {
 public:
  GuestOrders(GuestStore& store, TokenDigest& digest, Entropy& entropy, Clock const& clock);

  /// A fresh order token (256 random bits) with its digest.
  OrderLink new_link();
  /// The buyer record an order of `buyer` (checked: check_buyer) is placed under: the one its
  /// address has, or a new one with a fresh id (written with the order).
  GuestBuyer buyer_for(GuestBuyer buyer);
  /// Who the holder of an order token is: the one order it opens; nullopt when it opens none
  /// (never issued, or retired by a resend).
  std::optional<Principal> open(std::string_view token);
  /// Adds a token to a guest order (its other tokens keep working) and returns it: the answer
  /// to a replayed guest order, whose first token the client never received.
  std::string add_token(std::string_view registration_id);
  /// Retires every token of a guest order and queues `mail` carrying a fresh one, in one step;
  /// without `retire_others` the older tokens keep working (a link asked for by address, which
  /// anyone who knows the address may ask for, must not shut the buyer's own links).
  void reissue(std::string_view registration_id, OutboxEntry mail, bool retire_others = true);
  /// The guest buyer of a (normalised) address, when one ordered before.
  std::optional<GuestBuyer> buyer_of(std::string_view email) { return store_.find_guest(email); }

 private:
  GuestStore& store_;
  TokenDigest& digest_;
  Entropy& entropy_;
  Clock const& clock_;
};

}  // namespace admit
