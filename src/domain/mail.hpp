#pragma once

/// Email as a business matter: which messages exist, the states of one in the outbox, when a
/// failed delivery is tried again, and how many messages one address may receive. The outbox
/// rows are written by the stores in the transaction that causes them; the sender
/// (app/mail_sender) delivers them.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "domain/time.hpp"

namespace admit {

/// What a message says. The stored names (mail_kind_name) are part of the schema.
enum class MailKind : std::uint8_t {
  registration_confirmed,  ///< the tickets, as PDFs, and the event as .ics
  hold_expired,            ///< an unpaid order ran out and its seats went back on sale
  registration_cancelled,  ///< cancelled by the holder or the organizer (and refunded when paid)
  event_cancelled,         ///< the organizer cancelled the event: every holder is told
  password_reset,          ///< a single-use link to choose a new password
  email_verification,      ///< a link that proves the account owns its address
  staff_invitation,        ///< an invitation to scan an event's tickets at the door
  waitlist_offer,          ///< seats are held for a waiting-list entry: its personal link, until when
  waitlist_confirmation,   ///< a guest's waiting-list entry counts once this link is followed
  waitlist_closed,         ///< the event was cancelled: the entry is closed
  /// some tickets of an order were cancelled (a partial cancellation), and what goes back; its
  /// outbox row's reference is "<refund in minor units>:<the tickets' ids, comma-separated>"
  tickets_cancelled,
};

std::string_view mail_kind_name(MailKind kind);
std::optional<MailKind> parse_mail_kind(std::string_view name);

/// The id of the outbox row a store writes for a registration: one message of each kind per
/// registration (a second write of the same kind changes nothing), and a resend's ids sort
/// after the first confirmation's.
std::string registration_mail_id(MailKind kind, std::string_view registration_id);

/// Whether a message of this kind carries a secret link, which the outbox keeps only until
/// the message has been sent.
bool carries_secret(MailKind kind);

/// The order the sender takes due messages in: 0 before 1. A secret link (reset, verification)
/// is waited for by someone at a screen, so no backlog of confirmations may delay it.
int mail_priority(MailKind kind);

/// A message's state in the outbox. queued → sent; queued → retrying → … → sent | failed;
/// queued → dropped (over the recipient's cap) | skipped (nothing to send, e.g. a reset asked
/// for an address without an account).
enum class MailStatus : std::uint8_t { queued, retrying, sent, failed, dropped, skipped };

std::string_view mail_status_name(MailStatus status);
std::optional<MailStatus> parse_mail_status(std::string_view name);

/// Whether the sender still has work to do for a message in this state.
constexpr bool is_pending(MailStatus status) {
  return status == MailStatus::queued || status == MailStatus::retrying;
}

/// The delivery of a registration's latest confirmation, as its holder and organizer see it.
struct EmailDelivery {
  MailStatus status = MailStatus::queued;  ///< queued, retrying, sent or failed (dropped reads as failed)
  std::int32_t attempts = 0;
  std::string last_error{};            ///< the server's last reply, or why it was not sent; empty: none
  std::optional<Timestamp> sent_at{};  ///< when it was delivered
};

/// How a delivery attempt ended, as the SMTP peer (or the disk) answered.
enum class DeliveryStatus : std::uint8_t {
  delivered,          ///< accepted by the server, or written to the file mailbox
  transient_failure,  ///< 4xx reply, network error, timeout: try again later
  permanent_failure,  ///< 5xx reply: the server refuses the message; trying again will not help
};

/// How long failed deliveries are tried again: after the n-th failure the next attempt waits
/// base × 2^(n-1), capped at max_delay, until give_up_after has passed since the message was
/// queued.
struct RetryPolicy {
  std::chrono::milliseconds base{30'000};
  std::chrono::milliseconds max_delay{std::chrono::hours(1)};
  std::chrono::seconds give_up_after{std::chrono::hours(24)};
};

/// What becomes of a message after a delivery attempt that did not deliver it.
struct AfterFailure {
  MailStatus status;                                                   ///< retrying or failed
  std::chrono::sys_time<std::chrono::milliseconds> next_attempt_at{};  ///< when retrying
};

/// `attempts` counts the attempts made so far, the failed one included (≥ 1).
AfterFailure after_failure(RetryPolicy const& policy, DeliveryStatus failure, std::int32_t attempts,
                           Timestamp queued_at, std::chrono::sys_time<std::chrono::milliseconds> now);

/// How many messages one address may receive. A confirmation of a paid order is never dropped
/// (the buyer paid for what it carries); everything else over a cap is.
struct RecipientCaps {
  std::int32_t per_hour = 20;
  std::int32_t per_day = 100;
};

/// Whether a message of `kind` may go to an address that has received `sent_last_hour` and
/// `sent_last_day` messages; `paid` says whether it confirms a paid order.
bool within_caps(RecipientCaps const& caps, MailKind kind, bool paid, std::int32_t sent_last_hour,
                 std::int32_t sent_last_day);

}  // namespace admit
