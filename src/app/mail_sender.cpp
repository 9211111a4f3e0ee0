#include "app/mail_sender.hpp"

#include <charconv>
#include <exception>
#include <utility>

#include "app/mail_messages.hpp"
#include "app/tickets.hpp"
#include "base/log.hpp"
#include "base/prometheus.hpp"
#include "base/thread_name.hpp"
#include "domain/calendar.hpp"

namespace admit {

namespace {

Timestamp whole_seconds(MailClock t) {
  return std::chrono::floor<std::chrono::seconds>(t);
}

}  // namespace

MailSender::MailSender(MailStore& outbox, UserStore& users, EventStore& events, RegistrationStore& registrations,
                       TicketPrinter& printer, MailComposer& composer, MailTransport& transport, MailSettings settings,
                       MillisecondClock now, BusySignal busy)
    : outbox_(outbox),
      users_(users),
      events_(events),
      registrations_(registrations),
      printer_(printer),
      composer_(composer),
      transport_(transport),
      settings_(std::move(settings)),
      now_(std::move(now)),
      busy_(std::move(busy)) {}

MailSender::~MailSender() {
  stop();
}

MailClock MailSender::system_millis() {
  return std::chrono::floor<std::chrono::milliseconds>(std::chrono::system_clock::now());
}

void MailSender::erase_copies(std::vector<std::string> const& outbox_ids) {
  for (auto const& id : outbox_ids) transport_.erase_copy(id + "@" + settings_.message_domain);
}

void MailSender::start() {
  for (int i = 0; i < std::max(1, settings_.concurrency); ++i) {
    threads_.emplace_back([this](std::stop_token const& stop) { run(stop); });
  }
}

void MailSender::stop() {
  for (auto& t : threads_) t.request_stop();
  if (!threads_.empty()) transport_.cancel();  // a delivery in flight gives up and is retried later
  wake_.notify_all();
  threads_.clear();  // joins
}

void MailSender::wake() {
  {
    std::lock_guard const lock(mutex_);
    woken_ = true;
  }
  wake_.notify_one();
}

void MailSender::run(std::stop_token const& stop) {
  name_this_thread("admit-mail");
  // Messages wait in the outbox, durable; requests cannot wait. A flash sale keeps the cores
  // busy: the sender then takes what is left, and drains the backlog when the sale is over.
  if (!lower_this_threads_priority()) log::warn("mail sender runs at normal priority", {});
  while (!stop.stop_requested()) {
    int claimed = 0;
    try {
      int const batch = wait_for_turn(stop);
      if (batch == 0) break;
      claimed = send_due(batch);
    } catch (std::exception const& e) {
      log::error("mail sender failed; retrying", {{"error", e.what()}});
    }
    if (claimed > 0) continue;  // there may be more
    std::unique_lock lock(mutex_);
    wake_.wait_for(lock, stop, settings_.idle_poll, [this] { return woken_; });
    woken_ = false;
  }
}

int MailSender::wait_for_turn(std::stop_token const& stop) {
  if (!busy_ || settings_.busy_rate <= 0) return settings_.batch;
  auto const spacing = std::chrono::microseconds(1'000'000 / settings_.busy_rate);
  while (!stop.stop_requested()) {
    if (!busy_()) return settings_.batch;
    std::unique_lock lock(turn_mutex_);
    auto const now = std::chrono::steady_clock::now();
    if (now >= next_turn_) {
      next_turn_ = now + spacing;
      return 1;
    }
    auto const wait = next_turn_ - now;
    lock.unlock();
    std::mutex mutex;
    std::unique_lock sleeping(mutex);
    std::condition_variable_any().wait_for(sleeping, stop, wait, [] { return false; });
  }
  return 0;
}

int MailSender::send_due(int limit) {
  auto const claimed = outbox_.claim_mail(now_(), settings_.lease, limit > 0 ? limit : settings_.batch);
  for (auto const& message : claimed) deliver(message);
  return static_cast<int>(claimed.size());
}

MailSender::Rendered MailSender::render_registration(OutboxMessage const& message, MailAddress& to) {
  auto const& entry = message.entry;
  Rendered out;
  auto const order = registrations_.find_registration(entry.registration_id);
  auto const event = order ? events_.find_event(order->registration.event_id) : std::nullopt;
  // A guest order's buyer is a record of its own, read with the order.
  auto const holder = !order         ? std::nullopt
                      : order->guest ? std::optional<User>(User{.id = order->guest->id,
                                                                .email = order->guest->email,
                                                                .name = order->guest->name,
                                                                .password_hash = {},
                                                                .roles = {},
                                                                .created_at = {}})
                                     : users_.find_user(order->registration.user_id);
  if (!order || !event || !holder) {
    out.skip = MailStatus::skipped;
    out.reason = "the registration, its event or its holder no longer exists";
    return out;
  }
  to = {holder->name, holder->email};
  MessageText text;
  switch (entry.kind) {
    case MailKind::registration_confirmed: {
      if (order->registration.status != RegistrationStatus::confirmed) {
        out.skip = MailStatus::skipped;
        out.reason = "the registration is no longer confirmed";
        return out;
      }
      if (order->guest && entry.secret.empty()) {
        out.skip = MailStatus::skipped;
        out.reason = "the order link's token is gone";
        return out;
      }
      // A comp's confirmation carries the organizer's message in its reference.
      text = confirmation_text(*event, *order, *holder, settings_.public_url, order->guest ? entry.secret : "",
                               order->registration.source == RegistrationSource::comp ? entry.reference : "");
      for (auto const& ticket : order->tickets) {
        if (ticket.status != TicketStatus::valid) continue;
        out.content.attachments.push_back({.filename = "ticket-" + std::to_string(ticket.position) + ".pdf",
                                           .content_type = "application/pdf",
                                           .data = printer_.render_pdf(printed_ticket(*event, *order, ticket))});
      }
      out.content.attachments.push_back(calendar_of(*event, entry.created_at));
      break;
    }
    case MailKind::hold_expired:
    case MailKind::registration_cancelled: {
      // A guest has no account to look at: the message links to their order with a token of
      // its own, issued as it is sent.
      auto const token = order->guest && order_links_ ? order_links_(order->registration.id) : std::string();
      text = entry.kind == MailKind::hold_expired
                 ? hold_expired_text(*event, order->registration, *holder, settings_.public_url, token)
                 : cancellation_text(*event, order->registration, *holder, settings_.public_url, token);
      break;
    }
    case MailKind::tickets_cancelled: {
      // The reference is "<refund in minor units>:<ticket ids>" (domain/mail.hpp).
      auto const colon = entry.reference.find(':');
      std::int64_t refund = 0;
      auto const digits = std::string_view(entry.reference).substr(0, colon);
      std::from_chars(digits.data(), digits.data() + digits.size(), refund);
      auto const ids = colon == std::string::npos ? std::string() : entry.reference.substr(colon + 1);
      std::vector<std::string> names;
      for (auto const& ticket : order->tickets) {
        if (("," + ids + ",").find("," + ticket.id + ",") != std::string::npos) names.push_back(ticket.holder_name);
      }
      // A guest's link to the order that goes on, with a token of its own (as above).
      auto const token = order->guest && order_links_ ? order_links_(order->registration.id) : std::string();
      text = tickets_cancelled_text(*event, order->registration, *holder, names, refund, settings_.public_url, token);
      break;
    }
    case MailKind::event_cancelled:
      text = event_cancelled_text(*event, order->registration, *holder, settings_.public_url);
      // STATUS:CANCELLED replaces the entry the confirmation's .ics added.
      out.content.attachments.push_back(calendar_of(*event, entry.created_at));
      break;
    default: break;
  }
  out.content.subject = std::move(text.subject);
  out.content.text = std::move(text.text);
  out.content.html = std::move(text.html);
  return out;
}

MailAttachment MailSender::calendar_of(Event const& event, Timestamp stamp) const {
  return {.filename = "event.ics",
          .content_type = "text/calendar; method=PUBLISH; charset=utf-8",
          .data = event_calendar(event, {.stamp = stamp,
                                         .url = settings_.public_url + "/events/" + event.id,
                                         .uid_domain = settings_.message_domain})};
}

MailSender::Rendered MailSender::render(OutboxMessage const& message) {
  auto const& entry = message.entry;
  Rendered out;
  MailAddress to;
  auto skip = [&out](std::string reason) {
    out.skip = MailStatus::skipped;
    out.reason = std::move(reason);
    return std::move(out);
  };
  MessageText text;
  switch (entry.kind) {
    case MailKind::registration_confirmed:
    case MailKind::hold_expired:
    case MailKind::registration_cancelled:
    case MailKind::tickets_cancelled:
    case MailKind::event_cancelled: {
      out = render_registration(message, to);
      if (out.skip != MailStatus::queued) return out;
      break;
    }
    case MailKind::password_reset: {
      // Asked for an address, answered before anyone looked it up: resolved only now.
      auto const account = users_.find_user_by_email(entry.recipient);
      if (!account) return skip("no account has this address");
      if (entry.secret.empty()) return skip("the link's secret is gone");
      to = {account->name, account->email};
      text = password_reset_text(*account, settings_.public_url, entry.secret);
      break;
    }
    case MailKind::email_verification: {
      auto const account = users_.find_user(entry.user_id);
      if (!account) return skip("the account no longer exists");
      if (entry.secret.empty()) return skip("the link's secret is gone");
      to = {account->name, entry.recipient.empty() ? account->email : entry.recipient};
      text = verification_text(*account, settings_.public_url, entry.secret);
      break;
    }
    case MailKind::staff_invitation: {
      auto const event = events_.find_event(entry.event_id);
      if (!event) return skip("the event no longer exists");
      to = {{}, entry.recipient};
      text = staff_invitation_text(*event, settings_.public_url);
      break;
    }
    case MailKind::waitlist_offer:
    case MailKind::waitlist_confirmation:
    case MailKind::waitlist_closed: {
      auto const place = waitlist_ ? waitlist_->find_waitlist_entry(entry.reference) : std::nullopt;
      auto const event = events_.find_event(entry.event_id);
      if (!place || !event) return skip("the waiting-list entry or its event no longer exists");
      to = {place->name, entry.recipient.empty() ? place->email : entry.recipient};
      if (entry.kind == MailKind::waitlist_closed) {
        text = waitlist_closed_text(*event, *place, settings_.public_url);
        break;
      }
      if (entry.secret.empty()) return skip("the link's secret is gone");
      if (entry.kind == MailKind::waitlist_offer) {
        // An offer claimed, expired or withdrawn before its message went out is not sent.
        if (place->status != WaitlistStatus::offered) return skip("the offer is no longer open");
        text = waitlist_offer_text(*event, *place, settings_.public_url, entry.secret);
      } else {
        if (place->confirmed || !in_line(place->status)) return skip("the entry needs no confirmation any more");
        text = waitlist_confirmation_text(*event, *place, settings_.public_url, entry.secret);
      }
      break;
    }
  }
  if (!text.subject.empty()) {
    out.content.subject = std::move(text.subject);
    out.content.text = std::move(text.text);
    out.content.html = std::move(text.html);
  }
  out.content.from = settings_.from;
  out.content.to = std::move(to);
  out.content.message_id = entry.id + "@" + settings_.message_domain;
  out.content.date = entry.created_at;  // the same on every attempt, like the Message-ID
  return out;
}

void MailSender::deliver(OutboxMessage const& message) {
  auto const& entry = message.entry;
  auto const attempts = message.attempts + 1;
  try {
    auto rendered = render(message);
    auto const now = now_();
    if (rendered.skip == MailStatus::queued) {
      auto const& to = rendered.content.to.address;
      auto const [last_hour, last_day] = outbox_.mail_sent_to(to, whole_seconds(now) - std::chrono::hours(1),
                                                              whole_seconds(now) - std::chrono::hours(24));
      if (!within_caps(settings_.caps, entry.kind, entry.paid, last_hour, last_day)) {
        rendered.skip = MailStatus::dropped;
        rendered.reason = "not sent: the address received " + std::to_string(last_hour) +
                          " messages in the last hour and " + std::to_string(last_day) + " in the last day, its cap";
      }
    }
    if (rendered.skip != MailStatus::queued) {
      record(message, {.status = rendered.skip, .attempts = message.attempts, .last_error = rendered.reason});
      return;
    }
    DeliveryReport report;
    try {
      auto const bytes = composer_.compose(rendered.content);
      counters_.rendered_bytes += static_cast<std::int64_t>(bytes.size());
      report = transport_.deliver(settings_.from, rendered.content.to, rendered.content.message_id, bytes);
    } catch (std::invalid_argument const& e) {
      // Not an address or not a message: no attempt will ever change that.
      record(message,
             {.status = MailStatus::failed, .attempts = attempts, .last_error = std::string("not sent: ") + e.what()});
      return;
    }
    auto const after = now_();
    if (report.status == DeliveryStatus::delivered) {
      record(message, {.status = MailStatus::sent,
                       .attempts = attempts,
                       .sent_at = whole_seconds(after),
                       .sent_to = rendered.content.to.address});
      return;
    }
    auto const next = after_failure(settings_.retry, report.status, attempts, entry.created_at, after);
    record(message, {.status = next.status,
                     .attempts = attempts,
                     .last_error = report.reply,
                     .next_attempt_at = next.next_attempt_at});
  } catch (std::exception const& e) {
    // The store or the renderer failed: try again later, within the same give-up time.
    auto const now = now_();
    auto const next =
        after_failure(settings_.retry, DeliveryStatus::transient_failure, attempts, entry.created_at, now);
    try {
      record(message, {.status = next.status,
                       .attempts = attempts,
                       .last_error = std::string("not sent: ") + e.what(),
                       .next_attempt_at = next.next_attempt_at});
    } catch (std::exception const& again) {
      // The claim's lease runs out and another attempt follows.
      log::error("mail outcome not recorded", {{"id", entry.id}, {"error", again.what()}});
    }
  }
}

void MailSender::record(OutboxMessage const& message, MailOutcome const& outcome) {
  outbox_.record_mail(message.entry.id, outcome);
  switch (outcome.status) {
    case MailStatus::sent: ++counters_.sent; break;
    case MailStatus::retrying: ++counters_.retried; break;
    case MailStatus::failed:
      ++counters_.failed;
      log::warn(
          "mail failed",
          {{"id", message.entry.id}, {"kind", mail_kind_name(message.entry.kind)}, {"reply", outcome.last_error}});
      break;
    case MailStatus::dropped: ++counters_.dropped; break;
    case MailStatus::skipped: ++counters_.skipped; break;
    case MailStatus::queued: break;
  }
}

std::string MailSender::metrics_text() {
  std::string out;
  prometheus::TextWriter w(out);
  auto const count = [](std::atomic<std::int64_t> const& n) { return static_cast<std::uint64_t>(n.load()); };
  w.family("admit_mail_messages_total", "counter", "Messages this node settled, by outcome")
      .sample("admit_mail_messages_total", {{"outcome", "sent"}}, count(counters_.sent))
      .sample("admit_mail_messages_total", {{"outcome", "failed"}}, count(counters_.failed))
      .sample("admit_mail_messages_total", {{"outcome", "dropped"}}, count(counters_.dropped))
      .sample("admit_mail_messages_total", {{"outcome", "skipped"}}, count(counters_.skipped));
  w.metric("admit_mail_retries_total", "counter", "Delivery attempts that failed and will be tried again",
           count(counters_.retried));
  w.metric("admit_mail_rendered_bytes_total", "counter", "Bytes of messages composed", count(counters_.rendered_bytes));
  try {
    auto const backlog = outbox_.mail_backlog(now_());
    w.family("admit_mail_outbox_backlog", "gauge", "Messages waiting to be sent, by state")
        .sample("admit_mail_outbox_backlog", {{"state", "queued"}}, static_cast<std::uint64_t>(backlog.queued))
        .sample("admit_mail_outbox_backlog", {{"state", "retrying"}}, static_cast<std::uint64_t>(backlog.retrying));
    w.metric("admit_mail_outbox_oldest_due_seconds", "gauge", "How long the most overdue waiting message has waited",
             static_cast<double>(backlog.oldest_due_age_ms) / 1000.0);
  } catch (std::exception const& e) {
    log::warn("mail backlog unreadable", {{"error", e.what()}});
  }
  return out;
}

}  // namespace admit
