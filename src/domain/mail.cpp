#include "domain/mail.hpp"

#include <algorithm>
#include <array>
#include <utility>

namespace admit {

namespace {

constexpr std::array<std::pair<MailKind, std::string_view>, 11> kKindNames{{
    {MailKind::registration_confirmed, "registration_confirmed"},
    {MailKind::hold_expired, "hold_expired"},
    {MailKind::registration_cancelled, "registration_cancelled"},
    {MailKind::event_cancelled, "event_cancelled"},
    {MailKind::password_reset, "password_reset"},
    {MailKind::email_verification, "email_verification"},
    {MailKind::staff_invitation, "staff_invitation"},
    {MailKind::waitlist_offer, "waitlist_offer"},
    {MailKind::waitlist_confirmation, "waitlist_confirmation"},
    {MailKind::waitlist_closed, "waitlist_closed"},
    {MailKind::tickets_cancelled, "tickets_cancelled"},
}};

constexpr std::array<std::pair<MailStatus, std::string_view>, 6> kStatusNames{{
    {MailStatus::queued, "queued"},
    {MailStatus::retrying, "retrying"},
    {MailStatus::sent, "sent"},
    {MailStatus::failed, "failed"},
    {MailStatus::dropped, "dropped"},
    {MailStatus::skipped, "skipped"},
}};

template <class Enum, std::size_t N>
std::string_view name_in(std::array<std::pair<Enum, std::string_view>, N> const& names, Enum value) {
  for (auto const& [v, name] : names) {
    if (v == value) return name;
  }
  return {};
}

template <class Enum, std::size_t N>
std::optional<Enum> value_in(std::array<std::pair<Enum, std::string_view>, N> const& names, std::string_view name) {
  for (auto const& [v, n] : names) {
    if (n == name) return v;
  }
  return std::nullopt;
}

}  // namespace

std::string_view mail_kind_name(MailKind kind) {
  return name_in(kKindNames, kind);
}

std::optional<MailKind> parse_mail_kind(std::string_view name) {
  return value_in(kKindNames, name);
}

std::string registration_mail_id(MailKind kind, std::string_view registration_id) {
  std::string id(mail_kind_name(kind));
  id += '.';
  id += registration_id;
  return id;
}

bool carries_secret(MailKind kind) {
  return kind == MailKind::password_reset || kind == MailKind::email_verification || kind == MailKind::waitlist_offer ||
         kind == MailKind::waitlist_confirmation;
}

int mail_priority(MailKind kind) {
  return carries_secret(kind) ? 0 : 1;
}

std::string_view mail_status_name(MailStatus status) {
  return name_in(kStatusNames, status);
}

std::optional<MailStatus> parse_mail_status(std::string_view name) {
  return value_in(kStatusNames, name);
}

AfterFailure after_failure(RetryPolicy const& policy, DeliveryStatus failure, std::int32_t attempts,
                           Timestamp queued_at, std::chrono::sys_time<std::chrono::milliseconds> now) {
  if (failure != DeliveryStatus::transient_failure) return {MailStatus::failed};
  // base × 2^(attempts-1), doubling stopped at max_delay (and before the shift could overflow).
  auto delay = policy.base;
  for (std::int32_t i = 1; i < attempts && delay < policy.max_delay; ++i) delay *= 2;
  delay = std::min(delay, policy.max_delay);
  auto const next = now + delay;
  if (next > queued_at + policy.give_up_after) return {MailStatus::failed};
  return {MailStatus::retrying, next};
}

bool within_caps(RecipientCaps const& caps, MailKind kind, bool paid, std::int32_t sent_last_hour,
                 std::int32_t sent_last_day) {
  if (kind == MailKind::registration_confirmed && paid) return true;
  return sent_last_hour < caps.per_hour && sent_last_day < caps.per_day;
}

}  // namespace admit
