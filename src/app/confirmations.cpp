#include "app/confirmations.hpp"

#include <algorithm>

#include "domain/user.hpp"

namespace admit {

Confirmations::Confirmations(EventStore& events, RegistrationStore& registrations, MailStore& outbox, Entropy& entropy,
                             Clock const& clock, GuestOrders* guests)
    : events_(events),
      registrations_(registrations),
      outbox_(outbox),
      entropy_(entropy),
      clock_(clock),
      guests_(guests) {}

Result<void> Confirmations::resend(Principal const& who, std::string_view registration_id) {
  auto const detail = registrations_.find_registration(registration_id);
  bool allowed = detail && is_buyer(who, *detail);
  if (detail && !allowed && !who.user_id.empty()) {
    auto const event = events_.find_event(detail->registration.event_id);
    allowed = event && event->organizer_id == who.user_id;
  }
  if (!allowed) return fail(Errc::not_found, "No registration of yours has this id.");
  auto const& r = detail->registration;
  if (r.status != RegistrationStatus::confirmed) {
    return fail(Errc::conflict, "Only a confirmed registration has tickets to send; this one is " +
                                    std::string(status_name(r.status)) + ".");
  }
  auto const now = clock_.now();
  {
    std::lock_guard const lock(mutex_);
    auto& times = recent_[std::string(registration_id)];
    while (!times.empty() && times.front() <= now - std::chrono::hours(1)) times.pop_front();
    if (std::ssize(times) >= kPerHour) {
      Error error{Errc::too_many_requests, "The tickets of this registration were sent again " +
                                               std::to_string(kPerHour) + " times in the last hour; try later."};
      error.retry_after = std::chrono::duration_cast<std::chrono::seconds>(times.front() + std::chrono::hours(1) - now);
      return std::unexpected(std::move(error));
    }
    times.push_back(now);
    // Keep the map to the registrations resent lately.
    if (recent_.size() > 100'000)
      std::erase_if(recent_, [&](auto const& kv) { return kv.second.back() <= now - std::chrono::hours(1); });
  }
  OutboxEntry mail{.id = registration_mail_id(MailKind::registration_confirmed, r.id) + "." + entropy_.new_id(),
                   .kind = MailKind::registration_confirmed,
                   .user_id = r.user_id,
                   .registration_id = r.id,
                   .event_id = r.event_id,
                   .paid = r.amount_minor > 0,
                   .created_at = now};
  // A guest order's message carries its link with a fresh token, and the older tokens stop
  // working at once: a resend is also how a buyer shuts a leaked link.
  if (detail->guest && guests_) {
    guests_->reissue(r.id, std::move(mail));
  } else {
    outbox_.queue_mail(mail);
  }
  return {};
}

Result<void> Confirmations::send_order_links(std::string_view email, std::string_view client) {
  auto const normalized = normalize_email(email);
  if (!normalized) {
    return fail(Errc::invalid_input, "The email address is not valid.", {{"email", "must be a valid email address"}});
  }
  // Both limits are checked before either counts, and count every request, found or not: the
  // answer tells nothing about the address.
  auto const client_wait = lookups_per_client_.wait(client);
  auto const address_wait = lookups_per_address_.wait(*normalized);
  if (client_wait || address_wait) {
    auto const wait =
        std::max(client_wait.value_or(std::chrono::seconds{0}), address_wait.value_or(std::chrono::seconds{0}));
    Error error{Errc::too_many_requests,
                "Too many order links were asked for; try again in " + std::to_string(wait.count()) + " seconds."};
    error.retry_after = wait;
    return std::unexpected(std::move(error));
  }
  lookups_per_client_.take(client);
  lookups_per_address_.take(*normalized);
  if (!guests_) return {};
  auto const buyer = guests_->buyer_of(*normalized);
  if (!buyer) return {};
  auto const now = clock_.now();
  constexpr int kMostOrders = 50;
  for (auto const& order : registrations_.list_user_registrations(buyer->id, std::nullopt, kMostOrders)) {
    auto const& r = order.registration;
    if (r.status != RegistrationStatus::confirmed) continue;
    auto const event = events_.find_event(r.event_id);
    if (!event || event->details.starts_at <= now) continue;
    guests_->reissue(
        r.id,
        OutboxEntry{.id = registration_mail_id(MailKind::registration_confirmed, r.id) + "." + entropy_.new_id(),
                    .kind = MailKind::registration_confirmed,
                    .user_id = r.user_id,
                    .registration_id = r.id,
                    .event_id = r.event_id,
                    .paid = r.amount_minor > 0,
                    .created_at = now},
        false);
  }
  return {};
}

}  // namespace admit
