#include "store/sqlite/sqlite_store.hpp"
#include "base/thread_name.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <array>
#include <condition_variable>
#include <string>
#include <unordered_map>

#include "base/prometheus.hpp"
#include "base/text.hpp"
#include "store/like_pattern.hpp"
#include "store/migration.hpp"
#include "store/policy.hpp"
#include "store/sqlite/internal.hpp"

namespace admit {

using sqlite::Connection;
using sqlite::Statement;
using sqlite::Transaction;
using sqlite_detail::audit;
using sqlite_detail::seconds;

namespace {

/// Moves the account's token version on and revokes every live refresh token of it: what a
/// revoke, a disable and an enable do, inside the caller's write.
void end_everything_issued(Connection& db, std::string_view user_id, Timestamp now) {
  db.prepare("UPDATE users SET token_version = token_version + 1 WHERE id = ?1").bind(1, user_id).run();
  db.prepare("UPDATE refresh_tokens SET revoked_at = ?1 WHERE user_id = ?2 AND revoked_at IS NULL")
      .bind(1, seconds(now))
      .bind(2, user_id)
      .run();
}

/// Whether the account with `email` is an enabled admin and no other account is one: taking its
/// admin role or disabling it would leave nobody to administer the instance. Read on the
/// writer, so the answer holds for the write that follows it.
bool is_only_enabled_admin(Connection& db, std::string_view email) {
  auto row = db.prepare(
      "SELECT COALESCE(SUM(email = ?1), 0), COUNT(*) FROM users WHERE roles & ?2 <> 0 AND disabled_at IS NULL");
  row.bind(1, email).bind(2, std::int64_t{Roles(Role::admin).bits()});
  row.step();
  return row.integer(0) == 1 && row.integer(1) == 1;
}

/// Writes an address verification token and the message carrying its link.
void insert_verification_token(Connection& db, AccountToken const& t) {
  db.prepare(
        "INSERT INTO email_verification_tokens (token_hash, user_id, email, created_at, expires_at) "
        "VALUES (?1, ?2, ?3, ?4, ?5)")
      .bind(1, t.token_hash)
      .bind(2, t.user_id)
      .bind(3, t.email)
      .bind(4, seconds(t.created_at))
      .bind(5, seconds(t.expires_at))
      .run();
  sqlite_detail::queue_mail(db, t.mail);
}

/// What the text search looks in: every searchable field, case-folded. Newlines keep a match
/// from spanning two fields.
std::string search_text(EventDraft const& d) {
  return fold_case(d.name + "\n" + d.description + "\n" + d.location);
}

}  // namespace

SqliteStore::SqliteStore(std::filesystem::path path) : path_(std::move(path)) {
  if (path_.has_parent_path()) std::filesystem::create_directories(path_.parent_path());
  // The file holds password and token hashes: readable by the owner only. SQLite gives its
  // -wal and -shm files the database file's mode.
  if (int fd = ::open(path_.c_str(), O_CREAT | O_WRONLY | O_CLOEXEC, 0600); fd >= 0) {
    ::fchmod(fd, 0600);
    ::close(fd);
  }
  auto writer = open_connection();
  migrate(*writer);
  // The background checkpointer keeps the log short; this is only a backstop should it stall.
  writer->exec("PRAGMA wal_autocheckpoint = 50000");
  writes_ = std::make_unique<sqlite::WriteQueue>(std::move(writer));
  checkpointer_ = std::jthread([this](std::stop_token const& stop) {
    name_this_thread("admit-checkpt");
    auto connection = open_connection();
    std::mutex mutex;
    std::condition_variable_any wake;
    while (!stop.stop_requested()) {
      {
        std::unique_lock lock(mutex);
        wake.wait_for(lock, stop, std::chrono::milliseconds(250), [] { return false; });
      }
      try {
        connection->exec("PRAGMA wal_checkpoint(PASSIVE)");
        // Busy or failing disk: the writer's own errors will say so; try again later.
        // NOLINTNEXTLINE(bugprone-empty-catch)
      } catch (sqlite::DatabaseError const&) {
      }
    }
  });
}

SqliteStore::~SqliteStore() {
  checkpointer_ = {};  // stop and join before the writer goes
}

std::unique_ptr<Connection> SqliteStore::open_connection() {
  return std::make_unique<Connection>(path_.string());
}

SqliteStore::Reader SqliteStore::reader() {
  {
    std::lock_guard lock(readers_mutex_);
    if (!idle_readers_.empty()) {
      auto connection = std::move(idle_readers_.back());
      idle_readers_.pop_back();
      return Reader(*this, std::move(connection));
    }
  }
  return Reader(*this, open_connection());
}

void SqliteStore::migrate(Connection& db) {
  db.exec(
      "CREATE TABLE IF NOT EXISTS schema_migrations ("
      "version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)");
  std::int64_t current = 0;
  {
    auto row = db.prepare("SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
    if (row.step()) current = row.integer(0);
  }
  auto const& migrations = sqlite_migrations();
  if (!migrations.empty() && current > migrations.back().version) {
    throw sqlite::DatabaseError(
        "the database schema (version " + std::to_string(current) + ") is newer than this admit; upgrade admit instead",
        0);
  }
  for (auto const& m : migrations) {
    if (m.version <= current) continue;
    // A migration that rebuilds a table other tables refer to must run with foreign keys off
    // (SQLite's own procedure for changing a table's constraints); the switch only works
    // outside a transaction. Every reference is checked before the migration commits.
    bool const rebuilds = m.sql.starts_with("-- admit: rebuilds tables");
    if (rebuilds) db.exec("PRAGMA foreign_keys = OFF");
    struct KeysBackOn {
      Connection& db;
      bool off;
      ~KeysBackOn() {
        if (!off) return;
        try {
          db.exec("PRAGMA foreign_keys = ON");
          // The database is failing; the statement after this one reports it.
          // NOLINTNEXTLINE(bugprone-empty-catch)
        } catch (sqlite::DatabaseError const&) {
        }
      }
    } const back_on{db, rebuilds};
    Transaction tx(db);
    db.exec(m.sql);
    if (rebuilds && db.prepare("PRAGMA foreign_key_check").step()) {
      throw sqlite::DatabaseError("migration " + std::string(m.name) + " would leave rows that refer to nothing", 0);
    }
    db.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?1, ?2, unixepoch())")
        .bind(1, m.version)
        .bind(2, m.name)
        .run();
    tx.commit();
  }
}

std::string SqliteStore::metrics_text() const {
  auto const s = writes_->stats();
  std::string out;
  prometheus::TextWriter(out)
      .metric("admit_db_write_batches_total", "counter", "Write transactions committed by the group-commit writer.",
              std::uint64_t{s.batches})
      .metric("admit_db_write_jobs_total", "counter", "Writes carried by those transactions.", std::uint64_t{s.jobs})
      .metric("admit_db_writer_busy_seconds_total", "counter",
              "Time the writer spent in transactions, commits included.",
              std::chrono::nanoseconds(static_cast<std::int64_t>(s.busy_ns)))
      .metric("admit_db_log_syncs_total", "counter",
              "fdatasync calls of the write-ahead log, each acknowledging every batch before it.",
              std::uint64_t{s.syncs})
      .metric("admit_db_log_sync_seconds_total", "counter", "Time spent in those calls.",
              std::chrono::nanoseconds(static_cast<std::int64_t>(s.sync_ns)))
      .metric("admit_db_write_faults_total", "counter",
              "Writes the database refused with a fault (disk full or over the file size limit, I/O error, a lock "
              "held too long); nothing of them was written.",
              std::uint64_t{s.faults});
  return out;
}

int SqliteStore::schema_version() {
  auto db = reader();
  auto row = db->prepare("SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
  return row.step() ? static_cast<int>(row.integer(0)) : 0;
}

bool SqliteStore::ping() {
  try {
    auto db = reader();
    auto row = db->prepare("SELECT 1");
    return row.step();
  } catch (sqlite::DatabaseError const&) {
    return false;
  }
}

// ---- users -----------------------------------------------------------------------------

Result<void> SqliteStore::insert_user(User const& user, std::optional<AccountToken> const& verification,
                                      Actor const& actor) {
  return writes_->run([&](Connection& db) -> Result<void> {
    try {
      db.prepare(
            // Every role of an account made here is granted here.
            "INSERT INTO users (id, email, name, password_hash, roles, created_at, email_verified_at, granted_roles) "
            "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?5)")
          .bind(1, user.id)
          .bind(2, user.email)
          .bind(3, user.name)
          .bind(4, user.password_hash)
          .bind(5, std::int64_t{user.roles.bits()})
          .bind(6, seconds(user.created_at))
          .bind(7,
                user.email_verified_at ? std::optional<std::int64_t>(seconds(*user.email_verified_at)) : std::nullopt)
          .run();
    } catch (sqlite::ConstraintError const&) {
      return fail(Errc::email_taken, "An account with this email already exists.",
                  {{"email", "is already registered"}});
    }
    if (verification) insert_verification_token(db, *verification);
    audit(db, user.created_at, actor, "user.created", "user", user.id);
    return {};
  });
}

std::optional<User> SqliteStore::find_user(std::string_view id) {
  auto db = reader();
  auto row = db->prepare("SELECT " ADMIT_USER_COLUMNS " FROM users WHERE id = ?1");
  row.bind(1, id);
  if (!row.step()) return std::nullopt;
  return read_user(row);
}

std::optional<User> SqliteStore::find_user_by_email(std::string_view email) {
  auto db = reader();
  auto row = db->prepare("SELECT " ADMIT_USER_COLUMNS " FROM users WHERE email = ?1");
  row.bind(1, email);
  if (!row.step()) return std::nullopt;
  return read_user(row);
}

std::optional<User> SqliteStore::set_roles(std::string_view email, Roles roles, Roles granted_here,
                                           Actor const& actor) {
  bool const found = writes_->run([&](Connection& db) {
    auto row = db.prepare(
        "UPDATE users SET granted_roles = (granted_roles | ?3 | (?1 & ~roles)) & ?1, roles = ?1 WHERE email = ?2 "
        "RETURNING id");
    row.bind(1, std::int64_t{roles.bits()}).bind(2, email).bind(3, std::int64_t{granted_here.bits()});
    if (!row.step()) return false;
    auto const id = row.text(0);
    row.run();
    audit(db, std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now()), actor,
          "user.roles_changed", "user", id, role_list(roles));
    return true;
  });
  if (!found) return std::nullopt;
  return find_user_by_email(email);
}

std::optional<AccountState> SqliteStore::account_state(std::string_view user_id) {
  auto db = reader();
  auto row = db->prepare("SELECT token_version, disabled_at IS NOT NULL FROM users WHERE id = ?1");
  row.bind(1, user_id);
  if (!row.step()) return std::nullopt;
  return AccountState{.token_version = row.integer(0), .disabled = row.integer(1) != 0};
}

std::expected<User, AccountRefusal> SqliteStore::revoke_role(std::string_view email, Role role, Timestamp now,
                                                             Actor const& actor, bool keep_an_admin) {
  auto const refused = writes_->run([&](Connection& db) -> std::optional<AccountRefusal> {
    if (keep_an_admin && role == Role::admin && is_only_enabled_admin(db, email)) return AccountRefusal::last_admin;
    auto row = db.prepare(
        "UPDATE users SET roles = roles & ~?1, granted_roles = granted_roles & ~?1 WHERE email = ?2 RETURNING id, "
        "roles");
    row.bind(1, std::int64_t{Roles(role).bits()}).bind(2, email);
    if (!row.step()) return AccountRefusal::not_found;
    auto const id = row.text(0);
    auto const roles = Roles(static_cast<std::uint8_t>(row.integer(1)));
    row.run();
    end_everything_issued(db, id, now);
    audit(db, now, actor, "user.role_revoked", "user", id,
          std::string(role_name(role)) + " (now: " + role_list(roles) + ")");
    return std::nullopt;
  });
  if (refused) return std::unexpected(*refused);
  return changed_user(email);
}

std::expected<User, AccountRefusal> SqliteStore::set_disabled(std::string_view email, bool disabled, Timestamp now,
                                                              Actor const& actor, bool keep_an_admin) {
  auto const refused = writes_->run([&](Connection& db) -> std::optional<AccountRefusal> {
    if (keep_an_admin && disabled && is_only_enabled_admin(db, email)) return AccountRefusal::last_admin;
    if (!disabled) {
      auto erased = db.prepare("SELECT 1 FROM users WHERE email = ?1 AND erased_at IS NOT NULL");
      erased.bind(1, email);
      if (erased.step()) return AccountRefusal::erased;
    }
    // Disabling an account that is already disabled keeps the time it was first disabled.
    auto row = db.prepare(
        "UPDATE users SET disabled_at = CASE WHEN ?1 THEN COALESCE(disabled_at, ?2) END WHERE email = ?3 RETURNING id");
    row.bind(1, std::int64_t{disabled}).bind(2, seconds(now)).bind(3, email);
    if (!row.step()) return AccountRefusal::not_found;
    auto const id = row.text(0);
    row.run();
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
  std::string_view buyer_ids;  ///< SQL: the ids their orders carry, naming ?1 (the id)
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
  {
    auto rows =
        db.prepare("SELECT r.id FROM registrations r JOIN events e ON e.id = r.event_id WHERE r.user_id IN " + buyers +
                   " AND r.status IN " ADMIT_SEAT_HOLDING
                   " AND r.status <> 'offered' AND e.starts_at > ?2 ORDER BY r.registered_at");
    rows.bind(1, who.id).bind(2, seconds(now));
    while (rows.step()) erased.cancelled.push_back(rows.text(0));
  }
  CancellationRequest const request{.by_organizer = true, .reason = "the person's data was erased"};
  for (auto const& id : erased.cancelled) {
    sqlite_detail::cancel_registration_in(db, id, request, now, actor);
    auto row = db.prepare("SELECT status = 'refund_pending' FROM registrations WHERE id = ?1");
    row.bind(1, id);
    if (row.step() && row.integer(0) != 0) erased.refunds_due.push_back(id);
  }
  // Each statement names some of ?1 the id, ?2 address, ?3 erased address, ?4 erased name.
  auto const run = [&](std::string const& sql) {
    auto statement = db.prepare(sql);
    std::array<std::string_view, 4> const values{who.id, who.email, who.erased_address, kErasedName};
    for (std::size_t i = 0; i < values.size(); ++i) {
      if (sql.find("?" + std::to_string(i + 1)) != std::string::npos) {
        statement.bind(static_cast<int>(i + 1), values.at(i));
      }
    }
    statement.run();
  };
  // Audit details that name the person, before their name goes: every row naming the address,
  // and the rows about them (their account, their orders and tickets) naming their name.
  if (!who.name.empty()) {
    db.prepare(
          "UPDATE audit_log SET detail = REPLACE(detail, ?2, ?4) WHERE detail IS NOT NULL AND instr(detail, ?2) > 0 "
          "AND (actor_id = ?1 OR subject_id = ?1 OR subject_id IN (SELECT id FROM registrations WHERE user_id IN " +
          buyers + ") OR subject_id IN (SELECT id FROM tickets WHERE user_id IN " + buyers + "))")
        .bind(1, who.id)
        .bind(2, who.name)
        .bind(4, kErasedName)
        .run();
  }
  run("UPDATE audit_log SET detail = REPLACE(detail, ?2, ?3) WHERE detail IS NOT NULL AND instr(detail, ?2) > 0");
  db.prepare(
        "UPDATE order_tokens SET retired_at = ?2 WHERE retired_at IS NULL AND registration_id IN (SELECT id FROM "
        "registrations WHERE user_id IN " +
        buyers + ")")
      .bind(1, who.id)
      .bind(2, seconds(now))
      .run();
  run("UPDATE registrations SET answers = '{}', attendees = '[]', buyer_name = CASE WHEN buyer_name IS NULL THEN NULL "
      "ELSE ?4 END WHERE user_id IN " +
      buyers);
  run("UPDATE tickets SET holder_name = ?4, holder_email = NULL, answers = '{}' WHERE user_id IN " + buyers +
      " OR holder_email = ?2");
  run("UPDATE guest_buyers SET name = ?4, email = 'erased-' || id || '@erased.invalid' WHERE id IN " + buyers);
  run("DELETE FROM staff_invitations WHERE email = ?2 OR user_id = ?1");
  {
    auto rows = db.prepare(
        "SELECT id FROM mail_outbox WHERE status = 'sent' AND (user_id = ?1 OR recipient = ?2 OR sent_to = ?2)");
    rows.bind(1, who.id).bind(2, who.email);
    while (rows.step()) erased.sent_messages.push_back(rows.text(0));
  }
  run("UPDATE mail_outbox SET recipient = CASE WHEN recipient = '' THEN '' ELSE ?3 END, "
      "sent_to = CASE WHEN sent_to IS NULL THEN NULL ELSE ?3 END, secret = NULL, last_error = NULL, "
      "status = CASE WHEN status IN ('queued', 'retrying') THEN 'skipped' ELSE status END "
      "WHERE user_id = ?1 OR recipient = ?2 OR sent_to = ?2");
  return erased;
}

std::string erasure_counts(ErasedOrders const& erased) {
  return "registrations cancelled: " + std::to_string(erased.cancelled.size()) +
         "; refunds due: " + std::to_string(erased.refunds_due.size());
}

}  // namespace

std::expected<Erasure, AccountRefusal> SqliteStore::erase_user(std::string_view user_id, Timestamp now,
                                                               Actor const& actor, bool keep_an_admin) {
  return writes_->run([&](Connection& db) -> std::expected<Erasure, AccountRefusal> {
    std::string email;
    std::string name;
    {
      auto row = db.prepare("SELECT email, name, erased_at IS NOT NULL FROM users WHERE id = ?1");
      row.bind(1, user_id);
      if (!row.step()) return std::unexpected(AccountRefusal::not_found);
      if (row.integer(2) != 0) return std::unexpected(AccountRefusal::erased);
      email = row.text(0);
      name = row.text(1);
    }
    if (keep_an_admin && is_only_enabled_admin(db, email)) return std::unexpected(AccountRefusal::last_admin);
    auto const erased_address = erased_email(user_id);
    Erasure erasure;
    static_cast<ErasedOrders&>(erasure) = erase_buyer_data(db,
                                                           {.id = user_id,
                                                            .buyer_ids = ADMIT_PERSON_BUYER_IDS("?1"),
                                                            .email = email,
                                                            .name = name,
                                                            .erased_address = erased_address},
                                                           now, actor);
    // Their places in waiting lists go too: live offers end, the next in line is served.
    sqlite_detail::erase_from_waitlists(db, std::string(user_id), email, now, waitlist_, actor);
    db.prepare("UPDATE external_identities SET email = ?2 WHERE user_id = ?1")
        .bind(1, user_id)
        .bind(2, erased_address)
        .run();
    db.prepare("DELETE FROM password_reset_tokens WHERE email = ?1").bind(1, email).run();
    db.prepare("DELETE FROM email_verification_tokens WHERE user_id = ?1").bind(1, user_id).run();
    db.prepare(
          "UPDATE users SET name = ?2, email = ?3, password_hash = '', email_verified_at = NULL, erased_at = ?4, "
          "disabled_at = COALESCE(disabled_at, ?4) WHERE id = ?1")
        .bind(1, user_id)
        .bind(2, kErasedName)
        .bind(3, erased_address)
        .bind(4, seconds(now))
        .run();
    end_everything_issued(db, user_id, now);
    audit(db, now, actor, "user.erased", "user", user_id, erasure_counts(erasure));
    auto row = db.prepare("SELECT " ADMIT_USER_COLUMNS " FROM users WHERE id = ?1");
    row.bind(1, user_id);
    row.step();
    erasure.user = read_user(row);
    return erasure;
  });
}

std::expected<GuestErasure, GuestRefusal> SqliteStore::erase_guest(GuestToErase const& which, Timestamp now,
                                                                   Actor const& actor) {
  return writes_->run([&](Connection& db) -> std::expected<GuestErasure, GuestRefusal> {
    std::string guest_id;
    std::string email;
    std::string name;
    {
      auto row = db.prepare(which.order_id.empty()
                                ? "SELECT id, email, name, user_id IS NOT NULL FROM guest_buyers WHERE email = ?1"
                                : "SELECT g.id, g.email, g.name, g.user_id IS NOT NULL FROM guest_buyers g "
                                  "JOIN registrations r ON r.user_id = g.id WHERE r.id = ?1");
      row.bind(1, which.order_id.empty() ? which.email : which.order_id);
      if (!row.step()) return std::unexpected(GuestRefusal::not_found);
      if (row.integer(3) != 0) return std::unexpected(GuestRefusal::has_account);
      guest_id = row.text(0);
      email = row.text(1);
      name = row.text(2);
    }
    // Erased before: its address is the erased one, which no order can be placed under.
    if (email.ends_with("@erased.invalid")) return std::unexpected(GuestRefusal::not_found);
    auto const erased_address = "erased-" + guest_id + "@erased.invalid";
    GuestErasure erasure;
    static_cast<ErasedOrders&>(erasure) = erase_buyer_data(
        db,
        {.id = guest_id, .buyer_ids = "(SELECT ?1)", .email = email, .name = name, .erased_address = erased_address},
        now, actor);
    // Their places in waiting lists go too: live offers end, the next in line is served.
    sqlite_detail::erase_from_waitlists(db, guest_id, email, now, waitlist_, actor);
    audit(db, now, actor, "guest.erased", "guest", guest_id, erasure_counts(erasure));
    erasure.guest_id = guest_id;
    erasure.erased_at = now;
    return erasure;
  });
}

std::expected<User, AccountRefusal> SqliteStore::changed_user(std::string_view email) {
  auto user = find_user_by_email(email);
  if (!user) return std::unexpected(AccountRefusal::not_found);
  return std::move(*user);
}

void SqliteStore::queue_password_reset(AccountToken const& t) {
  writes_->run([&](Connection& db) {
    db.prepare("INSERT INTO password_reset_tokens (token_hash, email, created_at, expires_at) VALUES (?1, ?2, ?3, ?4)")
        .bind(1, t.token_hash)
        .bind(2, t.email)
        .bind(3, seconds(t.created_at))
        .bind(4, seconds(t.expires_at))
        .run();
    sqlite_detail::queue_mail(db, t.mail);
  });
}

std::optional<std::string> SqliteStore::reset_password(std::string_view token_hash, std::string_view password_hash,
                                                       Timestamp now, Actor const& actor) {
  // Read and write in one job on the single writer: two uses of one token take turns.
  return writes_->run([&](Connection& db) -> std::optional<std::string> {
    std::string user_id, email;
    {
      auto row = db.prepare(
          "SELECT u.id, u.email FROM password_reset_tokens t JOIN users u ON u.email = t.email "
          "WHERE t.token_hash = ?1 AND t.used_at IS NULL AND t.expires_at > ?2 "
          // An account of the external provider has no password here, and gets none by mail.
          "AND NOT EXISTS (SELECT 1 FROM external_identities i WHERE i.user_id = u.id)");
      row.bind(1, token_hash).bind(2, seconds(now));
      if (!row.step()) return std::nullopt;
      user_id = row.text(0);
      email = row.text(1);
      row.run();
    }
    db.prepare("UPDATE password_reset_tokens SET used_at = ?1 WHERE email = ?2 AND used_at IS NULL")
        .bind(1, seconds(now))
        .bind(2, email)
        .run();
    db.prepare("UPDATE users SET password_hash = ?1, email_verified_at = COALESCE(email_verified_at, ?2) WHERE id = ?3")
        .bind(1, password_hash)
        .bind(2, seconds(now))
        .bind(3, user_id)
        .run();
    end_everything_issued(db, user_id, now);
    Actor by = actor;
    if (by.user_id.empty()) by.user_id = user_id;
    audit(db, now, by, "user.password_reset", "user", user_id);
    // The reset link reached the address: that proves it as a verification does.
    sqlite_detail::join_guest_orders(db, user_id, now);
    if (db.changes() > 0) audit(db, now, by, "guest.joined", "user", user_id);
    return user_id;
  });
}

void SqliteStore::queue_email_verification(AccountToken const& t) {
  writes_->run([&](Connection& db) { insert_verification_token(db, t); });
}

std::optional<std::string> SqliteStore::verify_email(std::string_view token_hash, Timestamp now, Actor const& actor) {
  return writes_->run([&](Connection& db) -> std::optional<std::string> {
    std::string user_id;
    {
      auto row = db.prepare(
          "SELECT u.id FROM email_verification_tokens t JOIN users u ON u.id = t.user_id AND u.email = t.email "
          "WHERE t.token_hash = ?1 AND t.used_at IS NULL AND t.expires_at > ?2");
      row.bind(1, token_hash).bind(2, seconds(now));
      if (!row.step()) return std::nullopt;
      user_id = row.text(0);
      row.run();
    }
    db.prepare("UPDATE email_verification_tokens SET used_at = ?1 WHERE user_id = ?2 AND used_at IS NULL")
        .bind(1, seconds(now))
        .bind(2, user_id)
        .run();
    db.prepare("UPDATE users SET email_verified_at = COALESCE(email_verified_at, ?1) WHERE id = ?2")
        .bind(1, seconds(now))
        .bind(2, user_id)
        .run();
    Actor by = actor;
    if (by.user_id.empty()) by.user_id = user_id;
    audit(db, now, by, "user.email_verified", "user", user_id);
    sqlite_detail::join_guest_orders(db, user_id, now);
    if (db.changes() > 0) audit(db, now, by, "guest.joined", "user", user_id);
    return user_id;
  });
}

// ---- refresh sessions ------------------------------------------------------------------

void SqliteStore::insert_session(RefreshSession const& session) {
  writes_->run([&](Connection& db) {
    db.prepare(
          "INSERT INTO refresh_tokens (token_hash, user_id, family_id, issued_at, expires_at) "
          "VALUES (?1, ?2, ?3, ?4, ?5)")
        .bind(1, session.token_hash)
        .bind(2, session.user_id)
        .bind(3, session.family_id)
        .bind(4, seconds(session.issued_at))
        .bind(5, seconds(session.expires_at))
        .run();
  });
}

Rotation SqliteStore::rotate_session(std::string_view old_hash, std::string_view new_hash, Timestamp now,
                                     Timestamp expires_at) {
  // Read and write happen in one job on the single writer, so two refreshes of one token
  // cannot both succeed.
  return writes_->run([&](Connection& db) -> Rotation {
    std::string user_id, family_id;
    {
      auto row = db.prepare(
          "SELECT user_id, family_id, expires_at, used_at IS NOT NULL, revoked_at IS NOT NULL "
          "FROM refresh_tokens WHERE token_hash = ?1");
      row.bind(1, old_hash);
      if (!row.step()) return {RotateOutcome::invalid, {}};
      user_id = row.text(0);
      family_id = row.text(1);
      bool const expired = row.integer(2) <= seconds(now);
      bool const used = row.integer(3) != 0;
      bool const revoked = row.integer(4) != 0;
      row.run();
      if (revoked || expired) return {RotateOutcome::invalid, {}};
      if (used) {
        db.prepare("UPDATE refresh_tokens SET revoked_at = ?1 WHERE family_id = ?2 AND revoked_at IS NULL")
            .bind(1, seconds(now))
            .bind(2, family_id)
            .run();
        audit(db, now, Actor{user_id, {}}, "session.reuse_detected", "user", user_id, family_id);
        return {RotateOutcome::reused, user_id};
      }
    }
    db.prepare("UPDATE refresh_tokens SET used_at = ?1 WHERE token_hash = ?2")
        .bind(1, seconds(now))
        .bind(2, old_hash)
        .run();
    db.prepare(
          "INSERT INTO refresh_tokens (token_hash, user_id, family_id, issued_at, expires_at) "
          "VALUES (?1, ?2, ?3, ?4, ?5)")
        .bind(1, new_hash)
        .bind(2, user_id)
        .bind(3, family_id)
        .bind(4, seconds(now))
        .bind(5, seconds(expires_at))
        .run();
    return {RotateOutcome::rotated, std::move(user_id)};
  });
}

bool SqliteStore::revoke_family(std::string_view token_hash, std::string_view user_id, Timestamp now) {
  return writes_->run([&](Connection& db) {
    db.prepare(
          "UPDATE refresh_tokens SET revoked_at = ?1 WHERE revoked_at IS NULL AND family_id = "
          "(SELECT family_id FROM refresh_tokens WHERE token_hash = ?2 AND user_id = ?3)")
        .bind(1, seconds(now))
        .bind(2, token_hash)
        .bind(3, user_id)
        .run();
    return db.changes() > 0;
  });
}

// ---- events ----------------------------------------------------------------------------

namespace {

/// Binds a type's details to ?3 … ?12, where both the insert and the update of a type take them.
Statement& bind_type_details(Statement& statement, TicketTypeDraft const& d) {
  return statement.bind(3, d.name)
      .bind(4, d.description)
      .bind(5, d.price_minor)
      .bind(6, d.capacity)
      .bind(7, d.sales_start ? std::optional<std::int64_t>(seconds(*d.sales_start)) : std::nullopt)
      .bind(8, d.sales_end ? std::optional<std::int64_t>(seconds(*d.sales_end)) : std::nullopt)
      .bind(9, d.min_per_order)
      .bind(10, d.max_per_order)
      .bind(11, d.hidden ? 1 : 0)
      .bind(12, d.position);
}

void insert_ticket_type(Connection& db, TicketType const& t) {
  auto statement = db.prepare(
      "INSERT INTO ticket_types (id, event_id, name, description, price_minor, capacity, sales_start, sales_end, "
      "min_per_order, max_per_order, hidden, position) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, "
      "?12)");
  statement.bind(1, t.id).bind(2, t.event_id);
  bind_type_details(statement, t.details).run();
}

}  // namespace

void SqliteStore::insert_event(Event const& e, Actor const& actor) {
  writes_->run([&](Connection& db) {
    db
        .prepare("INSERT INTO events (" ADMIT_EVENT_COLUMNS(
            "") ", search_text) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, "
                "?18, ?19)")
        .bind(1, e.id)
        .bind(2, e.organizer_id)
        .bind(3, e.details.name)
        .bind(4, e.details.description)
        .bind(5, seconds(e.details.starts_at))
        .bind(6, e.details.timezone)
        .bind(7, e.details.location)
        .bind(8, e.details.capacity)
        .bind(9, e.registered_count)
        .bind(10, e.details.max_per_attendee)
        .bind(11, e.details.price_minor)
        .bind(12, e.details.currency)
        .bind(13, status_name(e.status))
        .bind(14, seconds(e.created_at))
        .bind(15, seconds(e.updated_at))
        .bind(16, e.details.cancellation_deadline
                      ? std::optional<std::int64_t>(seconds(*e.details.cancellation_deadline))
                      : std::nullopt)
        .bind(17, e.details.hold_seconds)
        .bind(18, e.details.ends_at ? std::optional<std::int64_t>(seconds(*e.details.ends_at)) : std::nullopt)
        .bind(19, search_text(e.details))
        .run();
    for (auto const& t : e.ticket_types) insert_ticket_type(db, t);
    audit(db, e.created_at, actor, "event.created", "event", e.id);
  });
}

std::optional<Event> SqliteStore::find_event(std::string_view id) {
  auto db = reader();
  auto row = db->prepare("SELECT " ADMIT_EVENT_COLUMNS("") " FROM events WHERE id = ?1");
  row.bind(1, id);
  if (!row.step()) return std::nullopt;
  auto event = read_event(row);
  row.run();
  event.ticket_types = sqlite_detail::ticket_types_of(*db, id);
  return event;
}

std::vector<Event> SqliteStore::list_events(EventQuery const& q) {
  // The SQL varies with the filters present; each variant is prepared once per connection.
  std::string sql = "SELECT " ADMIT_EVENT_COLUMNS("") " FROM events WHERE starts_at >= ?1";
  if (q.to) sql += " AND starts_at <= ?2";
  if (!q.any_status) sql += " AND status = 'published'";
  if (q.organizer_id) sql += " AND organizer_id = ?3";
  if (q.text) {
    sql += " AND search_text LIKE ?4 ESCAPE '\\'";
  }
  if (q.after) sql += " AND (starts_at > ?5 OR (starts_at = ?5 AND id > ?6))";
  sql += " ORDER BY starts_at, id LIMIT ?7";

  auto db = reader();
  auto rows = db->prepare(sql);
  rows.bind(1, seconds(q.from));
  if (q.to) rows.bind(2, seconds(*q.to));
  if (q.organizer_id) rows.bind(3, *q.organizer_id);
  if (q.text) rows.bind(4, like_anywhere(fold_case(*q.text)));
  if (q.after) rows.bind(5, seconds(q.after->starts_at)).bind(6, q.after->id);
  rows.bind(7, q.limit);
  std::vector<Event> events;
  while (rows.step()) events.push_back(read_event(rows));
  rows.run();
  // The page's ticket types in one more read, so the listing shows what is sold out per type.
  if (!events.empty()) {
    std::string placeholders;
    for (std::size_t i = 1; i <= events.size(); ++i) placeholders += (i > 1 ? ", ?" : "?") + std::to_string(i);
    auto types = db->prepare("SELECT " ADMIT_TICKET_TYPE_COLUMNS("") " FROM ticket_types WHERE event_id IN (" +
                             placeholders + ") ORDER BY event_id, position, rowid");
    for (std::size_t i = 0; i < events.size(); ++i) types.bind(static_cast<int>(i + 1), events[i].id);
    std::unordered_map<std::string, Event*> by_id;
    for (auto& e : events) by_id[e.id] = &e;
    while (types.step()) {
      auto type = read_ticket_type(types);
      if (auto const found = by_id.find(type.event_id); found != by_id.end()) {
        found->second->ticket_types.push_back(std::move(type));
      }
    }
  }
  return events;
}

EventUpdate SqliteStore::update_event(std::string_view id, EventDraft const& d, Timestamp now, Actor const& actor) {
  return writes_->run([&](Connection& db) {
    db.prepare(
          "UPDATE events SET name = ?2, description = ?3, starts_at = ?4, timezone = ?5, location = ?6, "
          "capacity = ?7, max_per_attendee = ?8, price_minor = ?9, currency = ?10, updated_at = ?11, search_text = "
          "?12, "
          "cancellation_deadline = ?13, hold_seconds = ?14, end_date = ?15 "
          "WHERE id = ?1 AND registered_count <= ?7")
        .bind(1, id)
        .bind(2, d.name)
        .bind(3, d.description)
        .bind(4, seconds(d.starts_at))
        .bind(5, d.timezone)
        .bind(6, d.location)
        .bind(7, d.capacity)
        .bind(8, d.max_per_attendee)
        .bind(9, d.price_minor)
        .bind(10, d.currency)
        .bind(11, seconds(now))
        .bind(12, search_text(d))
        .bind(13,
              d.cancellation_deadline ? std::optional<std::int64_t>(seconds(*d.cancellation_deadline)) : std::nullopt)
        .bind(14, d.hold_seconds)
        .bind(15, d.ends_at ? std::optional<std::int64_t>(seconds(*d.ends_at)) : std::nullopt)
        .run();
    if (db.changes() == 0) {
      auto exists = db.prepare("SELECT 1 FROM events WHERE id = ?1");
      exists.bind(1, id);
      return exists.step() ? EventUpdate::capacity_below_sold : EventUpdate::not_found;
    }
    // The price is the one type's when the event has one; with several it is derived from them.
    db.prepare(
          "UPDATE ticket_types SET price_minor = ?2 WHERE event_id = ?1 AND NOT EXISTS (SELECT 1 FROM ticket_types o "
          "WHERE o.event_id = ?1 AND o.id <> ticket_types.id)")
        .bind(1, id)
        .bind(2, d.price_minor)
        .run();
    db.prepare(ADMIT_REFRESH_EVENT_PRICE("?1")).bind(1, id).run();
    audit(db, now, actor, "event.updated", "event", id);
    sqlite_detail::offer_freed_seats(db, std::string(id), now, waitlist_);  // a raised capacity frees seats
    return EventUpdate::updated;
  });
}

bool SqliteStore::publish_event(std::string_view id, Timestamp now, Actor const& actor) {
  return writes_->run([&](Connection& db) {
    db.prepare("UPDATE events SET status = 'published', updated_at = ?2 WHERE id = ?1 AND status = 'draft'")
        .bind(1, id)
        .bind(2, seconds(now))
        .run();
    bool const changed = db.changes() > 0;
    if (changed) audit(db, now, actor, "event.published", "event", id);
    return changed;
  });
}

bool SqliteStore::cancel_event(std::string_view id, Timestamp now, Actor const& actor) {
  return writes_->run([&](Connection& db) {
    db.prepare("UPDATE events SET status = 'cancelled', updated_at = ?2 WHERE id = ?1 AND status <> 'cancelled'")
        .bind(1, id)
        .bind(2, seconds(now))
        .run();
    bool const changed = db.changes() > 0;
    if (changed) {
      sqlite_detail::close_waitlist(db, std::string(id), now);
      // Every holder is told, then every active registration ends with the event: seats
      // released, tickets void.
      db.prepare(
            "INSERT INTO mail_outbox (id, kind, user_id, registration_id, event_id, paid, message_id, created_at, "
            "next_attempt_at_ms) SELECT 'event_cancelled.' || r.id, 'event_cancelled', r.user_id, r.id, r.event_id, "
            "r.amount_minor > 0, 'event_cancelled.' || r.id, ?2, ?2 * 1000 FROM registrations r "
            "WHERE r.event_id = ?1 AND r.status IN " ADMIT_SEAT_HOLDING " ON CONFLICT (id) DO NOTHING")
          .bind(1, id)
          .bind(2, seconds(now))
          .run();
      sqlite_detail::return_event_promo_uses(db, id);
      db.prepare(
            "UPDATE registrations SET updated_at = ?2, status = CASE WHEN EXISTS (SELECT 1 FROM payments p "
            "WHERE p.registration_id = registrations.id AND p.status = 'succeeded') THEN 'refund_pending' "
            "ELSE 'cancelled' END WHERE event_id = ?1 AND status IN " ADMIT_SEAT_HOLDING)
          .bind(1, id)
          .bind(2, seconds(now))
          .run();
      db.prepare("UPDATE tickets SET status = 'cancelled' WHERE event_id = ?1 AND status = 'valid'").bind(1, id).run();
      db.prepare("UPDATE events SET registered_count = 0 WHERE id = ?1").bind(1, id).run();
      db.prepare("UPDATE ticket_types SET sold = 0 WHERE event_id = ?1").bind(1, id).run();
      audit(db, now, actor, "event.cancelled", "event", id);
    }
    return changed;
  });
}

// ---- ticket types ----------------------------------------------------------------------

TicketTypeChange SqliteStore::add_ticket_type(TicketType const& type, Timestamp now, Actor const& actor) {
  return writes_->run([&](Connection& db) {
    {
      auto row =
          db.prepare("SELECT (SELECT COUNT(*) FROM ticket_types WHERE event_id = e.id) FROM events e WHERE id = ?1");
      row.bind(1, type.event_id);
      if (!row.step()) return TicketTypeChange::not_found;
      if (row.integer(0) >= static_cast<std::int64_t>(TicketTypeDraft::kMaxTypesPerEvent)) {
        return TicketTypeChange::too_many;
      }
    }
    insert_ticket_type(db, type);
    db.prepare(ADMIT_REFRESH_EVENT_PRICE("?1")).bind(1, type.event_id).run();
    audit(db, now, actor, "ticket_type.created", "ticket_type", type.id, type.event_id, type.event_id);
    return TicketTypeChange::done;
  });
}

TicketTypeChange SqliteStore::update_ticket_type(std::string_view event_id, std::string_view type_id,
                                                 TicketTypeDraft const& d, Timestamp now, Actor const& actor) {
  return writes_->run([&](Connection& db) {
    auto statement = db.prepare(
        "UPDATE ticket_types SET name = ?3, description = ?4, price_minor = ?5, capacity = ?6, sales_start = ?7, "
        "sales_end = ?8, min_per_order = ?9, max_per_order = ?10, hidden = ?11, position = ?12 "
        "WHERE id = ?2 AND event_id = ?1 AND (?6 IS NULL OR sold <= ?6)");
    statement.bind(1, event_id).bind(2, type_id);
    bind_type_details(statement, d).run();
    if (db.changes() == 0) {
      auto exists = db.prepare("SELECT 1 FROM ticket_types WHERE id = ?2 AND event_id = ?1");
      exists.bind(1, event_id).bind(2, type_id);
      return exists.step() ? TicketTypeChange::capacity_below_sold : TicketTypeChange::not_found;
    }
    db.prepare(ADMIT_REFRESH_EVENT_PRICE("?1")).bind(1, event_id).run();
    audit(db, now, actor, "ticket_type.updated", "ticket_type", type_id, event_id, event_id);
    sqlite_detail::offer_freed_seats(db, std::string(event_id), now, waitlist_);  // a raised quota frees seats
    return TicketTypeChange::done;
  });
}

TicketTypeChange SqliteStore::delete_ticket_type(std::string_view event_id, std::string_view type_id, Timestamp now,
                                                 Actor const& actor) {
  return writes_->run([&](Connection& db) {
    {
      auto row = db.prepare(
          // Through the event's orders: no index leads with an item's or an order's type.
          "SELECT EXISTS (SELECT 1 FROM registrations r JOIN registration_items i ON i.registration_id = r.id "
          "WHERE r.event_id = ?1 AND i.ticket_type_id = t.id) OR EXISTS (SELECT 1 FROM registrations r WHERE "
          "r.event_id = ?1 AND r.ticket_type_id = t.id), (SELECT COUNT(*) FROM ticket_types o WHERE o.event_id = "
          "t.event_id) FROM ticket_types t WHERE t.id = ?2 AND t.event_id = ?1");
      row.bind(1, event_id).bind(2, type_id);
      if (!row.step()) return TicketTypeChange::not_found;
      if (row.integer(0) != 0) return TicketTypeChange::has_sales;
      if (row.integer(1) <= 1) return TicketTypeChange::last_type;
    }
    db.prepare("DELETE FROM ticket_types WHERE id = ?2 AND event_id = ?1").bind(1, event_id).bind(2, type_id).run();
    db.prepare(ADMIT_REFRESH_EVENT_PRICE("?1")).bind(1, event_id).run();
    audit(db, now, actor, "ticket_type.deleted", "ticket_type", type_id, event_id, event_id);
    return TicketTypeChange::done;
  });
}

// ---- guest orders ----------------------------------------------------------------------

std::optional<GuestBuyer> SqliteStore::find_guest(std::string_view email) {
  auto db = reader();
  auto row = db->prepare("SELECT " ADMIT_GUEST_COLUMNS("") " FROM guest_buyers WHERE email = ?1");
  row.bind(1, email);
  if (!row.step()) return std::nullopt;
  return read_guest(row);
}

std::optional<std::string> SqliteStore::order_of_token(std::string_view token_hash) {
  auto db = reader();
  auto row = db->prepare("SELECT registration_id FROM order_tokens WHERE token_hash = ?1 AND retired_at IS NULL");
  row.bind(1, token_hash);
  if (!row.step()) return std::nullopt;
  return row.text(0);
}

void SqliteStore::issue_order_token(std::string_view registration_id, OrderLink const& fresh, bool retire_others,
                                    std::optional<OutboxEntry> const& mail, Timestamp now) {
  writes_->run([&](Connection& db) {
    if (retire_others) {
      db.prepare("UPDATE order_tokens SET retired_at = ?2 WHERE registration_id = ?1 AND retired_at IS NULL")
          .bind(1, registration_id)
          .bind(2, seconds(now))
          .run();
    }
    if (mail) sqlite_detail::queue_mail(db, *mail);
    sqlite_detail::store_order_link(db, registration_id, fresh, mail ? std::string_view(mail->id) : std::string_view(),
                                    now);
    audit(db, now, Actor{}, retire_others ? "order_token.reissued" : "order_token.issued", "registration",
          registration_id);
  });
}

}  // namespace admit
