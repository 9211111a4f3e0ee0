#include "store/postgres/postgres_store.hpp"
#include "base/thread_name.hpp"

#include <string>
#include <unordered_map>

#include "base/log.hpp"
#include "base/prometheus.hpp"
#include "base/text.hpp"
#include "store/migration.hpp"
#include "store/policy.hpp"
#include "store/postgres/internal.hpp"

namespace admit {

using pg::Connection;
using pg::param;
using pg_detail::audit;
using pg_detail::seconds;

namespace {

/// Whether the account with `email` is an enabled admin and no other account is one: taking its
/// admin role or disabling it would leave nobody to administer the instance. The enabled admins'
/// rows are locked first (in id order, so two such changes queue rather than deadlock), and a
/// change waiting for them re-reads them: two admins demoting each other at once leave one.
bool is_only_enabled_admin(Connection& db, std::string_view email) {
  auto const admins =
      db.exec("SELECT email FROM users WHERE roles & $1::integer <> 0 AND disabled_at IS NULL ORDER BY id FOR UPDATE",
              {param(std::int64_t{Roles(Role::admin).bits()})});
  return admins.rows() == 1 && admins.text(0, 0) == email;
}

/// Every node takes this advisory lock while it migrates, so two nodes starting at once do
/// not both apply the same migration.
constexpr std::int64_t kMigrationLock = 0x61646d6974;  // "admit"

/// Moves the account's token version on and revokes every live refresh token of it: what a
/// revoke, a disable and an enable do, inside the caller's transaction.
void end_everything_issued(Connection& db, std::string const& user_id, Timestamp now) {
  db.exec("UPDATE users SET token_version = token_version + 1 WHERE id = $1", {param(user_id)});
  db.exec("UPDATE refresh_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL",
          {param(seconds(now)), param(user_id)});
}

/// Writes an address verification token and the message carrying its link.
void insert_verification_token(Connection& db, AccountToken const& t) {
  db.exec(
      "INSERT INTO email_verification_tokens (token_hash, user_id, email, created_at, expires_at) "
      "VALUES ($1, $2, $3, $4, $5)",
      {param(t.token_hash), param(t.user_id), param(t.email), param(seconds(t.created_at)),
       param(seconds(t.expires_at))});
  pg_detail::queue_mail(db, t.mail);
}

/// What the text search looks in: every searchable field, case-folded (as the SQLite store
/// does, so both engines match the same events).
std::string search_text(EventDraft const& d) {
  return fold_case(d.name + "\n" + d.description + "\n" + d.location);
}

}  // namespace

PostgresStore::PostgresStore(PostgresSettings settings) : settings_(std::move(settings)) {
  pool_ = std::make_unique<pg::Pool>(settings_.url, settings_.pool_size, std::chrono::seconds(5));
  migrate();
  for (int i = 0; i < std::max(1, settings_.workers); ++i) {
    workers_.emplace_back([this](std::stop_token const& stop) {
      name_this_thread("admit-pg-worker");
      while (true) {
        std::function<void()> job;
        {
          std::unique_lock lock(jobs_mutex_);
          if (!jobs_ready_.wait(lock, stop, [this] { return !jobs_.empty(); })) return;
          job = std::move(jobs_.front());
          jobs_.pop_front();
        }
        job();
      }
    });
  }
  for (int i = 0; i < std::max(1, settings_.writers); ++i) {
    registration_writers_.emplace_back([this](std::stop_token const& stop) {
      name_this_thread("admit-pg-writer");
      run_registration_writer(stop);
    });
  }
}

PostgresStore::~PostgresStore() {
  // Writers finish what they took; anything still queued is answered as unavailable.
  registration_writers_.clear();
  workers_.clear();
  for (auto& order : orders_) {
    order.done(std::unexpected(Error{Errc::unavailable, "The server is shutting down; nothing was changed.", {}}));
  }
}

void PostgresStore::post(std::function<void()> job) {
  // The job runs on a worker thread under the span that posted it.
  if (auto const& parent = trace::current(); parent.sampled) {
    job = [parent, job = std::move(job)] {
      trace::Scope const scope(parent);
      job();
    };
  }
  {
    std::lock_guard lock(jobs_mutex_);
    jobs_.push_back(std::move(job));
  }
  jobs_ready_.notify_one();
}

void PostgresStore::migrate() {
  auto db = pool_->acquire();
  db->exec_script(
      "CREATE TABLE IF NOT EXISTS schema_migrations ("
      "version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)");
  db->exec("SELECT pg_advisory_lock($1)", {param(kMigrationLock)});
  try {
    auto const current = db->exec("SELECT COALESCE(MAX(version), 0) FROM schema_migrations").integer(0, 0);
    auto const& migrations = postgres_migrations();
    if (!migrations.empty() && current > migrations.back().version) {
      throw Outage("the database schema (version " + std::to_string(current) +
                   ") is newer than this admit; upgrade admit instead");
    }
    for (auto const& m : migrations) {
      if (m.version <= current) continue;
      db->exec_script("BEGIN");
      try {
        db->exec_script(std::string(m.sql));
        db->exec(
            "INSERT INTO schema_migrations (version, name, applied_at) "
            "VALUES ($1, $2, EXTRACT(EPOCH FROM now())::bigint)",
            {param(std::int64_t{m.version}), param(m.name)});
        db->exec_script("COMMIT");
      } catch (...) {
        if (db->healthy()) db->exec_script("ROLLBACK");
        throw;
      }
      log::info("migrated", {{"version", m.version}, {"name", m.name}});
    }
  } catch (...) {
    if (db->healthy()) db->exec("SELECT pg_advisory_unlock($1)", {param(kMigrationLock)});
    throw;
  }
  db->exec("SELECT pg_advisory_unlock($1)", {param(kMigrationLock)});
}

int PostgresStore::schema_version() {
  auto db = pool_->acquire();
  return static_cast<int>(db->exec("SELECT COALESCE(MAX(version), 0) FROM schema_migrations").integer(0, 0));
}

std::string PostgresStore::metrics_text() const {
  auto const pool = pool_->stats();
  std::string out;
  prometheus::TextWriter(out)
      .metric("admit_db_registration_batches_total", "counter", "Registration batches committed by this node's writer.",
              std::uint64_t{batches_.load()})
      .metric("admit_db_registration_batch_orders_total", "counter", "Orders carried by those batches.",
              std::uint64_t{batched_orders_.load()})
      .metric("admit_db_transaction_retries_total", "counter",
              "Batches run again after a serialization failure, deadlock or key race.",
              std::uint64_t{batch_retries_.load()})
      .metric("admit_db_registration_guard_fallbacks_total", "counter",
              "Optimistic batches that found the seats or the event changed and were decided again under the "
              "event's lock.",
              std::uint64_t{guard_fallbacks_.load()})
      .metric("admit_db_pool_connections", "gauge", "Open PostgreSQL connections of this node.",
              static_cast<std::uint64_t>(pool.open))
      .metric("admit_db_pool_idle_connections", "gauge", "Of those, idle.", static_cast<std::uint64_t>(pool.idle));
  return out;
}

bool PostgresStore::ping() {
  try {
    auto db = pool_->acquire();
    return db->exec("SELECT 1").rows() == 1;
  } catch (std::exception const&) {
    return false;
  }
}

// ---- users -----------------------------------------------------------------------------

Result<void> PostgresStore::insert_user(User const& user, std::optional<AccountToken> const& verification,
                                        Actor const& actor) {
  try {
    pg::transaction(*pool_, [&](Connection& db) {
      db.exec(
          // Every role of an account made here is granted here.
          "INSERT INTO users (id, email, name, password_hash, roles, created_at, email_verified_at, granted_roles) "
          "VALUES ($1, $2, $3, $4, $5, $6, $7, $5)",
          {param(user.id), param(user.email), param(user.name), param(user.password_hash),
           param(std::int64_t{user.roles.bits()}), param(seconds(user.created_at)),
           pg_detail::optional_seconds(user.email_verified_at)});
      if (verification) insert_verification_token(db, *verification);
      audit(db, user.created_at, actor, "user.created", "user", user.id);
    });
  } catch (pg::DatabaseError const& e) {
    if (!e.unique_violation()) throw;
    return fail(Errc::email_taken, "An account with this email already exists.", {{"email", "is already registered"}});
  }
  return {};
}

std::optional<User> PostgresStore::find_user(std::string_view id) {
  auto db = pool_->acquire();
  auto r = db->exec("SELECT " ADMIT_USER_COLUMNS " FROM users WHERE id = $1", {param(id)});
  if (r.empty()) return std::nullopt;
  return read_user(pg::Row(r, 0));
}

std::optional<User> PostgresStore::find_user_by_email(std::string_view email) {
  auto db = pool_->acquire();
  auto r = db->exec("SELECT " ADMIT_USER_COLUMNS " FROM users WHERE email = $1", {param(email)});
  if (r.empty()) return std::nullopt;
  return read_user(pg::Row(r, 0));
}

std::optional<User> PostgresStore::set_roles(std::string_view email, Roles roles, Roles granted_here,
                                             Actor const& actor) {
  bool const found = pg::transaction(*pool_, [&](Connection& db) {
    auto r = db.exec(
        "UPDATE users SET granted_roles = (granted_roles | $3::integer | ($1::integer & ~roles)) & $1::integer, "
        "roles = $1 WHERE email = $2 RETURNING id",
        {param(std::int64_t{roles.bits()}), param(email), param(std::int64_t{granted_here.bits()})});
    if (r.empty()) return false;
    audit(db, std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now()), actor,
          "user.roles_changed", "user", r.text(0, 0), role_list(roles));
    return true;
  });
  if (!found) return std::nullopt;
  return find_user_by_email(email);
}

std::optional<AccountState> PostgresStore::account_state(std::string_view user_id) {
  auto db = pool_->acquire();
  auto r = db->exec("SELECT token_version, (disabled_at IS NOT NULL)::int FROM users WHERE id = $1", {param(user_id)});
  if (r.empty()) return std::nullopt;
  return AccountState{.token_version = r.integer(0, 0), .disabled = r.integer(0, 1) != 0};
}

std::expected<User, AccountRefusal> PostgresStore::revoke_role(std::string_view email, Role role, Timestamp now,
                                                               Actor const& actor, bool keep_an_admin) {
  auto const refused = pg::transaction(*pool_, [&](Connection& db) -> std::optional<AccountRefusal> {
    if (keep_an_admin && role == Role::admin && is_only_enabled_admin(db, email)) return AccountRefusal::last_admin;
    auto r = db.exec(
        "UPDATE users SET roles = roles & ~$1::integer, granted_roles = granted_roles & ~$1::integer WHERE email = $2 "
        "RETURNING id, roles",
        {param(std::int64_t{Roles(role).bits()}), param(email)});
    if (r.empty()) return AccountRefusal::not_found;
    auto const id = r.text(0, 0);
    auto const roles = Roles(static_cast<std::uint8_t>(r.integer(0, 1)));
    end_everything_issued(db, id, now);
    audit(db, now, actor, "user.role_revoked", "user", id,
          std::string(role_name(role)) + " (now: " + role_list(roles) + ")");
    return std::nullopt;
  });
  if (refused) return std::unexpected(*refused);
  return changed_user(email);
}

std::expected<User, AccountRefusal> PostgresStore::set_disabled(std::string_view email, bool disabled, Timestamp now,
                                                                Actor const& actor, bool keep_an_admin) {
  auto const refused = pg::transaction(*pool_, [&](Connection& db) -> std::optional<AccountRefusal> {
    if (keep_an_admin && disabled && is_only_enabled_admin(db, email)) return AccountRefusal::last_admin;
    if (!disabled &&
        db.exec("SELECT 1 FROM users WHERE email = $1 AND erased_at IS NOT NULL", {param(email)}).rows() == 1) {
      return AccountRefusal::erased;
    }
    // Disabling an account that is already disabled keeps the time it was first disabled.
    auto r = db.exec(
        "UPDATE users SET disabled_at = CASE WHEN $1::int = 1 THEN COALESCE(disabled_at, $2::bigint) END "
        "WHERE email = $3 RETURNING id",
        {param(std::int64_t{disabled}), param(seconds(now)), param(email)});
    if (r.empty()) return AccountRefusal::not_found;
    auto const id = r.text(0, 0);
    end_everything_issued(db, id, now);
    audit(db, now, actor, disabled ? "user.disabled" : "user.enabled", "user", id);
    return std::nullopt;
  });
  if (refused) return std::unexpected(*refused);
  return changed_user(email);
}

namespace {

/// Whose data an erasure replaces: an account (with the guest buyers it took over) or a guest
/// buyer no account took over.
struct ErasedBuyer {
  std::string_view id;         ///< the account's or the guest buyer's id
  std::string_view buyer_ids;  ///< SQL: the ids their orders carry, naming $1 (the id)
  std::string_view email;
  std::string_view name;
  std::string_view erased_address;  ///< what the address becomes in audit details and mail
};

/// The part of an erasure an account and a guest buyer share, in the caller's transaction:
/// their orders for events yet to start cancelled as by the organizer, then the name and address
/// replaced in audit details, their orders' answers and holders, the guest buyer records and the
/// outbox, their order tokens retired and their invitations deleted.
ErasedOrders erase_buyer_data(Connection& db, ErasedBuyer const& who, Timestamp now, Actor const& actor) {
  auto const buyers = std::string(who.buyer_ids);
  ErasedOrders erased;
  erased.cancelled = pg_detail::read_all(
      db.exec("SELECT r.id FROM registrations r JOIN events e ON e.id = r.event_id WHERE r.user_id IN " + buyers +
                  " AND r.status IN " ADMIT_SEAT_HOLDING
                  " AND r.status <> 'offered' AND e.starts_at > $2 ORDER BY r.registered_at, r.seq",
              {param(who.id), param(seconds(now))}),
      [](pg::Row const& row) { return row.text(0); });
  CancellationRequest const request{.by_organizer = true, .reason = "the person's data was erased"};
  for (auto const& id : erased.cancelled) {
    pg_detail::cancel_registration_in(db, id, request, now, actor);
    if (db.exec("SELECT 1 FROM registrations WHERE id = $1 AND status = 'refund_pending'", {param(id)}).rows() == 1) {
      erased.refunds_due.push_back(id);
    }
  }
  // Audit details that name the person, before their name goes: every row naming the address,
  // and the rows about them (their account, their orders and tickets) naming their name.
  if (!who.name.empty()) {
    db.exec(
        "UPDATE audit_log SET detail = REPLACE(detail, $2, $3) WHERE detail IS NOT NULL AND strpos(detail, $2) > 0 "
        "AND (actor_id = $1 OR subject_id = $1 OR subject_id IN (SELECT id FROM registrations WHERE user_id IN " +
            buyers + ") OR subject_id IN (SELECT id FROM tickets WHERE user_id IN " + buyers + "))",
        {param(who.id), param(who.name), param(kErasedName)});
  }
  db.exec("UPDATE audit_log SET detail = REPLACE(detail, $1, $2) WHERE detail IS NOT NULL AND strpos(detail, $1) > 0",
          {param(who.email), param(who.erased_address)});
  db.exec(
      "UPDATE order_tokens SET retired_at = $2 WHERE retired_at IS NULL AND registration_id IN (SELECT id FROM "
      "registrations WHERE user_id IN " +
          buyers + ")",
      {param(who.id), param(seconds(now))});
  db.exec(
      "UPDATE registrations SET answers = '{}', attendees = '[]', buyer_name = CASE WHEN buyer_name IS NULL THEN "
      "NULL ELSE $2 END WHERE user_id IN " +
          buyers,
      {param(who.id), param(kErasedName)});
  db.exec("UPDATE tickets SET holder_name = $3, holder_email = NULL, answers = '{}' WHERE user_id IN " + buyers +
              " OR holder_email = $2",
          {param(who.id), param(who.email), param(kErasedName)});
  db.exec("UPDATE guest_buyers SET name = $2, email = 'erased-' || id || '@erased.invalid' WHERE id IN " + buyers,
          {param(who.id), param(kErasedName)});
  db.exec("DELETE FROM staff_invitations WHERE email = $2 OR user_id = $1", {param(who.id), param(who.email)});
  erased.sent_messages = pg_detail::read_all(
      db.exec("SELECT id FROM mail_outbox WHERE status = 'sent' AND (user_id = $1 OR recipient = $2 OR sent_to = $2)",
              {param(who.id), param(who.email)}),
      [](pg::Row const& row) { return row.text(0); });
  db.exec(
      "UPDATE mail_outbox SET recipient = CASE WHEN recipient = '' THEN '' ELSE $3 END, "
      "sent_to = CASE WHEN sent_to IS NULL THEN NULL ELSE $3 END, secret = NULL, last_error = NULL, "
      "status = CASE WHEN status IN ('queued', 'retrying') THEN 'skipped' ELSE status END "
      "WHERE user_id = $1 OR recipient = $2 OR sent_to = $2",
      {param(who.id), param(who.email), param(who.erased_address)});
  return erased;
}

std::string erasure_counts(ErasedOrders const& erased) {
  return "registrations cancelled: " + std::to_string(erased.cancelled.size()) +
         "; refunds due: " + std::to_string(erased.refunds_due.size());
}

}  // namespace

std::expected<Erasure, AccountRefusal> PostgresStore::erase_user(std::string_view user_id, Timestamp now,
                                                                 Actor const& actor, bool keep_an_admin) {
  return pg::transaction(*pool_, [&](Connection& db) -> std::expected<Erasure, AccountRefusal> {
    // The account's row lock makes two erasures of one person queue; the second finds it erased.
    auto const found =
        db.exec("SELECT email, name, erased_at IS NOT NULL FROM users WHERE id = $1 FOR UPDATE", {param(user_id)});
    if (found.empty()) return std::unexpected(AccountRefusal::not_found);
    if (found.text(0, 2) == "t") return std::unexpected(AccountRefusal::erased);
    auto const email = found.text(0, 0);
    auto const name = found.text(0, 1);
    if (keep_an_admin && is_only_enabled_admin(db, email)) return std::unexpected(AccountRefusal::last_admin);
    auto const erased_address = erased_email(user_id);
    Erasure erasure;
    static_cast<ErasedOrders&>(erasure) = erase_buyer_data(db,
                                                           {.id = user_id,
                                                            .buyer_ids = ADMIT_PERSON_BUYER_IDS("$1::text"),
                                                            .email = email,
                                                            .name = name,
                                                            .erased_address = erased_address},
                                                           now, actor);
    // Their places in waiting lists go too: live offers end, the next in line is served.
    pg_detail::erase_from_waitlists(db, std::string(user_id), email, now, waitlist_, actor);
    db.exec("UPDATE external_identities SET email = $2 WHERE user_id = $1", {param(user_id), param(erased_address)});
    db.exec("DELETE FROM password_reset_tokens WHERE email = $1", {param(email)});
    db.exec("DELETE FROM email_verification_tokens WHERE user_id = $1", {param(user_id)});
    db.exec(
        "UPDATE users SET name = $2, email = $3, password_hash = '', email_verified_at = NULL, erased_at = $4, "
        "disabled_at = COALESCE(disabled_at, $4) WHERE id = $1",
        {param(user_id), param(kErasedName), param(erased_address), param(seconds(now))});
    end_everything_issued(db, std::string(user_id), now);
    audit(db, now, actor, "user.erased", "user", user_id, erasure_counts(erasure));
    auto const user = db.exec("SELECT " ADMIT_USER_COLUMNS " FROM users WHERE id = $1", {param(user_id)});
    erasure.user = read_user(pg::Row(user, 0));
    return erasure;
  });
}

std::expected<GuestErasure, GuestRefusal> PostgresStore::erase_guest(GuestToErase const& which, Timestamp now,
                                                                     Actor const& actor) {
  return pg::transaction(*pool_, [&](Connection& db) -> std::expected<GuestErasure, GuestRefusal> {
    // The record's row lock makes two erasures of one guest queue; the second finds it erased.
    auto const found =
        which.order_id.empty()
            ? db.exec("SELECT id, email, name, user_id IS NOT NULL FROM guest_buyers WHERE email = $1 FOR UPDATE",
                      {param(which.email)})
            : db.exec(
                  "SELECT g.id, g.email, g.name, g.user_id IS NOT NULL FROM guest_buyers g "
                  "JOIN registrations r ON r.user_id = g.id WHERE r.id = $1 FOR UPDATE OF g",
                  {param(which.order_id)});
    if (found.empty()) return std::unexpected(GuestRefusal::not_found);
    if (found.text(0, 3) == "t") return std::unexpected(GuestRefusal::has_account);
    auto const guest_id = found.text(0, 0);
    auto const email = found.text(0, 1);
    auto const name = found.text(0, 2);
    // Erased before: its address is the erased one, which no order can be placed under.
    if (email.ends_with("@erased.invalid")) return std::unexpected(GuestRefusal::not_found);
    auto const erased_address = "erased-" + guest_id + "@erased.invalid";
    GuestErasure erasure;
    static_cast<ErasedOrders&>(erasure) = erase_buyer_data(db,
                                                           {.id = guest_id,
                                                            .buyer_ids = "(SELECT $1::text)",
                                                            .email = email,
                                                            .name = name,
                                                            .erased_address = erased_address},
                                                           now, actor);
    // Their places in waiting lists go too: live offers end, the next in line is served.
    pg_detail::erase_from_waitlists(db, guest_id, email, now, waitlist_, actor);
    audit(db, now, actor, "guest.erased", "guest", guest_id, erasure_counts(erasure));
    erasure.guest_id = guest_id;
    erasure.erased_at = now;
    return erasure;
  });
}

std::expected<User, AccountRefusal> PostgresStore::changed_user(std::string_view email) {
  auto user = find_user_by_email(email);
  if (!user) return std::unexpected(AccountRefusal::not_found);
  return std::move(*user);
}

void PostgresStore::queue_password_reset(AccountToken const& t) {
  pg::transaction(*pool_, [&](Connection& db) {
    db.exec("INSERT INTO password_reset_tokens (token_hash, email, created_at, expires_at) VALUES ($1, $2, $3, $4)",
            {param(t.token_hash), param(t.email), param(seconds(t.created_at)), param(seconds(t.expires_at))});
    pg_detail::queue_mail(db, t.mail);
  });
}

std::optional<std::string> PostgresStore::reset_password(std::string_view token_hash, std::string_view password_hash,
                                                         Timestamp now, Actor const& actor) {
  return pg::transaction(*pool_, [&](Connection& db) -> std::optional<std::string> {
    // The conditional update takes the token's row lock: a second use (on any node) waits for
    // the first to commit, then finds the token used and changes nothing.
    auto claimed = db.exec(
        "UPDATE password_reset_tokens t SET used_at = $2 FROM users u "
        "WHERE t.token_hash = $1 AND t.used_at IS NULL AND t.expires_at > $2 AND u.email = t.email "
        // An account of the external provider has no password here, and gets none by mail.
        "AND NOT EXISTS (SELECT 1 FROM external_identities i WHERE i.user_id = u.id) "
        "RETURNING u.id, u.email",
        {param(token_hash), param(seconds(now))});
    if (claimed.empty()) return std::nullopt;
    auto user_id = claimed.text(0, 0);
    auto const email = claimed.text(0, 1);
    db.exec("UPDATE password_reset_tokens SET used_at = $1 WHERE email = $2 AND used_at IS NULL",
            {param(seconds(now)), param(email)});
    db.exec("UPDATE users SET password_hash = $1, email_verified_at = COALESCE(email_verified_at, $2) WHERE id = $3",
            {param(password_hash), param(seconds(now)), param(user_id)});
    end_everything_issued(db, user_id, now);
    Actor by = actor;
    if (by.user_id.empty()) by.user_id = user_id;
    audit(db, now, by, "user.password_reset", "user", user_id);
    // The reset link reached the address: that proves it as a verification does.
    if (pg_detail::join_guest_orders(db, user_id, now)) audit(db, now, by, "guest.joined", "user", user_id);
    return user_id;
  });
}

void PostgresStore::queue_email_verification(AccountToken const& t) {
  pg::transaction(*pool_, [&](Connection& db) { insert_verification_token(db, t); });
}

std::optional<std::string> PostgresStore::verify_email(std::string_view token_hash, Timestamp now, Actor const& actor) {
  return pg::transaction(*pool_, [&](Connection& db) -> std::optional<std::string> {
    auto claimed = db.exec(
        "UPDATE email_verification_tokens t SET used_at = $2 FROM users u "
        "WHERE t.token_hash = $1 AND t.used_at IS NULL AND t.expires_at > $2 AND u.id = t.user_id "
        "AND u.email = t.email RETURNING u.id",
        {param(token_hash), param(seconds(now))});
    if (claimed.empty()) return std::nullopt;
    auto user_id = claimed.text(0, 0);
    db.exec("UPDATE email_verification_tokens SET used_at = $1 WHERE user_id = $2 AND used_at IS NULL",
            {param(seconds(now)), param(user_id)});
    db.exec("UPDATE users SET email_verified_at = COALESCE(email_verified_at, $1) WHERE id = $2",
            {param(seconds(now)), param(user_id)});
    Actor by = actor;
    if (by.user_id.empty()) by.user_id = user_id;
    audit(db, now, by, "user.email_verified", "user", user_id);
    if (pg_detail::join_guest_orders(db, user_id, now)) audit(db, now, by, "guest.joined", "user", user_id);
    return user_id;
  });
}

// ---- refresh sessions ------------------------------------------------------------------

void PostgresStore::insert_session(RefreshSession const& s) {
  auto db = pool_->acquire();
  db->exec(
      "INSERT INTO refresh_tokens (token_hash, user_id, family_id, issued_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
      {param(s.token_hash), param(s.user_id), param(s.family_id), param(seconds(s.issued_at)),
       param(seconds(s.expires_at))});
}

Rotation PostgresStore::rotate_session(std::string_view old_hash, std::string_view new_hash, Timestamp now,
                                       Timestamp expires_at) {
  // The row lock makes two refreshes of one token (on any nodes) take turns: the second
  // sees the token used and revokes the family.
  return pg::transaction(*pool_, [&](Connection& db) -> Rotation {
    auto r = db.exec(
        "SELECT user_id, family_id, expires_at, used_at IS NOT NULL, revoked_at IS NOT NULL "
        "FROM refresh_tokens WHERE token_hash = $1 FOR UPDATE",
        {param(old_hash)});
    if (r.empty()) return {RotateOutcome::invalid, {}};
    auto user_id = r.text(0, 0);
    auto const family_id = r.text(0, 1);
    bool const expired = r.integer(0, 2) <= seconds(now);
    bool const used = r.integer(0, 3) != 0;
    bool const revoked = r.integer(0, 4) != 0;
    if (revoked || expired) return {RotateOutcome::invalid, {}};
    if (used) {
      db.exec("UPDATE refresh_tokens SET revoked_at = $1 WHERE family_id = $2 AND revoked_at IS NULL",
              {param(seconds(now)), param(family_id)});
      audit(db, now, Actor{user_id, {}}, "session.reuse_detected", "user", user_id, family_id);
      return {RotateOutcome::reused, user_id};
    }
    db.exec("UPDATE refresh_tokens SET used_at = $1 WHERE token_hash = $2", {param(seconds(now)), param(old_hash)});
    db.exec(
        "INSERT INTO refresh_tokens (token_hash, user_id, family_id, issued_at, expires_at) "
        "VALUES ($1, $2, $3, $4, $5)",
        {param(new_hash), param(user_id), param(family_id), param(seconds(now)), param(seconds(expires_at))});
    return {RotateOutcome::rotated, std::move(user_id)};
  });
}

bool PostgresStore::revoke_family(std::string_view token_hash, std::string_view user_id, Timestamp now) {
  auto db = pool_->acquire();
  auto r = db->exec(
      "UPDATE refresh_tokens SET revoked_at = $1 WHERE revoked_at IS NULL AND family_id = "
      "(SELECT family_id FROM refresh_tokens WHERE token_hash = $2 AND user_id = $3)",
      {param(seconds(now)), param(token_hash), param(user_id)});
  return r.affected() > 0;
}

// ---- events ----------------------------------------------------------------------------

namespace {

void insert_ticket_type(Connection& db, TicketType const& t) {
  auto const& d = t.details;
  db.exec(
      "INSERT INTO ticket_types (id, event_id, name, description, price_minor, capacity, sales_start, sales_end, "
      "min_per_order, max_per_order, hidden, position) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::boolean, "
      "$12)",
      {param(t.id), param(t.event_id), param(d.name), param(d.description), param(d.price_minor), param(d.capacity),
       pg_detail::optional_seconds(d.sales_start), pg_detail::optional_seconds(d.sales_end), param(d.min_per_order),
       param(d.max_per_order), param(d.hidden ? "true" : "false"), param(d.position)});
}

}  // namespace

void PostgresStore::insert_event(Event const& e, Actor const& actor) {
  pg::transaction(*pool_, [&](Connection& db) {
    db.exec("INSERT INTO events (" ADMIT_EVENT_COLUMNS("")
            ", search_text) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, "
            "$19)",
            {param(e.id), param(e.organizer_id), param(e.details.name), param(e.details.description),
             param(seconds(e.details.starts_at)), param(e.details.timezone), param(e.details.location),
             param(e.details.capacity), param(e.registered_count), param(e.details.max_per_attendee),
             param(e.details.price_minor), param(e.details.currency), param(status_name(e.status)),
             param(seconds(e.created_at)), param(seconds(e.updated_at)),
             pg_detail::optional_seconds(e.details.cancellation_deadline), param(e.details.hold_seconds),
             pg_detail::optional_seconds(e.details.ends_at), param(search_text(e.details))});
    for (auto const& t : e.ticket_types) insert_ticket_type(db, t);
    audit(db, e.created_at, actor, "event.created", "event", e.id);
  });
}

std::optional<Event> PostgresStore::find_event(std::string_view id) {
  auto db = pool_->acquire();
  auto r = db->exec("SELECT " ADMIT_EVENT_COLUMNS("") " FROM events WHERE id = $1", {param(id)});
  if (r.empty()) return std::nullopt;
  auto event = read_event(pg::Row(r, 0));
  event.ticket_types = pg_detail::ticket_types_of(*db, id);
  return event;
}

std::vector<Event> PostgresStore::list_events(EventQuery const& q) {
  // Absent filters are NULL parameters, so one prepared statement serves every query.
  auto db = pool_->acquire();
  auto r = db->exec("SELECT " ADMIT_EVENT_COLUMNS("")
                    " FROM events WHERE starts_at >= $1 AND ($2::bigint IS NULL OR starts_at <= $2) "
                    "AND ($3::boolean OR status = 'published') AND ($4::text IS NULL OR organizer_id = $4) "
                    "AND ($5::text IS NULL OR search_text LIKE $5 ESCAPE '\\') "
                    "AND ($6::bigint IS NULL OR starts_at > $6 OR (starts_at = $6 AND id > $7)) "
                    "ORDER BY starts_at, id LIMIT $8",
                    {param(seconds(q.from)), q.to ? param(seconds(*q.to)) : param(nullptr),
                     param(q.any_status ? "true" : "false"), param(q.organizer_id),
                     q.text ? param(like_anywhere(fold_case(*q.text))) : param(nullptr),
                     q.after ? param(seconds(q.after->starts_at)) : param(nullptr),
                     q.after ? param(q.after->id) : param(""), param(std::int64_t{q.limit})});
  std::vector<Event> events;
  events.reserve(static_cast<std::size_t>(r.rows()));
  for (int i = 0; i < r.rows(); ++i) events.push_back(read_event(pg::Row(r, i)));
  // The page's ticket types in one more read, so the listing shows what is sold out per type.
  if (!events.empty()) {
    std::vector<std::string> ids;
    std::unordered_map<std::string, Event*> by_id;
    for (auto& e : events) {
      ids.push_back(e.id);
      by_id[e.id] = &e;
    }
    auto types = db->exec("SELECT " ADMIT_TICKET_TYPE_COLUMNS("") " FROM ticket_types WHERE event_id = ANY($1::text[]) "
                          "ORDER BY event_id, position, id",
                          {pg::text_array(ids)});
    for (int i = 0; i < types.rows(); ++i) {
      auto type = read_ticket_type(pg::Row(types, i));
      if (auto const found = by_id.find(type.event_id); found != by_id.end()) {
        found->second->ticket_types.push_back(std::move(type));
      }
    }
  }
  return events;
}

EventUpdate PostgresStore::update_event(std::string_view id, EventDraft const& d, Timestamp now, Actor const& actor) {
  return pg::transaction(*pool_, [&](Connection& db) {
    auto r = db.exec(
        "UPDATE events SET name = $2, description = $3, starts_at = $4, timezone = $5, location = $6, "
        "capacity = $7, max_per_attendee = $8, price_minor = $9, currency = $10, updated_at = $11, search_text = $12, "
        "cancellation_deadline = $13, hold_seconds = $14, end_date = $15 WHERE id = $1 AND registered_count <= $7",
        {param(id), param(d.name), param(d.description), param(seconds(d.starts_at)), param(d.timezone),
         param(d.location), param(d.capacity), param(d.max_per_attendee), param(d.price_minor), param(d.currency),
         param(seconds(now)), param(search_text(d)), pg_detail::optional_seconds(d.cancellation_deadline),
         param(d.hold_seconds), pg_detail::optional_seconds(d.ends_at)});
    if (r.affected() == 0) {
      return db.exec("SELECT 1 FROM events WHERE id = $1", {param(id)}).empty() ? EventUpdate::not_found
                                                                                : EventUpdate::capacity_below_sold;
    }
    // The price is the one type's when the event has one; with several it is derived from them.
    db.exec(
        "UPDATE ticket_types SET price_minor = $2 WHERE event_id = $1 AND NOT EXISTS (SELECT 1 FROM ticket_types o "
        "WHERE o.event_id = $1 AND o.id <> ticket_types.id)",
        {param(id), param(d.price_minor)});
    db.exec(ADMIT_REFRESH_EVENT_PRICE("$1"), {param(id)});
    audit(db, now, actor, "event.updated", "event", id);
    pg_detail::offer_freed_seats(db, std::string(id), now, waitlist_);  // a raised capacity frees seats
    return EventUpdate::updated;
  });
}

bool PostgresStore::publish_event(std::string_view id, Timestamp now, Actor const& actor) {
  return pg::transaction(*pool_, [&](Connection& db) {
    auto r = db.exec("UPDATE events SET status = 'published', updated_at = $2 WHERE id = $1 AND status = 'draft'",
                     {param(id), param(seconds(now))});
    if (r.affected() == 0) return false;
    audit(db, now, actor, "event.published", "event", id);
    return true;
  });
}

bool PostgresStore::cancel_event(std::string_view id, Timestamp now, Actor const& actor) {
  return pg::transaction(*pool_, [&](Connection& db) {
    auto r = db.exec(
        "UPDATE events SET status = 'cancelled', registered_count = 0, updated_at = $2 "
        "WHERE id = $1 AND status <> 'cancelled'",
        {param(id), param(seconds(now))});
    if (r.affected() == 0) return false;
    pg_detail::close_waitlist(db, std::string(id), now);
    // Every holder is told, then every active registration ends with the event: seats
    // released, tickets void. The event row's lock (taken above) keeps new registrations out
    // meanwhile.
    db.exec(
        "INSERT INTO mail_outbox (id, kind, user_id, registration_id, event_id, paid, message_id, created_at, "
        "next_attempt_at_ms) SELECT 'event_cancelled.' || r.id, 'event_cancelled', r.user_id, r.id, r.event_id, "
        "CASE WHEN r.amount_minor > 0 THEN 1 ELSE 0 END, 'event_cancelled.' || r.id, $2::bigint, $2::bigint * 1000 "
        "FROM registrations r WHERE r.event_id = $1 AND r.status IN " ADMIT_SEAT_HOLDING " ON CONFLICT (id) DO NOTHING",
        {param(id), param(seconds(now))});
    pg_detail::return_event_promo_uses(db, id);
    db.exec(
        "UPDATE registrations SET updated_at = $2, status = CASE WHEN EXISTS (SELECT 1 FROM payments p "
        "WHERE p.registration_id = registrations.id AND p.status = 'succeeded') THEN 'refund_pending' "
        "ELSE 'cancelled' END WHERE event_id = $1 AND status IN " ADMIT_SEAT_HOLDING,
        {param(id), param(seconds(now))});
    db.exec("UPDATE tickets SET status = 'cancelled' WHERE event_id = $1 AND status = 'valid'", {param(id)});
    db.exec("UPDATE ticket_types SET sold = 0 WHERE event_id = $1", {param(id)});
    audit(db, now, actor, "event.cancelled", "event", id);
    return true;
  });
}

// ---- ticket types ----------------------------------------------------------------------
// Each change locks the event's row first: a type's seats and price change only under it, which
// the registration batches rely on (postgres_registrations.cpp).

TicketTypeChange PostgresStore::add_ticket_type(TicketType const& type, Timestamp now, Actor const& actor) {
  return pg::transaction(*pool_, [&](Connection& db) {
    auto r = db.exec(
        "SELECT (SELECT COUNT(*) FROM ticket_types t WHERE t.event_id = e.id) FROM events e WHERE e.id = $1 "
        "FOR NO KEY UPDATE",
        {param(type.event_id)});
    if (r.empty()) return TicketTypeChange::not_found;
    if (r.integer(0, 0) >= static_cast<std::int64_t>(TicketTypeDraft::kMaxTypesPerEvent)) {
      return TicketTypeChange::too_many;
    }
    insert_ticket_type(db, type);
    db.exec(ADMIT_REFRESH_EVENT_PRICE("$1"), {param(type.event_id)});
    audit(db, now, actor, "ticket_type.created", "ticket_type", type.id, type.event_id, type.event_id);
    return TicketTypeChange::done;
  });
}

TicketTypeChange PostgresStore::update_ticket_type(std::string_view event_id, std::string_view type_id,
                                                   TicketTypeDraft const& d, Timestamp now, Actor const& actor) {
  return pg::transaction(*pool_, [&](Connection& db) {
    if (db.exec("SELECT 1 FROM events WHERE id = $1 FOR NO KEY UPDATE", {param(event_id)}).empty()) {
      return TicketTypeChange::not_found;
    }
    auto r = db.exec(
        "UPDATE ticket_types SET name = $3, description = $4, price_minor = $5, capacity = $6::int, sales_start = $7, "
        "sales_end = $8, min_per_order = $9, max_per_order = $10, hidden = $11::boolean, position = $12 "
        "WHERE id = $2 AND event_id = $1 AND ($6::int IS NULL OR sold <= $6::int)",
        {param(event_id), param(type_id), param(d.name), param(d.description), param(d.price_minor), param(d.capacity),
         pg_detail::optional_seconds(d.sales_start), pg_detail::optional_seconds(d.sales_end), param(d.min_per_order),
         param(d.max_per_order), param(d.hidden ? "true" : "false"), param(d.position)});
    if (r.affected() == 0) {
      return db.exec("SELECT 1 FROM ticket_types WHERE id = $2 AND event_id = $1", {param(event_id), param(type_id)})
                     .empty()
                 ? TicketTypeChange::not_found
                 : TicketTypeChange::capacity_below_sold;
    }
    db.exec(ADMIT_REFRESH_EVENT_PRICE("$1"), {param(event_id)});
    audit(db, now, actor, "ticket_type.updated", "ticket_type", type_id, event_id, event_id);
    pg_detail::offer_freed_seats(db, std::string(event_id), now, waitlist_);  // a raised quota frees seats
    return TicketTypeChange::done;
  });
}

TicketTypeChange PostgresStore::delete_ticket_type(std::string_view event_id, std::string_view type_id, Timestamp now,
                                                   Actor const& actor) {
  return pg::transaction(*pool_, [&](Connection& db) {
    if (db.exec("SELECT 1 FROM events WHERE id = $1 FOR NO KEY UPDATE", {param(event_id)}).empty()) {
      return TicketTypeChange::not_found;
    }
    auto r = db.exec(
        "SELECT EXISTS (SELECT 1 FROM registration_items WHERE ticket_type_id = t.id) OR EXISTS (SELECT 1 FROM "
        "registrations WHERE ticket_type_id = t.id), (SELECT COUNT(*) FROM ticket_types o WHERE o.event_id = "
        "t.event_id) FROM ticket_types t WHERE t.id = $2 AND t.event_id = $1",
        {param(event_id), param(type_id)});
    if (r.empty()) return TicketTypeChange::not_found;
    if (r.integer(0, 0) != 0) return TicketTypeChange::has_sales;
    if (r.integer(0, 1) <= 1) return TicketTypeChange::last_type;
    db.exec("DELETE FROM ticket_types WHERE id = $2 AND event_id = $1", {param(event_id), param(type_id)});
    db.exec(ADMIT_REFRESH_EVENT_PRICE("$1"), {param(event_id)});
    audit(db, now, actor, "ticket_type.deleted", "ticket_type", type_id, event_id, event_id);
    return TicketTypeChange::done;
  });
}

// ---- keys ------------------------------------------------------------------------------

std::vector<EventKey> PostgresStore::event_keys(std::string_view event_id) {
  auto db = pool_->acquire();
  return pg_detail::select_event_keys(*db, event_id);
}

std::vector<EventKey> PostgresStore::add_event_key(std::string_view event_id, EventKey const& key, bool replace_active,
                                                   Actor const& actor) {
  return pg::transaction(*pool_, [&](Connection& db) {
    // The event row's lock serialises key changes of one event across nodes: two nodes
    // issuing the first tickets at once agree on one key.
    db.exec("SELECT 1 FROM events WHERE id = $1 FOR NO KEY UPDATE", {param(event_id)});
    if (!replace_active) {
      if (!db.exec("SELECT 1 FROM event_keys WHERE event_id = $1 AND active = 1", {param(event_id)}).empty()) {
        return pg_detail::select_event_keys(db, event_id);
      }
    } else {
      db.exec("UPDATE event_keys SET active = 0 WHERE event_id = $1", {param(event_id)});
    }
    db.exec(
        "INSERT INTO event_keys (event_id, key_id, public_key, secret_key, created_at, active) "
        "VALUES ($1, $2, $3, $4, $5, 1)",
        {param(event_id), param(std::int64_t{key.key_id}), pg::bytes(key.public_key), pg::bytes(key.secret_key),
         param(seconds(key.created_at))});
    audit(db, key.created_at, actor, "event.scan_key_added", "event", event_id, std::to_string(key.key_id));
    return pg_detail::select_event_keys(db, event_id);
  });
}

std::string PostgresStore::instance_secret(std::string_view name, std::string const& fresh) {
  auto db = pool_->acquire();
  // Whichever node comes first stores its secret; everyone reads that one.
  db->exec(
      "INSERT INTO instance_secrets (name, value, created_at) VALUES ($1, $2, EXTRACT(EPOCH FROM now())::bigint) "
      "ON CONFLICT (name) DO NOTHING",
      {param(name), pg::bytes(fresh)});
  return db->exec("SELECT value FROM instance_secrets WHERE name = $1", {param(name)}).bytes(0, 0);
}

// ---- guest orders ----------------------------------------------------------------------

std::optional<GuestBuyer> PostgresStore::find_guest(std::string_view email) {
  auto db = pool_->acquire();
  auto r = db->exec("SELECT " ADMIT_GUEST_COLUMNS("") " FROM guest_buyers WHERE email = $1", {param(email)});
  if (r.empty()) return std::nullopt;
  return read_guest(pg::Row(r, 0));
}

std::optional<std::string> PostgresStore::order_of_token(std::string_view token_hash) {
  auto db = pool_->acquire();
  auto r = db->exec("SELECT registration_id FROM order_tokens WHERE token_hash = $1 AND retired_at IS NULL",
                    {param(token_hash)});
  if (r.empty()) return std::nullopt;
  return r.text(0, 0);
}

void PostgresStore::issue_order_token(std::string_view registration_id, OrderLink const& fresh, bool retire_others,
                                      std::optional<OutboxEntry> const& mail, Timestamp now) {
  pg::transaction(*pool_, [&](Connection& db) {
    if (retire_others) {
      db.exec("UPDATE order_tokens SET retired_at = $2 WHERE registration_id = $1 AND retired_at IS NULL",
              {param(registration_id), param(seconds(now))});
    }
    if (mail) pg_detail::queue_mail(db, *mail);
    pg_detail::store_order_link(db, std::string(registration_id),
                                OrderLink{.token = {}, .token_hash = fresh.token_hash}, now);
    if (mail && !fresh.token.empty()) {
      db.exec("UPDATE mail_outbox SET secret = $2 WHERE id = $1 AND status = 'queued'",
              {param(mail->id), param(fresh.token)});
    }
    audit(db, now, Actor{}, retire_others ? "order_token.reissued" : "order_token.issued", "registration",
          registration_id);
  });
}

}  // namespace admit
