#include "domain/registration.hpp"

#include <algorithm>

#include "domain/user.hpp"

namespace admit {

std::optional<RegistrationStatus> parse_registration_status(std::string_view s) {
  for (auto const& [status, name] : kRegistrationStatuses) {
    if (name == s) return status;
  }
  return std::nullopt;
}

std::string_view display_status(Ticket const& t) {
  if (t.status == TicketStatus::cancelled) return "cancelled";
  if (t.status == TicketStatus::voided) return "void";
  return t.validated_at ? "used" : "valid";
}

std::vector<FieldError> check_holder(Attendee& attendee, std::string const& path) {
  std::vector<FieldError> errors;
  auto const is_space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  auto& name = attendee.name;
  name.erase(name.begin(), std::find_if_not(name.begin(), name.end(), is_space));
  name.erase(std::find_if_not(name.rbegin(), name.rend(), is_space).base(), name.end());
  auto const length = static_cast<std::size_t>(
      std::ranges::count_if(name, [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
  if (name.empty()) {
    errors.push_back({path + ".name", "must not be empty"});
  } else if (length > kMaxHolderName) {
    errors.push_back({path + ".name", "must be at most 200 characters"});
  }
  if (attendee.email) {
    auto normal = normalize_email(*attendee.email);
    if (normal) {
      attendee.email = std::move(*normal);
    } else {
      errors.push_back({path + ".email", "must be an email address"});
    }
  }
  return errors;
}

std::vector<FieldError> check_buyer(GuestBuyer& buyer) {
  Attendee person{.name = std::move(buyer.name), .email = std::move(buyer.email)};
  auto errors = check_holder(person, "buyer");
  buyer.name = std::move(person.name);
  buyer.email = std::move(*person.email);
  return errors;
}

std::vector<FieldError> check_quantity(std::int64_t quantity) {
  if (quantity < 1) return {{"quantity", "must be at least 1"}};
  if (quantity > kMaxQuantityPerOrder) return {{"quantity", "must be at most 100 per order"}};
  return {};
}

namespace {

class Fnv1a {
 public:
  void field(std::string_view bytes) {
    auto size = bytes.size();
    for (int i = 0; i < 8; ++i, size >>= 8U) mix(static_cast<unsigned char>(size & 0xFFU));
    for (char const c : bytes) mix(static_cast<unsigned char>(c));
  }
  void answers(Answers const& answers) {
    field(std::to_string(answers.size()));
    for (auto const& answer : answers) {
      field(answer.question_id);
      field(answer_text(answer.value));
    }
  }
  std::string hex() const {
    static constexpr std::string_view digits = "0123456789abcdef";
    std::string out(16, '0');
    auto value = hash_;
    for (int i = 15; i >= 0; --i, value >>= 4U) out[static_cast<std::size_t>(i)] = digits[value & 0xFU];
    return out;
  }

 private:
  void mix(unsigned char byte) {
    hash_ ^= byte;
    hash_ *= 0x100000001b3ULL;
  }
  std::uint64_t hash_ = 0xcbf29ce484222325ULL;
};

}  // namespace

std::string order_details_fingerprint(Answers const& order_answers, std::vector<Attendee> const& attendees) {
  if (order_answers.empty() && attendees.empty()) return {};
  Fnv1a hash;
  hash.answers(order_answers);
  hash.field(std::to_string(attendees.size()));
  for (auto const& attendee : attendees) {
    hash.field(attendee.name);
    hash.field(attendee.email.value_or(std::string()));
    hash.answers(attendee.answers);
  }
  return hash.hex();
}

}  // namespace admit
