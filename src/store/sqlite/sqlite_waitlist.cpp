// The waiting list on SQLite: store/waitlist_sql.hpp over the single writer's connection.

#include "base/log.hpp"
#include "store/promo_rows.hpp"
#include "store/sqlite/internal.hpp"
#include "store/waitlist_sql.hpp"

namespace admit {

using sqlite::Connection;
namespace wl = waitlist_sql;

namespace {

/// waitlist_sql's Db on a SQLite connection: `$n` read as `?n`; the single writer needs no lock.
class SqliteWaitlistDb {
 public:
  explicit SqliteWaitlistDb(Connection& db) : db_(db) {}

  wl::Table query(std::string_view sql, std::vector<wl::Value> const& params) {
    auto statement = db_.prepare(placeholders(sql));
    bind(statement, params);
    wl::Table out;
    while (statement.step()) {
      auto const n = statement.columns();
      std::vector<wl::Cell> row;
      row.reserve(static_cast<std::size_t>(n));
      for (int i = 0; i < n; ++i) {
        row.push_back(statement.is_null(i) ? wl::Cell{} : wl::Cell{statement.text(i)});
      }
      out.push_back(std::move(row));
    }
    return out;
  }
  std::int64_t run(std::string_view sql, std::vector<wl::Value> const& params) {
    auto statement = db_.prepare(placeholders(sql));
    bind(statement, params);
    statement.run();
    return db_.changes();
  }
  void lock_event(std::string_view /*event_id*/) {}
  void lock_buyer(std::string_view /*event_id*/, std::string_view /*buyer_id*/) {}
  std::optional<PromoFacts> query_promo_facts(std::string_view code_id, std::string_view buyer_id) {
    auto row = db_.prepare(ADMIT_PROMO_FACTS("?1", "?2"));
    row.bind(1, code_id).bind(2, buyer_id);
    if (!row.step()) return std::nullopt;
    return read_promo_facts(row);
  }
  void queue_mail(OutboxEntry const& entry) { sqlite_detail::queue_mail(db_, entry); }
  void audit(Timestamp at, Actor const& actor, std::string_view action, std::string_view subject_type,
             std::string_view subject_id, std::string_view detail, std::string_view event_id) {
    sqlite_detail::audit(db_, at, actor, action, subject_type, subject_id, detail, event_id);
  }
  void save_guest(GuestBuyer const& guest, Timestamp now) { sqlite_detail::save_guest(db_, guest, now); }
  void insert_tickets(std::vector<Ticket> const& tickets) { sqlite_detail::insert_tickets(db_, tickets); }
  void queue_registration_mail(MailKind kind, std::string_view id, Timestamp now) {
    sqlite_detail::queue_registration_mail(db_, kind, id, now);
  }
  void store_order_link(std::string const& id, OrderLink const& link, std::string const& mail_id, Timestamp now) {
    sqlite_detail::store_order_link(db_, id, link, mail_id, now);
  }

 private:
  static std::string placeholders(std::string_view sql) {
    std::string text(sql);
    for (auto& c : text) {
      if (c == '$') c = '?';
    }
    return text;
  }
  static void bind(sqlite::Statement& statement, std::vector<wl::Value> const& params) {
    for (std::size_t i = 0; i < params.size(); ++i) {
      auto const index = static_cast<int>(i + 1);
      if (auto const* n = std::get_if<std::int64_t>(&params[i])) {
        statement.bind(index, *n);
      } else if (auto const* s = std::get_if<std::string>(&params[i])) {
        statement.bind(index, std::string_view(*s));
      } else {
        statement.bind_null(index);
      }
    }
  }

  Connection& db_;
};

}  // namespace

namespace sqlite_detail {

int offer_freed_seats(Connection& db, std::string const& event_id, Timestamp now, WaitlistConfig const& config) {
  SqliteWaitlistDb w(db);
  return wl::serve(w, event_id, now, config, Actor{});
}

int expire_offers(Connection& db, Timestamp now, WaitlistConfig const& config, std::set<std::string> events) {
  SqliteWaitlistDb w(db);
  auto const ended = wl::expire_offers(w, now, config, events);
  wl::serve_all(w, events, now, config);
  return ended;
}

void close_waitlist(Connection& db, std::string const& event_id, Timestamp now) {
  SqliteWaitlistDb w(db);
  wl::close_all(w, event_id, now);
}

void erase_from_waitlists(Connection& db, std::string const& user_id, std::string const& email, Timestamp now,
                          WaitlistConfig const& config, Actor const& actor) {
  SqliteWaitlistDb w(db);
  wl::erase_person(w, user_id, email, std::string(kErasedName), erased_email(user_id), now, config, actor);
}

}  // namespace sqlite_detail

void SqliteStore::configure_waitlist(WaitlistConfig config) {
  waitlist_ = std::move(config);
}

WaitlistJoinResult SqliteStore::join_waitlist(WaitlistEntry const& entry, Timestamp now, Actor const& actor) {
  return writes_->run([&](Connection& db) {
    SqliteWaitlistDb w(db);
    return wl::join(w, entry, now, waitlist_, actor);
  });
}

std::optional<WaitlistEntry> SqliteStore::confirm_waitlist_entry(std::string_view entry_id, Timestamp now,
                                                                 Actor const& actor) {
  return writes_->run([&](Connection& db) {
    SqliteWaitlistDb w(db);
    return wl::confirm(w, std::string(entry_id), now, waitlist_, actor);
  });
}

std::optional<WaitlistEntry> SqliteStore::find_waitlist_entry(std::string_view entry_id) {
  auto db = reader();
  SqliteWaitlistDb w(*db);
  return wl::find_entry(w, entry_id);
}

std::vector<WaitlistEntry> SqliteStore::list_waitlist(std::string_view event_id, std::int64_t after_seq, int limit) {
  auto db = reader();
  SqliteWaitlistDb w(*db);
  std::vector<WaitlistEntry> out;
  for (auto const& row : w.query("SELECT " ADMIT_WAITLIST_COLUMNS
                                 "FROM waitlist_entries w WHERE w.event_id = $1 AND w.seq > $2 ORDER BY w.seq LIMIT $3",
                                 {std::string(event_id), after_seq, std::int64_t{limit}})) {
    out.push_back(wl::read_entry(row));
  }
  return out;
}

bool SqliteStore::waitlist_paused(std::string_view event_id) {
  auto db = reader();
  SqliteWaitlistDb w(*db);
  auto const rows = w.query("SELECT waitlist_paused FROM events WHERE id = $1", {std::string(event_id)});
  return !rows.empty() && wl::integer(rows.front()[0]) != 0;
}

bool SqliteStore::set_waitlist_paused(std::string_view event_id, bool paused, Timestamp now, Actor const& actor) {
  return writes_->run([&](Connection& db) {
    SqliteWaitlistDb w(db);
    return wl::set_paused(w, std::string(event_id), paused, now, waitlist_, actor);
  });
}

std::vector<WaitlistEntry> SqliteStore::list_user_waitlist(std::string_view user_id) {
  auto db = reader();
  SqliteWaitlistDb w(*db);
  std::vector<WaitlistEntry> out;
  for (auto const& row : w.query("SELECT " ADMIT_WAITLIST_COLUMNS
                                 "FROM waitlist_entries w WHERE w.user_id = $1 OR w.buyer_id IN (SELECT id FROM "
                                 "guest_buyers WHERE user_id = $1) ORDER BY w.created_at DESC, w.seq DESC LIMIT 100",
                                 {std::string(user_id)})) {
    out.push_back(wl::read_entry(row));
  }
  return out;
}

bool SqliteStore::remove_waitlist_entry(std::string_view event_id, std::string_view entry_id, Timestamp now,
                                        Actor const& actor) {
  return writes_->run([&](Connection& db) {
    SqliteWaitlistDb w(db);
    return wl::remove(w, std::string(event_id), std::string(entry_id), now, waitlist_, actor);
  });
}

void SqliteStore::claim_offer(OfferClaimRequest request, Timestamp now, Actor actor,
                              Completion<Result<OfferClaimResult>> done) {
  // Through the writer as an order goes: the calling (I/O) thread never waits for it.
  auto shared = std::make_shared<OfferClaimRequest>(std::move(request));
  auto outcome = std::make_shared<OfferClaim>(OfferClaim::not_available);
  writes_->submit(
      [shared, outcome, now, actor = std::move(actor)](Connection& db) {
        SqliteWaitlistDb w(db);
        *outcome = wl::claim(w, *shared, now, actor);
      },
      [this, shared, outcome, done = std::move(done)](std::exception_ptr const& failure) {
        if (failure) {
          try {
            std::rethrow_exception(failure);
          } catch (std::exception const& e) {
            log::error("claiming an offer failed", {{"error", e.what()}});
          }
          return done(std::unexpected(
              Error{Errc::unavailable, "The database could not record this; nothing was changed. Retry shortly.", {}}));
        }
        OfferClaimResult result{.outcome = *outcome, .detail = {}};
        if (*outcome == OfferClaim::claimed) {
          auto const entry = find_waitlist_entry(shared->entry_id);
          if (entry && entry->registration_id) {
            if (auto detail = find_registration(*entry->registration_id)) result.detail = std::move(*detail);
          }
        }
        done(std::move(result));
      });
}

}  // namespace admit
