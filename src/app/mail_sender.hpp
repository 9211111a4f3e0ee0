#pragma once

/// The outbox's sender: claims due messages, writes each (the words of app/mail_messages, the
/// tickets' PDFs and the event's .ics), hands it to the transport and records the outcome —
/// sent, retried later with exponential backoff, or failed with the server's last reply.
/// Several nodes may run one each: a claim goes to one sender, and a sender that dies lets its
/// claim's lease run out for another to retry. Delivery is at least once; every attempt
/// carries the same Message-ID.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "app/ports.hpp"
#include "domain/mail.hpp"

namespace admit {

struct MailSettings {
  MailAddress from;
  std::string message_domain = "localhost";  ///< the Message-ID's right part, and the .ics UID's
  std::string public_url;                    ///< the web app, for links
  RetryPolicy retry;
  RecipientCaps caps;
  int concurrency = 4;  ///< messages in flight at once on this node
  int batch = 8;        ///< messages one claim takes
  /// How long a claimed message is left to its sender before another may retry it; longer
  /// than a delivery can take (the transport's own timeouts are shorter).
  std::chrono::milliseconds lease{std::chrono::minutes(5)};
  std::chrono::milliseconds idle_poll{std::chrono::milliseconds(500)};  ///< checks when nothing was due
  /// While the node is busy serving (see MailSender's `busy`), at most this many messages a
  /// second: a flash sale keeps its CPU, the backlog drains once it is over. Links someone
  /// waits for go first (mail_priority), so even a long sale delays them by a second or less.
  int busy_rate = 3;
};

/// The sender's own figures, for /metrics.
struct MailCounters {
  std::atomic<std::int64_t> sent{0};
  std::atomic<std::int64_t> retried{0};  ///< attempts that failed and will be tried again
  std::atomic<std::int64_t> failed{0};   ///< messages given up
  std::atomic<std::int64_t> dropped{0};  ///< over a recipient's cap
  std::atomic<std::int64_t> skipped{0};  ///< nothing to send (no such account, entity gone)
  std::atomic<std::int64_t> rendered_bytes{0};
};

class MailSender {
 public:
  using MillisecondClock = std::function<MailClock()>;
  /// Whether the node is busy serving requests right now (e.g. many in flight).
  using BusySignal = std::function<bool()>;

  MailSender(MailStore& outbox, UserStore& users, EventStore& events, RegistrationStore& registrations,
             TicketPrinter& printer, MailComposer& composer, MailTransport& transport, MailSettings settings,
             MillisecondClock now = system_millis, BusySignal busy = {});
  ~MailSender();
  MailSender(MailSender const&) = delete;
  MailSender& operator=(MailSender const&) = delete;

  /// Lets the sender write waiting-list messages (offers, confirmations, closings), reading
  /// their entries here. Set before start().
  void render_waitlist_with(WaitlistStore& waitlist) { waitlist_ = &waitlist; }

  /// Starts `settings.concurrency` sending threads.
  void start();
  /// Removes the copies the transport keeps of these delivered messages (outbox ids), for
  /// erasing the person they went to.
  void erase_copies(std::vector<std::string> const& outbox_ids);
  /// Stops the threads after the messages in hand (their outcome is recorded).
  void stop();
  /// A message was queued: look now rather than at the next poll.
  void wake();
  /// Issues a fresh token that opens a guest order (its other tokens keep working), for the
  /// links of messages about the order that carry none of their own (hold expired, cancelled).
  using OrderLinks = std::function<std::string(std::string_view registration_id)>;
  void set_order_links(OrderLinks links) { order_links_ = std::move(links); }

  /// Claims one batch of due messages (at most `limit`; 0: settings.batch) and delivers them on
  /// the calling thread; how many it claimed. What the threads do, callable directly (tests, `admit` commands).
  int send_due(int limit = 0);

  /// Delivers one claimed message and records its outcome.
  void deliver(OutboxMessage const& message);

  MailCounters const& counters() const { return counters_; }
  /// The figures in Prometheus' text format, the outbox's backlog included.
  std::string metrics_text();

  static MailClock system_millis();

 private:
  struct Rendered {
    MailStatus skip = MailStatus::queued;  ///< skipped or dropped: not sent, with `reason`
    std::string reason;
    MailContent content;
  };
  Rendered render(OutboxMessage const& message);
  Rendered render_registration(OutboxMessage const& message, MailAddress& to);
  /// The event as an .ics attachment.
  MailAttachment calendar_of(Event const& event, Timestamp stamp) const;
  void record(OutboxMessage const& message, MailOutcome const& outcome);
  void run(std::stop_token const& stop);
  /// How many messages the next claim may take: a batch while the node is not busy, else 1
  /// once the busy rate allows one more (waiting until then); 0 when stopping.
  int wait_for_turn(std::stop_token const& stop);

  MailStore& outbox_;
  UserStore& users_;
  EventStore& events_;
  WaitlistStore* waitlist_ = nullptr;
  RegistrationStore& registrations_;
  TicketPrinter& printer_;
  MailComposer& composer_;
  MailTransport& transport_;
  MailSettings settings_;
  MillisecondClock now_;
  BusySignal busy_;
  MailCounters counters_;
  std::mutex turn_mutex_;
  std::chrono::steady_clock::time_point next_turn_{};  ///< when the next message may go while busy

  std::mutex mutex_;
  std::condition_variable_any wake_;
  bool woken_ = false;
  std::vector<std::jthread> threads_;
  OrderLinks order_links_;
};

}  // namespace admit
