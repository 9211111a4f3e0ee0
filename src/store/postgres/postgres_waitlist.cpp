// The waiting list on PostgreSQL: store/waitlist_sql.hpp over one connection, in the caller's
// transaction. Serving a list takes the event's row lock first (as every change of its seats
// does), so nodes serve one event's list one at a time, in joining order.

#include "store/postgres/internal.hpp"
#include "store/postgres/postgres_store.hpp"
#include "store/promo_rows.hpp"
#include "store/waitlist_sql.hpp"

namespace admit {

using pg::Connection;
using pg::param;
namespace wl = waitlist_sql;

namespace {

class PostgresWaitlistDb {
 public:
  explicit PostgresWaitlistDb(Connection& db) : db_(db) {}

  wl::Table query(std::string_view sql, std::vector<wl::Value> const& params) {
    auto const r = db_.exec(std::string(sql), converted(params));
    wl::Table out;
    out.reserve(static_cast<std::size_t>(r.rows()));
    for (int i = 0; i < r.rows(); ++i) {
      std::vector<wl::Cell> row;
      row.reserve(static_cast<std::size_t>(r.columns()));
      for (int c = 0; c < r.columns(); ++c) row.push_back(r.optional_text(i, c));
      out.push_back(std::move(row));
    }
    return out;
  }
  std::int64_t run(std::string_view sql, std::vector<wl::Value> const& params) {
    return db_.exec(std::string(sql), converted(params)).affected();
  }
  void lock_event(std::string_view event_id) {
    db_.exec("SELECT 1 FROM events WHERE id = $1 FOR NO KEY UPDATE", {param(event_id)});
  }
  /// The advisory lock an order of this buyer for this event takes (place_batch).
  void lock_buyer(std::string_view event_id, std::string_view buyer_id) {
    db_.exec("SELECT pg_advisory_xact_lock(1, $1)", {param(pg_detail::attendee_lock_key(event_id, buyer_id))});
  }
  std::optional<PromoFacts> query_promo_facts(std::string_view code_id, std::string_view buyer_id) {
    auto const r = db_.exec(ADMIT_PROMO_FACTS("$1", "$2"), {param(code_id), param(buyer_id)});
    if (r.rows() == 0) return std::nullopt;
    return read_promo_facts(pg::Row(r, 0));
  }
  void queue_mail(OutboxEntry const& entry) { pg_detail::queue_mail(db_, entry); }
  void audit(Timestamp at, Actor const& actor, std::string_view action, std::string_view subject_type,
             std::string_view subject_id, std::string_view detail, std::string_view event_id) {
    pg_detail::audit(db_, at, actor, action, subject_type, subject_id, detail, event_id);
  }
  void save_guest(GuestBuyer const& guest, Timestamp now) {
    auto const statement = pg_detail::guest_rows({guest.id}, {guest.email}, {guest.name}, now);
    db_.exec(statement.sql, statement.params);
  }
  void insert_tickets(std::vector<Ticket> const& tickets) {
    if (!tickets.empty()) pg_detail::insert_tickets(db_, tickets);
  }
  void queue_registration_mail(MailKind kind, std::string_view id, Timestamp now) {
    pg_detail::queue_registration_mail(db_, kind, id, now);
  }
  void store_order_link(std::string const& id, OrderLink const& link, std::string const& mail_id, Timestamp now) {
    // The token rides only in a confirmation queued now; an unpaid order's link comes with its payment.
    pg_detail::store_order_link(db_, id, mail_id.empty() ? OrderLink{.token = {}, .token_hash = link.token_hash} : link,
                                now);
  }

 private:
  static std::vector<pg::Param> converted(std::vector<wl::Value> const& params) {
    std::vector<pg::Param> out;
    out.reserve(params.size());
    for (auto const& value : params) {
      if (auto const* n = std::get_if<std::int64_t>(&value)) {
        out.push_back(param(*n));
      } else if (auto const* s = std::get_if<std::string>(&value)) {
        out.push_back(param(*s));
      } else {
        out.emplace_back(std::nullopt);
      }
    }
    return out;
  }

  Connection& db_;
};

}  // namespace

namespace pg_detail {

int offer_freed_seats(Connection& db, std::string const& event_id, Timestamp now, WaitlistConfig const& config) {
  PostgresWaitlistDb w(db);
  return wl::serve(w, event_id, now, config, Actor{});
}

int expire_offers(Connection& db, Timestamp now, WaitlistConfig const& config, std::set<std::string> events) {
  PostgresWaitlistDb w(db);
  auto const ended = wl::expire_offers(w, now, config, events);
  wl::serve_all(w, events, now, config);
  return ended;
}

void close_waitlist(Connection& db, std::string const& event_id, Timestamp now) {
  PostgresWaitlistDb w(db);
  wl::close_all(w, event_id, now);
}

void erase_from_waitlists(Connection& db, std::string const& user_id, std::string const& email, Timestamp now,
                          WaitlistConfig const& config, Actor const& actor) {
  PostgresWaitlistDb w(db);
  wl::erase_person(w, user_id, email, std::string(kErasedName), erased_email(user_id), now, config, actor);
}

}  // namespace pg_detail

void PostgresStore::configure_waitlist(WaitlistConfig config) {
  waitlist_ = std::move(config);
}

WaitlistJoinResult PostgresStore::join_waitlist(WaitlistEntry const& entry, Timestamp now, Actor const& actor) {
  return pg::transaction(*pool_, [&](Connection& db) {
    PostgresWaitlistDb w(db);
    return wl::join(w, entry, now, waitlist_, actor);
  });
}

std::optional<WaitlistEntry> PostgresStore::confirm_waitlist_entry(std::string_view entry_id, Timestamp now,
                                                                   Actor const& actor) {
  return pg::transaction(*pool_, [&](Connection& db) {
    PostgresWaitlistDb w(db);
    return wl::confirm(w, std::string(entry_id), now, waitlist_, actor);
  });
}

std::optional<WaitlistEntry> PostgresStore::find_waitlist_entry(std::string_view entry_id) {
  auto db = pool_->acquire();
  PostgresWaitlistDb w(*db);
  return wl::find_entry(w, entry_id);
}

std::vector<WaitlistEntry> PostgresStore::list_waitlist(std::string_view event_id, std::int64_t after_seq, int limit) {
  auto db = pool_->acquire();
  PostgresWaitlistDb w(*db);
  std::vector<WaitlistEntry> out;
  for (auto const& row : w.query("SELECT " ADMIT_WAITLIST_COLUMNS
                                 "FROM waitlist_entries w WHERE w.event_id = $1 AND w.seq > $2 ORDER BY w.seq LIMIT $3",
                                 {std::string(event_id), after_seq, std::int64_t{limit}})) {
    out.push_back(wl::read_entry(row));
  }
  return out;
}

bool PostgresStore::waitlist_paused(std::string_view event_id) {
  auto db = pool_->acquire();
  auto const r = db->exec("SELECT waitlist_paused FROM events WHERE id = $1", {param(event_id)});
  return !r.empty() && r.integer(0, 0) != 0;
}

bool PostgresStore::set_waitlist_paused(std::string_view event_id, bool paused, Timestamp now, Actor const& actor) {
  return pg::transaction(*pool_, [&](Connection& db) {
    PostgresWaitlistDb w(db);
    return wl::set_paused(w, std::string(event_id), paused, now, waitlist_, actor);
  });
}

std::vector<WaitlistEntry> PostgresStore::list_user_waitlist(std::string_view user_id) {
  auto db = pool_->acquire();
  PostgresWaitlistDb w(*db);
  std::vector<WaitlistEntry> out;
  for (auto const& row : w.query("SELECT " ADMIT_WAITLIST_COLUMNS
                                 "FROM waitlist_entries w WHERE w.user_id = $1 OR w.buyer_id IN (SELECT id FROM "
                                 "guest_buyers WHERE user_id = $1) ORDER BY w.created_at DESC, w.seq DESC LIMIT 100",
                                 {std::string(user_id)})) {
    out.push_back(wl::read_entry(row));
  }
  return out;
}

bool PostgresStore::remove_waitlist_entry(std::string_view event_id, std::string_view entry_id, Timestamp now,
                                          Actor const& actor) {
  return pg::transaction(*pool_, [&](Connection& db) {
    PostgresWaitlistDb w(db);
    return wl::remove(w, std::string(event_id), std::string(entry_id), now, waitlist_, actor);
  });
}

void PostgresStore::claim_offer(OfferClaimRequest request, Timestamp now, Actor actor,
                                Completion<Result<OfferClaimResult>> done) {
  // On a worker, as the other asynchronous writes: the calling (I/O) thread never waits.
  post([this, request = std::move(request), now, actor = std::move(actor), done = std::move(done)] {
    try {
      auto const outcome = pg::transaction(*pool_, [&](Connection& db) {
        PostgresWaitlistDb w(db);
        return wl::claim(w, request, now, actor);
      });
      OfferClaimResult result{.outcome = outcome, .detail = {}};
      if (outcome == OfferClaim::claimed) {
        auto const entry = find_waitlist_entry(request.entry_id);
        if (entry && entry->registration_id) {
          if (auto detail = find_registration(*entry->registration_id)) result.detail = std::move(*detail);
        }
      }
      done(std::move(result));
    } catch (...) {
      done(std::unexpected(pg_detail::write_failure(std::current_exception(), "claiming a waiting-list offer")));
    }
  });
}

}  // namespace admit
