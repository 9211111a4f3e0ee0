#include "domain/registration.hpp"

namespace admit {

std::optional<RegistrationStatus> parse_registration_status(std::string_view s) {
  for (auto const& [status, name] : kRegistrationStatuses) {
    if (name == s) return status;
  }
  return std::nullopt;
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
