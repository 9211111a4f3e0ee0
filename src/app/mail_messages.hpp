#pragma once

/// What each message says: its subject and its words, as plain text and as HTML, written once
/// (MessageBody) so the two parts never disagree. The sender (app/mail_sender) adds the
/// addresses, the attachments and the Message-ID.

#include <string>
#include <string_view>
#include <vector>

#include "app/ports.hpp"
#include "domain/event.hpp"
#include "domain/registration.hpp"
#include "domain/user.hpp"

namespace admit {

/// A message's body: paragraphs and links, rendered as text/plain and as text/html (every
/// value escaped).
class MessageBody {
 public:
  MessageBody& greeting(std::string_view name);
  MessageBody& paragraph(std::string_view text);
  /// A line "label: value", bold label in HTML.
  MessageBody& fact(std::string_view label, std::string_view value);
  /// A link on its own line; in text, the label then the URL.
  MessageBody& link(std::string_view label, std::string_view url);

  std::string text() const;
  std::string html(std::string_view title) const;

 private:
  struct Block {
    enum class Kind { paragraph, fact, link } kind;
    std::string first;
    std::string second;
  };
  std::vector<Block> blocks_;
};

/// The subject and body of a message (MailContent without addresses, attachments or id).
struct MessageText {
  std::string subject;
  std::string text;
  std::string html;
};

/// `order_token`: a guest order's token; the message then links to the order's own page,
/// `{public_url}/orders/{registrationId}?token={order_token}`, instead of My tickets.
/// `organizer_message`: a comp's message from the organizer, quoted in the body.
MessageText confirmation_text(Event const& event, RegistrationDetail const& order, User const& holder,
                              std::string_view public_url, std::string_view order_token = {},
                              std::string_view organizer_message = {});
/// With `order_token` (a guest order), the message links to the order's page rather than to the
/// account's tickets.
MessageText hold_expired_text(Event const& event, Registration const& order, User const& holder,
                              std::string_view public_url, std::string_view order_token = {});
MessageText cancellation_text(Event const& event, Registration const& order, User const& holder,
                              std::string_view public_url, std::string_view order_token = {});
MessageText event_cancelled_text(Event const& event, Registration const& order, User const& holder,
                                 std::string_view public_url);
/// Some tickets of an order were cancelled (`tickets`: their holders' names) and `refund_minor`
/// goes back; the order goes on with its other tickets. With `order_token` (a guest order), the
/// message links to the order's page rather than to the account's tickets.
MessageText tickets_cancelled_text(Event const& event, Registration const& order, User const& holder,
                                   std::vector<std::string> const& tickets, std::int64_t refund_minor,
                                   std::string_view public_url, std::string_view order_token = {});
MessageText password_reset_text(User const& account, std::string_view public_url, std::string_view token);
MessageText verification_text(User const& account, std::string_view public_url, std::string_view token);
MessageText staff_invitation_text(Event const& event, std::string_view public_url);
/// Seats held for a waiting-list entry: what, until when (in the event's time zone), and its
/// personal link `{public_url}/waitlist/offers/{entryId}?token={token}`.
MessageText waitlist_offer_text(Event const& event, WaitlistEntry const& entry, std::string_view public_url,
                                std::string_view token);
/// A guest's entry counts once this link is followed: `{public_url}/waitlist/confirm?token={token}`.
MessageText waitlist_confirmation_text(Event const& event, WaitlistEntry const& entry, std::string_view public_url,
                                       std::string_view token);
/// The entry's line closed: the event was cancelled, or it began (the sale is over for good).
MessageText waitlist_closed_text(Event const& event, WaitlistEntry const& entry, std::string_view public_url);

/// The page of a guest order, opened by its token: the token rides in the fragment, which
/// browsers never send to a server (nor to another site in a Referer).
std::string order_link(std::string_view public_url, std::string_view registration_id, std::string_view order_token);

}  // namespace admit
