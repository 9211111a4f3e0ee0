#include "support/fakes.hpp"

#include <algorithm>
#include <functional>
#include <tuple>
#include <utility>

namespace admit::test {

namespace {

/// A keyed hash standing in for an Ed25519 signature: only FakeTicketCodes::issue applies it.
std::string fake_signature(std::string_view body) {
  return std::to_string(std::hash<std::string>{}("fake-key|" + std::string(body)));
}

std::string code_body(TicketClaims const& claims) {
  return "T." + claims.ticket_id + "." + claims.event_id + "." + claims.user_id;
}

}  // namespace

std::string FakeTicketCodes::issue(TicketClaims const& claims) {
  auto const body = code_body(claims);
  return body + "." + fake_signature(body);
}

std::string FakeTicketCodes::forge(TicketClaims const& claims) {
  return code_body(claims) + ".0";
}

std::expected<TicketClaims, std::string> FakeTicketCodes::decode(std::string_view code) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  for (std::size_t dot = code.find('.'); dot != std::string_view::npos; dot = code.find('.', start)) {
    parts.emplace_back(code.substr(start, dot - start));
    start = dot + 1;
  }
  parts.emplace_back(code.substr(start));
  if (parts.size() != 5 || parts[0] != "T" || parts[4].empty()) return std::unexpected("not a ticket code");
  return TicketClaims{.ticket_id = parts[1], .event_id = parts[2], .user_id = parts[3], .key_id = 1};
}

std::expected<TicketClaims, std::string> FakeTicketCodes::check(std::string_view code) {
  ++checks;
  auto claims = decode(code);
  if (!claims) return claims;
  auto const body = code_body(*claims);
  if (code.substr(body.size() + 1) != fake_signature(body)) return std::unexpected("bad signature");
  return claims;
}

std::vector<PublicScanKey> FakeTicketCodes::public_keys(std::string_view event_id) {
  auto const found = rotations.find(std::string(event_id));
  auto const count = found == rotations.end() ? 0 : found->second;
  std::vector<PublicScanKey> keys;
  for (int i = count + 1; i >= 1; --i) {
    keys.push_back({static_cast<std::uint32_t>(i), "key-" + std::to_string(i), Timestamp{}, i == count + 1});
  }
  return keys;
}

PublicScanKey FakeTicketCodes::rotate(std::string_view event_id, Actor const& /*by*/) {
  auto const id = ++rotations[std::string(event_id)] + 1;
  return {static_cast<std::uint32_t>(id), "key-" + std::to_string(id), Timestamp{}, true};
}

std::string FakeDownloadLinks::signature(std::string_view ticket_id, Timestamp expires) {
  return "sig:" + std::string(ticket_id) + ":" + std::to_string(expires.time_since_epoch().count());
}

bool FakeDownloadLinks::verify(std::string_view ticket_id, Timestamp expires, std::string_view signature) {
  return signature == this->signature(ticket_id, expires);
}

std::string FakePrinter::render_pdf(PrintedTicket const& ticket) {
  printed.push_back(ticket);
  return "%PDF-fake " + ticket.ticket_id;
}

std::optional<AccountState> FakeStore::account_state(std::string_view user_id) {
  ++account_state_lookups;
  if (down) throw Outage("the database is down");
  auto const found = accounts.find(user_id);
  if (found == accounts.end()) return std::nullopt;
  return found->second;
}

std::optional<Event> FakeStore::find_event(std::string_view id) {
  auto const found = events.find(id);
  if (found == events.end()) return std::nullopt;
  auto event = found->second;
  // An event set up without types has the one an event made the old way gets.
  if (event.ticket_types.empty()) {
    event.ticket_types.push_back(
        TicketType{.id = event.id + "-general",
                   .event_id = event.id,
                   .details = {.name = "General admission", .price_minor = event.details.price_minor}});
  }
  return event;
}

namespace {

/// The first ticket type `q` names that is not one of its event's.
std::optional<std::size_t> unknown_type(Question const& q, std::set<std::pair<std::string, std::string>> const& types) {
  for (std::size_t i = 0; i < q.details.ticket_type_ids.size(); ++i) {
    if (!types.contains({q.event_id, q.details.ticket_type_ids[i]})) return i;
  }
  return std::nullopt;
}

}  // namespace

QuestionWriteResult FakeStore::insert_question(Question const& q, std::size_t limit, Timestamp, Actor const&) {
  if (!events.contains(q.event_id)) return {QuestionWrite::not_found};
  if (list_questions(q.event_id).size() >= limit) return {QuestionWrite::too_many};
  if (auto const bad = unknown_type(q, ticket_types)) return {QuestionWrite::unknown_ticket_type, *bad};
  questions[q.id] = q;
  return {QuestionWrite::written};
}

std::vector<Question> FakeStore::list_questions(std::string_view event_id) {
  ++question_lists;
  std::vector<Question> found;
  for (auto const& [id, q] : questions) {
    if (q.event_id == event_id) found.push_back(q);
  }
  std::ranges::stable_sort(found, [](Question const& a, Question const& b) {
    return std::pair(a.details.position, std::string_view(a.id)) <
           std::pair(b.details.position, std::string_view(b.id));
  });
  return found;
}

std::optional<Question> FakeStore::find_question(std::string_view event_id, std::string_view id) {
  auto const found = questions.find(id);
  if (found == questions.end() || found->second.event_id != event_id) return std::nullopt;
  return found->second;
}

QuestionWriteResult FakeStore::update_question(Question const& q, Timestamp, Actor const&) {
  if (!find_question(q.event_id, q.id)) return {QuestionWrite::not_found};
  if (auto const bad = unknown_type(q, ticket_types)) return {QuestionWrite::unknown_ticket_type, *bad};
  questions[q.id] = q;
  return {QuestionWrite::written};
}

bool FakeStore::delete_question(std::string_view event_id, std::string_view id, Timestamp, Actor const&) {
  if (!find_question(event_id, id)) return false;
  questions.erase(questions.find(id));
  return true;
}

PlacementResult FakeStore::placed(NewRegistration const& order) {
  return PlacementResult{
      .outcome = Placement::placed,
      .detail = RegistrationDetail{order.registration, order.tickets, std::nullopt},
      .seats_left = 0,
      .attendee_limit = 0,
      .retry_at = std::nullopt,
  };
}

void FakeStore::place_registration(NewRegistration registration, Timestamp, Actor,
                                   Completion<Result<PlacementResult>> done) {
  orders.push_back(registration);
  if (on_place) on_place(registration);
  if (placements.empty()) return done(placed(registration));
  auto answer = std::move(placements.front());
  placements.pop_front();
  if (answer && (answer->outcome == Placement::placed || answer->outcome == Placement::replayed) &&
      answer->detail.registration.id.empty()) {
    answer->detail = placed(registration).detail;
  }
  done(std::move(answer));
}

std::optional<RegistrationDetail> FakeStore::find_registration(std::string_view id) {
  auto const found = registrations.find(id);
  if (found == registrations.end()) return std::nullopt;
  return found->second;
}

std::vector<RegistrationDetail> FakeStore::list_user_registrations(std::string_view user_id,
                                                                   std::optional<RegistrationCursor> const& after,
                                                                   int limit) {
  std::vector<RegistrationDetail> mine;
  for (auto const& [id, detail] : registrations) {
    auto const& r = detail.registration;
    if (r.user_id != user_id) continue;
    if (after && std::tie(r.registered_at, r.id) >= std::tie(after->registered_at, after->id)) continue;
    mine.push_back(detail);
  }
  std::ranges::sort(mine, [](auto const& a, auto const& b) {
    return std::tie(a.registration.registered_at, a.registration.id) >
           std::tie(b.registration.registered_at, b.registration.id);
  });
  if (limit > 0 && static_cast<int>(mine.size()) > limit) mine.resize(static_cast<std::size_t>(limit));
  return mine;
}

std::vector<RegistrationRow> FakeStore::list_event_registrations(std::string_view event_id,
                                                                 std::optional<RegistrationCursor> const& after,
                                                                 int limit) {
  return search_event_registrations(event_id, "", after, limit);
}

std::vector<RegistrationRow> FakeStore::search_event_registrations(std::string_view event_id, std::string_view text,
                                                                   std::optional<RegistrationCursor> const& after,
                                                                   int limit) {
  std::vector<RegistrationRow> rows;
  for (auto const& [id, detail] : registrations) {
    auto const& r = detail.registration;
    if (r.event_id != event_id) continue;
    if (after && std::tie(r.registered_at, r.id) <= std::tie(after->registered_at, after->id)) continue;
    RegistrationRow row{r, r.user_id, r.user_id + "@example.com", 0, std::nullopt};
    if (row.attendee_name.find(text) == std::string::npos && row.attendee_email.find(text) == std::string::npos) {
      continue;
    }
    rows.push_back(std::move(row));
  }
  std::ranges::sort(rows, [](auto const& a, auto const& b) {
    return std::tie(a.registration.registered_at, a.registration.id) <
           std::tie(b.registration.registered_at, b.registration.id);
  });
  if (limit > 0 && static_cast<int>(rows.size()) > limit) rows.resize(static_cast<std::size_t>(limit));
  return rows;
}

Cancellation FakeStore::cancel_registration(std::string_view id, CancellationRequest const& request, Timestamp now,
                                            Actor const&) {
  cancellations.emplace_back(std::string(id), request);
  if (next_cancellation == Cancellation::cancelled) {
    if (auto const found = registrations.find(id); found != registrations.end()) {
      found->second.registration.status = RegistrationStatus::cancelled;
      found->second.registration.updated_at = now;
    }
  }
  return next_cancellation;
}

std::optional<Ticket> FakeStore::find_ticket(std::string_view id) {
  auto const found = tickets.find(id);
  if (found == tickets.end()) return std::nullopt;
  return found->second;
}

void FakeStore::redeem_ticket(std::string ticket_id, std::string event_id, std::string code, Timestamp now, Actor actor,
                              Completion<Result<RedemptionResult>> done) {
  redemptions.push_back({ticket_id, event_id, code, now, actor});
  if (redeem_failure) return done(std::unexpected(*redeem_failure));
  // As the stores do: only the exact issued code finds its ticket; then the event, the
  // ticket's status and whether it was used decide.
  auto const found = tickets.find(ticket_id);
  if (found == tickets.end() || found->second.qr_code != code) {
    return done(RedemptionResult{Redemption::unknown, std::nullopt});
  }
  auto& ticket = found->second;
  if (ticket.event_id != event_id) return done(RedemptionResult{Redemption::wrong_event, ticket});
  if (ticket.status == TicketStatus::cancelled) return done(RedemptionResult{Redemption::cancelled, ticket});
  if (ticket.validated_at) return done(RedemptionResult{Redemption::already_used, ticket});
  ticket.validated_at = now;
  done(RedemptionResult{Redemption::admitted, ticket});
}

bool FakeStore::is_event_staff(std::string_view event_id, std::string_view user_id) {
  return staff.contains({std::string(event_id), std::string(user_id)});
}

std::optional<User> FakeStore::find_user(std::string_view id) {
  ++user_lookups;
  auto const found = users.find(id);
  return found == users.end() ? std::nullopt : std::optional<User>(found->second);
}

std::optional<User> FakeStore::find_user_by_email(std::string_view email) {
  ++user_lookups;
  for (auto const& [id, user] : users) {
    if (user.email == email) return user;
  }
  return std::nullopt;
}

void FakeStore::queue_mail(OutboxEntry const& entry) {
  if (outbox.contains(entry.id)) return;
  StoredMail stored;
  stored.message.entry = entry;
  stored.due = entry.created_at;
  outbox[entry.id] = std::move(stored);
}

std::vector<OutboxMessage> FakeStore::claim_mail(MailClock now, std::chrono::milliseconds lease, int limit) {
  std::vector<StoredMail*> due;
  for (auto& [id, m] : outbox) {
    if (is_pending(m.message.status) && m.due <= now && m.lease_until <= now) due.push_back(&m);
  }
  std::ranges::stable_sort(due, {}, [](StoredMail const* m) {
    return std::pair{mail_priority(m->message.entry.kind), m->due};
  });
  std::vector<OutboxMessage> claimed;
  for (auto* m : due) {
    if (std::cmp_greater_equal(claimed.size(), limit)) break;
    m->lease_until = now + lease;
    claimed.push_back(m->message);
  }
  return claimed;
}

void FakeStore::record_mail(std::string_view id, MailOutcome const& outcome) {
  mail_records.emplace_back(std::string(id), outcome);
  auto found = outbox.find(id);
  if (found == outbox.end()) return;
  auto& m = found->second;
  m.message.status = outcome.status;
  m.message.attempts = outcome.attempts;
  m.due = outcome.next_attempt_at;
  m.lease_until = {};
  m.last_error = outcome.last_error;
  m.sent_at = outcome.sent_at;
  m.sent_to = outcome.sent_to;
  if (!is_pending(outcome.status)) m.message.entry.secret.clear();
}

std::pair<std::int32_t, std::int32_t> FakeStore::mail_sent_to(std::string_view address, Timestamp since_hour,
                                                              Timestamp since_day) {
  std::int32_t hour = 0;
  std::int32_t day = 0;
  for (auto const& [id, m] : outbox) {
    if (m.sent_to != address || !m.sent_at) continue;
    if (*m.sent_at >= since_hour) ++hour;
    if (*m.sent_at >= since_day) ++day;
  }
  return {hour, day};
}

MailBacklog FakeStore::mail_backlog(MailClock) {
  MailBacklog backlog;
  for (auto const& [id, m] : outbox) {
    switch (m.message.status) {
      case MailStatus::queued: ++backlog.queued; break;
      case MailStatus::retrying: ++backlog.retrying; break;
      default: break;
    }
  }
  return backlog;
}

void FakeStore::save_sign_in_flow(SignInFlow const& flow, Timestamp now) {
  std::erase_if(sign_in_flows, [now](auto const& entry) { return entry.second.expires_at < now; });
  sign_in_flows.insert_or_assign(flow.state_hash, flow);
}

std::optional<SignInFlow> FakeStore::take_sign_in_flow(std::string_view state_hash) {
  auto const found = sign_in_flows.find(state_hash);
  if (found == sign_in_flows.end()) return std::nullopt;
  auto flow = found->second;
  sign_in_flows.erase(found);
  return flow;
}

User FakeStore::link_external_person(ExternalSignInRecord const& person, Actor const&) {
  auto const key = std::make_pair(person.issuer, person.subject);
  if (auto const found = identities.find(key); found != identities.end()) {
    auto& user = users.at(found->second.user_id);
    auto const granted = person.roles_known ? person.provider_roles : found->second.provider_roles;
    auto const roles = roles_after_external_sign_in(user.roles, found->second.provider_roles, granted);
    if ((user.roles.bits() & ~roles.bits()) != 0) ++user.token_version;
    user.roles = roles;
    if (person.name_given) user.name = person.name;
    found->second.provider_roles = granted;
    return user;
  }
  bool const taken =
      std::any_of(users.begin(), users.end(), [&](auto const& entry) { return entry.second.email == person.email; });
  bool const address_free = !person.email.empty() && !taken;
  User user{.id = person.new_user_id,
            .email = address_free ? person.email : external_placeholder_email(person.new_user_id),
            .name = person.name,
            .password_hash = "",
            .roles = person.provider_roles,
            .created_at = person.now};
  if (address_free && person.email_verified) user.email_verified_at = person.now;
  users.insert_or_assign(user.id, user);
  identities.insert_or_assign(key, Identity{user.id, person.provider_roles});
  return user;
}

void FakeStore::save_sign_in_code(std::string_view code_hash, std::string_view user_id, Timestamp expires_at,
                                  Timestamp) {
  sign_in_codes.insert_or_assign(std::string(code_hash), std::make_pair(std::string(user_id), expires_at));
}

std::optional<std::string> FakeStore::take_sign_in_code(std::string_view code_hash, Timestamp now) {
  auto const found = sign_in_codes.find(code_hash);
  if (found == sign_in_codes.end()) return std::nullopt;
  auto const [user_id, expires_at] = found->second;
  sign_in_codes.erase(found);
  if (now >= expires_at) return std::nullopt;
  return user_id;
}

}  // namespace admit::test
