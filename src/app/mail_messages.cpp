#include "app/mail_messages.hpp"

#include <algorithm>

#include "app/tickets.hpp"

namespace admit {

namespace {

void append_escaped(std::string& out, std::string_view text) {
  for (char const c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
}

std::string url_of(std::string_view public_url, std::string_view path) {
  std::string url(public_url);
  while (!url.empty() && url.back() == '/') url.pop_back();
  url += path;
  return url;
}

std::string display_name(User const& user) {
  return user.name.empty() ? user.email : user.name;
}

/// What a cancelled paid order's holder needs to hear about the money.
void refund_paragraph(MessageBody& body, Registration const& order) {
  if (order.amount_minor <= 0) return;
  body.paragraph("The " + format_price(order.amount_minor, order.currency) +
                 " you paid is being refunded to your card; it usually shows within 5 to 10 days.");
}

MessageText finish(std::string subject, MessageBody const& body) {
  auto html = body.html(subject);
  return {std::move(subject), body.text(), std::move(html)};
}

}  // namespace

MessageBody& MessageBody::greeting(std::string_view name) {
  return paragraph("Hello " + std::string(name) + ",");
}

MessageBody& MessageBody::paragraph(std::string_view text) {
  blocks_.push_back({Block::Kind::paragraph, std::string(text), {}});
  return *this;
}

MessageBody& MessageBody::fact(std::string_view label, std::string_view value) {
  blocks_.push_back({Block::Kind::fact, std::string(label), std::string(value)});
  return *this;
}

MessageBody& MessageBody::link(std::string_view label, std::string_view url) {
  blocks_.push_back({Block::Kind::link, std::string(label), std::string(url)});
  return *this;
}

std::string MessageBody::text() const {
  std::string out;
  Block::Kind previous = Block::Kind::paragraph;
  for (auto const& b : blocks_) {
    // Facts form one group; everything else is a paragraph of its own.
    if (!out.empty()) out += (b.kind == Block::Kind::fact && previous == Block::Kind::fact) ? "\n" : "\n\n";
    switch (b.kind) {
      case Block::Kind::paragraph: out += b.first; break;
      case Block::Kind::fact: out += b.first + ": " + b.second; break;
      case Block::Kind::link: out += b.first + ":\n" + b.second; break;
    }
    previous = b.kind;
  }
  out += "\n\n-- \nAdmit\n";
  return out;
}

std::string MessageBody::html(std::string_view title) const {
  std::string out = "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>";
  append_escaped(out, title);
  out += "</title></head>\n<body style=\"font-family: sans-serif; line-height: 1.5\">\n";
  bool in_facts = false;
  for (auto const& b : blocks_) {
    if (in_facts && b.kind != Block::Kind::fact) {
      out += "</table>\n";
      in_facts = false;
    }
    switch (b.kind) {
      case Block::Kind::paragraph:
        out += "<p>";
        append_escaped(out, b.first);
        out += "</p>\n";
        break;
      case Block::Kind::fact:
        if (!in_facts) out += "<table role=\"presentation\">\n";
        in_facts = true;
        out += "<tr><th align=\"left\">";
        append_escaped(out, b.first);
        out += "</th><td>";
        append_escaped(out, b.second);
        out += "</td></tr>\n";
        break;
      case Block::Kind::link:
        out += "<p><a href=\"";
        append_escaped(out, b.second);
        out += "\">";
        append_escaped(out, b.first);
        out += "</a></p>\n";
        break;
    }
  }
  if (in_facts) out += "</table>\n";
  out += "<p style=\"color: #666\">Admit</p>\n</body></html>\n";
  return out;
}

std::string order_link(std::string_view public_url, std::string_view registration_id, std::string_view order_token) {
  return url_of(public_url, "/orders/" + std::string(registration_id) + "?token=" + std::string(order_token));
}

MessageText confirmation_text(Event const& event, RegistrationDetail const& order, User const& holder,
                              std::string_view public_url, std::string_view order_token,
                              std::string_view organizer_message) {
  auto const& r = order.registration;
  auto const count = order.tickets.size();
  MessageBody body;
  body.greeting(display_name(holder))
      .paragraph("You are registered for " + event.details.name + ". " +
                 (count == 1 ? std::string("Your ticket is attached to this message as a PDF")
                             : "Your " + std::to_string(count) + " tickets are attached to this message as PDFs") +
                 ", with the event for your calendar. Show the QR code at the door; each ticket admits once.")
      .fact("Event", event.details.name)
      .fact("When", format_event_period(event.details))
      .fact("Where", event.details.location)
      .fact("Tickets", std::to_string(r.quantity))
      .fact("Paid", format_price(r.amount_minor, r.currency))
      .fact("Registration", r.id);
  if (!organizer_message.empty()) {
    body.paragraph("A message from the organizer:").paragraph(organizer_message);
  }
  if (order_token.empty()) {
    body.link("Your tickets, any time", url_of(public_url, "/tickets"));
  } else {
    body.link("Your order, any time: tickets, payment and cancellation", order_link(public_url, r.id, order_token))
        .paragraph(
            "Keep this link to yourself: it opens your order without an account. If you sign up with this "
            "address and confirm it, the order also shows in your account.");
  }
  return finish("Your tickets for " + event.details.name, body);
}

MessageText hold_expired_text(Event const& event, Registration const& order, User const& holder,
                              std::string_view public_url, std::string_view order_token) {
  MessageBody body;
  body.greeting(display_name(holder))
      .paragraph("Your order for " + event.details.name + " was not paid in time, so the " +
                 std::to_string(order.quantity) + (order.quantity == 1 ? " seat" : " seats") +
                 " we held for you went back on sale. Nothing was charged.")
      .fact("Registration", order.id)
      .link("Order again while seats last", url_of(public_url, "/events/" + event.id));
  if (!order_token.empty()) body.link("Your order", order_link(public_url, order.id, order_token));
  return finish("Your order for " + event.details.name + " expired", body);
}

MessageText cancellation_text(Event const& event, Registration const& order, User const& holder,
                              std::string_view public_url, std::string_view order_token) {
  MessageBody body;
  body.greeting(display_name(holder))
      .paragraph("Your registration for " + event.details.name + " is cancelled and its tickets no longer admit.");
  refund_paragraph(body, order);
  body.fact("Registration", order.id);
  if (order_token.empty()) {
    body.link("Your registrations", url_of(public_url, "/tickets"));
  } else {
    body.link("Your order", order_link(public_url, order.id, order_token));
  }
  return finish("Cancelled: " + event.details.name, body);
}

MessageText tickets_cancelled_text(Event const& event, Registration const& order, User const& holder,
                                   std::vector<std::string> const& tickets, std::int64_t refund_minor,
                                   std::string_view public_url, std::string_view order_token) {
  MessageBody body;
  std::string names;
  for (auto const& name : tickets) names += (names.empty() ? "" : ", ") + name;
  auto const count = std::to_string(tickets.size()) + (tickets.size() == 1 ? " ticket" : " tickets");
  body.greeting(display_name(holder))
      .paragraph(count + " of your order for " + event.details.name + " (" + names + ") " +
                 (tickets.size() == 1 ? "is cancelled and no longer admits." : "are cancelled and no longer admit.") +
                 " Your other tickets stay valid.");
  if (refund_minor > 0) {
    body.paragraph("The " + format_price(refund_minor, order.currency) + " you paid for " +
                   (tickets.size() == 1 ? "it" : "them") +
                   " is being refunded to your card; it usually shows within 5 to 10 days.");
  }
  body.fact("Registration", order.id);
  if (order_token.empty()) {
    body.link("Your registrations", url_of(public_url, "/tickets"));
  } else {
    body.link("Your order", order_link(public_url, order.id, order_token));
  }
  return finish("Tickets cancelled: " + event.details.name, body);
}

MessageText event_cancelled_text(Event const& event, Registration const& order, User const& holder,
                                 std::string_view public_url) {
  MessageBody body;
  body.greeting(display_name(holder))
      .paragraph("We are sorry: the organizer has cancelled " + event.details.name + ", planned for " +
                 format_event_date(event.details.starts_at, event.details.timezone) +
                 ". Your tickets no longer admit.");
  refund_paragraph(body, order);
  body.fact("Registration", order.id).link("Other events", url_of(public_url, "/"));
  return finish("Event cancelled: " + event.details.name, body);
}

MessageText password_reset_text(User const& account, std::string_view public_url, std::string_view token) {
  MessageBody body;
  body.greeting(display_name(account))
      .paragraph(
          "Someone, hopefully you, asked to reset the password of your Admit account. The link below lets "
          "you choose a new one; it works once, for 30 minutes.")
      .link("Choose a new password", url_of(public_url, "/reset-password?token=" + std::string(token)))
      .paragraph("If you did not ask for this, ignore this message: your password stays as it is.");
  return finish("Reset your Admit password", body);
}

MessageText verification_text(User const& account, std::string_view public_url, std::string_view token) {
  MessageBody body;
  body.greeting(display_name(account))
      .paragraph("Please confirm that this address belongs to your Admit account.")
      .link("Confirm my address", url_of(public_url, "/verify-email?token=" + std::string(token)))
      .paragraph("If you did not sign up for Admit, ignore this message.");
  return finish("Confirm your email address", body);
}

MessageText staff_invitation_text(Event const& event, std::string_view public_url) {
  MessageBody body;
  body.paragraph("Hello,")
      .paragraph("The organizer of " + event.details.name +
                 " invites you to scan tickets at the door. Sign in (or sign up) with this address to accept.")
      .fact("Event", event.details.name)
      .fact("When", format_event_period(event.details))
      .fact("Where", event.details.location)
      .link("See the invitation", url_of(public_url, "/invitations"));
  return finish("Door staff for " + event.details.name, body);
}

namespace {
std::string seats_of(Event const& event, WaitlistEntry const& entry) {
  std::string what = std::to_string(entry.quantity) + (entry.quantity == 1 ? " ticket" : " tickets");
  auto const type = std::ranges::find(event.ticket_types, entry.ticket_type_id, &TicketType::id);
  if (type != event.ticket_types.end() && event.ticket_types.size() > 1) what += " (" + type->details.name + ")";
  return what;
}
}  // namespace

MessageText waitlist_offer_text(Event const& event, WaitlistEntry const& entry, std::string_view public_url,
                                std::string_view token) {
  MessageBody body;
  auto const until =
      entry.offer_expires_at ? format_event_date(*entry.offer_expires_at, event.details.timezone) : std::string("soon");
  body.greeting(entry.name)
      .paragraph("Seats came free for " + event.details.name + ", and you are next on the waiting list: " +
                 seats_of(event, entry) + (entry.quantity == 1 ? " is" : " are") + " held for you until " + until + ".")
      .link("Claim your tickets", url_of(public_url, "/waitlist/offers/" + entry.id + "?token=" + std::string(token)))
      .paragraph("If you do not claim them by then, they go to the next person in line. This link is yours alone.")
      .fact("Event", event.details.name)
      .fact("When", format_event_date(event.details.starts_at, event.details.timezone));
  return finish("Seats are held for you: " + event.details.name, body);
}

MessageText waitlist_confirmation_text(Event const& event, WaitlistEntry const& entry, std::string_view public_url,
                                       std::string_view token) {
  MessageBody body;
  body.greeting(entry.name)
      .paragraph("You asked to join the waiting list for " + event.details.name + " (" + seats_of(event, entry) +
                 "). Your place counts once you confirm this address:")
      .link("Confirm my place", url_of(public_url, "/waitlist/confirm?token=" + std::string(token)))
      .paragraph("If you did not ask for this, ignore this message.");
  return finish("Confirm your place on the waiting list: " + event.details.name, body);
}

MessageText waitlist_closed_text(Event const& event, WaitlistEntry const& entry, std::string_view public_url) {
  MessageBody body;
  if (event.status != EventStatus::cancelled) {
    // The line closed because the event began: no more seats will be offered.
    body.greeting(entry.name)
        .paragraph(event.details.name + " began on " +
                   format_event_date(event.details.starts_at, event.details.timezone) +
                   " and its sale is over. No seat came free for you in time, so your place on its waiting list "
                   "is closed. We are sorry.")
        .link("Other events", url_of(public_url, "/"));
    return finish("Waiting list closed: " + event.details.name, body);
  }
  body.greeting(entry.name)
      .paragraph("We are sorry: the organizer has cancelled " + event.details.name + ", planned for " +
                 format_event_date(event.details.starts_at, event.details.timezone) +
                 ". Its waiting list is closed, and your place on it with it.")
      .link("Other events", url_of(public_url, "/"));
  return finish("Event cancelled: " + event.details.name, body);
}

}  // namespace admit
