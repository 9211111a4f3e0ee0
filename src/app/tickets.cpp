#include "app/tickets.hpp"

#include <date/tz.h>
#include <algorithm>
#include <charconv>

#include "domain/money.hpp"

namespace admit {

Tickets::Tickets(EventStore& events, RegistrationStore& registrations, TicketStore& tickets, StaffStore& staff,
                 TicketCodes& codes, DownloadLinks& links, TicketPrinter& printer, Clock const& clock,
                 TicketingSettings settings)
    : events_(events),
      registrations_(registrations),
      tickets_(tickets),
      staff_(staff),
      codes_(codes),
      links_(links),
      printer_(printer),
      clock_(clock),
      settings_(std::move(settings)) {}

bool Tickets::is_ticket_buyer(Principal const& who, Ticket const& ticket) {
  if (!who.order_id && !who.user_id.empty() && ticket.user_id == who.user_id) return true;
  // A guest order's ticket: for the holder of its order's token, or the account it joined.
  auto const order = registrations_.find_registration(ticket.registration_id);
  return order && is_buyer(who, *order);
}

Result<Ticket> Tickets::get_ticket(Principal const& who, std::string_view id) {
  auto ticket = tickets_.find_ticket(id);
  if (ticket && !is_ticket_buyer(who, *ticket)) {
    auto const event = events_.find_event(ticket->event_id);
    if (!event || who.user_id.empty() || event->organizer_id != who.user_id) ticket.reset();
  }
  if (!ticket) return fail(Errc::not_found, "No ticket of yours has this id.");
  return std::move(*ticket);
}

Result<DownloadLink> Tickets::download_link(Principal const& who, std::string_view id) {
  auto ticket = tickets_.find_ticket(id);
  if (!ticket || !is_ticket_buyer(who, *ticket)) return fail(Errc::not_found, "No ticket of yours has this id.");
  if (ticket->status != TicketStatus::valid) return fail(Errc::conflict, "This ticket was cancelled.");
  auto const expires = clock_.now() + settings_.download_link_ttl;
  auto const seconds = std::to_string(expires.time_since_epoch().count());
  return DownloadLink{settings_.public_url + "/api/tickets/" + ticket->id + "/pdf?expires=" + seconds +
                          "&signature=" + links_.signature(ticket->id, expires),
                      expires};
}

Result<std::string> Tickets::ticket_pdf(std::string_view id, std::string_view expires_text,
                                        std::string_view signature) {
  long long seconds = 0;
  auto const [end, ec] = std::from_chars(expires_text.data(), expires_text.data() + expires_text.size(), seconds);
  if (ec != std::errc{} || end != expires_text.data() + expires_text.size()) {
    return fail(Errc::forbidden, "This download link is not valid.");
  }
  Timestamp const expires{std::chrono::seconds{seconds}};
  if (!links_.verify(id, expires, signature)) return fail(Errc::forbidden, "This download link is not valid.");
  if (expires < clock_.now()) return fail(Errc::forbidden, "This download link has expired; ask for a new one.");

  auto ticket = tickets_.find_ticket(id);
  if (!ticket) return fail(Errc::not_found, "No ticket has this id.");
  if (ticket->status != TicketStatus::valid) return fail(Errc::conflict, "This ticket was cancelled.");
  auto const event = events_.find_event(ticket->event_id);
  auto const registration = registrations_.find_registration(ticket->registration_id);
  if (!event || !registration) return fail(Errc::not_found, "No ticket has this id.");

  return printer_.render_pdf(printed_ticket(*event, *registration, *ticket));
}

bool Tickets::may_scan(Principal const& who, Event const& event) {
  return event.organizer_id == who.user_id || who.roles.has(Role::admin) ||
         staff_.is_event_staff(event.id, who.user_id);
}

std::optional<Tickets::ScanEvent> Tickets::scan_event(std::string const& id) {
  auto const now = std::chrono::steady_clock::now();
  {
    std::lock_guard lock(scan_cache_mutex_);
    if (auto it = scan_events_.find(id); it != scan_events_.end() && now - it->second.second < kScanCacheFor) {
      return it->second.first;
    }
  }
  auto const event = events_.find_event(id);
  if (!event) return std::nullopt;
  ScanEvent found{event->id, event->organizer_id, event->status};
  // A draft is not remembered: once published it must be scannable at once.
  if (found.status == EventStatus::draft) return found;
  std::lock_guard lock(scan_cache_mutex_);
  if (scan_events_.size() >= kScanCacheLimit) scan_events_.clear();
  scan_events_.insert_or_assign(id, std::pair{found, now});
  return found;
}

bool Tickets::may_scan_cached(Principal const& who, ScanEvent const& event) {
  if (event.organizer_id == who.user_id || who.roles.has(Role::admin)) return true;
  auto const now = std::chrono::steady_clock::now();
  auto key = std::pair{event.id, who.user_id};
  {
    std::lock_guard lock(scan_cache_mutex_);
    if (auto it = scan_staff_.find(key); it != scan_staff_.end() && now - it->second < kScanCacheFor) return true;
  }
  if (!staff_.is_event_staff(event.id, who.user_id)) return false;
  std::lock_guard lock(scan_cache_mutex_);
  if (scan_staff_.size() >= kScanCacheLimit) scan_staff_.clear();
  scan_staff_.insert_or_assign(std::move(key), now);
  return true;
}

void Tickets::forget_staff(std::string_view event_id, std::string_view user_id) {
  std::lock_guard lock(scan_cache_mutex_);
  scan_staff_.erase(std::pair{std::string(event_id), std::string(user_id)});
}

void Tickets::validate_ticket(Principal const& who, std::string_view code, std::optional<std::string> const& event_id,
                              Actor const& actor, Completion<Result<ScanOutcome>> done) {
  using R = ScanOutcome::Result;
  // Who may scan is decided per event (its organizer, its accepted staff, an admin), from the
  // database, so an accepted invitation counts at once, even for a token issued before it. A forged code
  // reveals nothing to anyone, so it is simply "invalid". Whether the ticket is still valid
  // (the event cancelled, the registration cancelled) is decided by the redemption itself,
  // never by the cached event.
  //
  // The server holds every code it issued, so on the usual path (the code names an event the
  // scanner may scan) the redemption compares the code with the issued one instead of checking
  // its signature: a string comparison instead of an Ed25519 verification, the largest cost
  // of a scan. Only a code that would be answered without reaching the store (another event's,
  // or one this scanner may not scan) has its signature checked first, so that a forged or
  // altered code is "invalid" on every path.
  std::optional<ScanEvent> scanning;
  if (event_id) {
    scanning = scan_event(*event_id);
    if (!scanning || !visible_to(scanning->status, scanning->organizer_id, who.user_id))
      return done(fail(Errc::not_found, "No event has this id."));
    if (!may_scan_cached(who, *scanning))
      return done(fail(Errc::forbidden, "You may not scan tickets for this event."));
  }
  auto claims = codes_.decode(code);
  if (!claims) return done(ScanOutcome{R::invalid, std::nullopt});
  auto const authentic = [&] { return codes_.check(code).has_value(); };
  if (scanning && claims->event_id != scanning->id) {
    return done(ScanOutcome{authentic() ? R::wrong_event : R::invalid, std::nullopt});
  }
  if (!scanning) {
    scanning = scan_event(claims->event_id);
    if (!scanning || !visible_to(scanning->status, scanning->organizer_id, who.user_id))
      return done(ScanOutcome{R::invalid, std::nullopt});
    if (!may_scan_cached(who, *scanning)) {
      if (!authentic()) return done(ScanOutcome{R::invalid, std::nullopt});
      return done(fail(Errc::forbidden, "You may not scan tickets for this event."));
    }
  }
  tickets_.redeem_ticket(claims->ticket_id, claims->event_id, std::string(code), clock_.now(), actor,
                         [done = std::move(done)](Result<RedemptionResult> redeemed) {
                           if (!redeemed) return done(std::unexpected(redeemed.error()));
                           auto const outcome = [&] {
                             switch (redeemed->outcome) {
                               case Redemption::admitted: return R::valid;
                               case Redemption::already_used: return R::already_used;
                               case Redemption::cancelled: return R::cancelled;
                               case Redemption::wrong_event: return R::wrong_event;
                               case Redemption::unknown: break;
                             }
                             return R::invalid;
                           }();
                           done(ScanOutcome{outcome, std::move(redeemed->ticket)});
                         });
}

Result<ScanKeys> Tickets::scan_keys(Principal const& who, std::string_view event_id) {
  auto const event = events_.find_event(event_id);
  if (!event || !visible_to(*event, who.user_id)) return fail(Errc::not_found, "No event has this id.");
  if (!may_scan(who, *event)) return fail(Errc::forbidden, "Only the event's organizer and staff see its scan keys.");
  return ScanKeys{event->id, codes_.public_keys(event_id)};
}

Result<PublicScanKey> Tickets::rotate_scan_key(Principal const& who, std::string_view event_id, Actor const& actor) {
  auto const event = events_.find_event(event_id);
  if (!event || !visible_to(*event, who.user_id)) return fail(Errc::not_found, "No event has this id.");
  if (event->organizer_id != who.user_id) return fail(Errc::forbidden, "Only the event's organizer rotates its keys.");
  return codes_.rotate(event_id, actor);
}

namespace {

/// %e pads single-digit days with a space ("Tuesday,  2 March").
std::string without_day_padding(std::string text) {
  if (auto const at = text.find(",  "); at != std::string::npos) text.erase(at + 1, 1);
  return text;
}

}  // namespace

PrintedTicket printed_ticket(Event const& event, RegistrationDetail const& order, Ticket const& ticket) {
  auto const& r = order.registration;
  // The ticket's type and the price its item was ordered at (orders made before types had items
  // of their own: the average).
  auto unit_price = r.quantity > 0 ? r.amount_minor / r.quantity : 0;
  std::string type_name = "General admission";
  if (auto const item = std::ranges::find(order.items, ticket.ticket_type_id, &RegistrationItem::ticket_type_id);
      item != order.items.end()) {
    unit_price = item->unit_price_minor;
    type_name = item->name;
  }
  return {
      .event_name = event.details.name,
      .date_line = format_event_period(event.details),
      .location = event.details.location,
      .holder_name = ticket.holder_name,
      .ticket_type = type_name,
      .price_line = format_price(unit_price, r.currency),
      .ticket_id = ticket.id,
      .order_line =
          "Registration " + r.id + " · ticket " + std::to_string(ticket.position) + " of " + std::to_string(r.quantity),
      .qr_text = ticket.qr_code,
  };
}

std::string format_event_date(Timestamp t, std::string const& time_zone) {
  try {
    date::zoned_seconds const local(time_zone, t);
    return without_day_padding(date::format("%A, %e %B %Y · %H:%M %Z", local));
  } catch (std::runtime_error const&) {
    return without_day_padding(date::format("%A, %e %B %Y · %H:%M UTC", t));
  }
}

std::string format_event_period(EventDraft const& event) {
  if (!event.ends_at) return format_event_date(event.starts_at, event.timezone);
  auto const period = [](auto const& start, auto const& end, std::string_view zone) {
    using std::chrono::days;
    using std::chrono::floor;
    bool const same_day = floor<days>(start.get_local_time()) == floor<days>(end.get_local_time());
    auto text = without_day_padding(date::format("%A, %e %B %Y · %H:%M – ", start));
    text += same_day ? date::format("%H:%M", end) : without_day_padding(date::format("%A, %e %B %Y · %H:%M", end));
    return text + " " + std::string(zone);
  };
  try {
    date::zoned_seconds const start(event.timezone, event.starts_at);
    date::zoned_seconds const end(event.timezone, *event.ends_at);
    return period(start, end, date::format("%Z", end));
  } catch (std::runtime_error const&) {
    date::zoned_seconds const start("UTC", event.starts_at);
    date::zoned_seconds const end("UTC", *event.ends_at);
    return period(start, end, "UTC");
  }
}

std::string format_price(std::int64_t minor, std::string const& currency) {
  if (minor == 0) return "Free";
  auto const exponent = currency_exponent(currency).value_or(2);
  std::int64_t scale = 1;
  for (int i = 0; i < exponent; ++i) scale *= 10;
  auto whole = std::to_string(minor / scale);
  for (auto i = static_cast<std::ptrdiff_t>(whole.size()) - 3; i > 0; i -= 3) {
    whole.insert(static_cast<std::size_t>(i), ",");
  }
  std::string text = whole;
  if (exponent > 0) {
    auto fraction = std::to_string(minor % scale);
    fraction.insert(0, static_cast<std::size_t>(exponent) - fraction.size(), '0');
    text += "." + fraction;
  }
  if (currency == "USD") return "$" + text;
  if (currency == "EUR") return "€" + text;
  if (currency == "GBP") return "£" + text;
  if (currency == "JPY") return "¥" + text;
  return currency + " " + text;
}

}  // namespace admit
