#include "domain/registration.hpp"

#include <array>
#include <utility>

namespace admit {
namespace {

constexpr std::array<std::pair<RegistrationStatus, std::string_view>, 6> kNames{{
    {RegistrationStatus::pending_payment, "pending_payment"},
    {RegistrationStatus::confirmed, "confirmed"},
    {RegistrationStatus::cancelled, "cancelled"},
    {RegistrationStatus::expired, "expired"},
    {RegistrationStatus::refund_pending, "refund_pending"},
    {RegistrationStatus::refunded, "refunded"},
}};

}  // namespace

std::string_view status_name(RegistrationStatus s) {
  for (auto const& [status, name] : kNames) {
    if (status == s) return name;
  }
  return "unknown";
}

std::optional<RegistrationStatus> parse_registration_status(std::string_view s) {
  for (auto const& [status, name] : kNames) {
    if (name == s) return status;
  }
  return std::nullopt;
}

bool holds_seats(RegistrationStatus s) {
  return s == RegistrationStatus::pending_payment || s == RegistrationStatus::confirmed;
}

std::string_view display_status(Ticket const& t) {
  if (t.status == TicketStatus::cancelled) return "cancelled";
  return t.validated_at ? "used" : "valid";
}

std::vector<FieldError> check_quantity(std::int64_t quantity) {
  if (quantity < 1) return {{"quantity", "must be at least 1"}};
  if (quantity > kMaxQuantityPerOrder) return {{"quantity", "must be at most 100 per order"}};
  return {};
}

}  // namespace admit
