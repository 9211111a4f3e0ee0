#include "store/postgres/pg.hpp"

#include <libpq-fe.h>

#include <charconv>

#include "base/encoding.hpp"

namespace admit::pg {

namespace {

/// SQLSTATE classes that mean the server or the connection is gone, not the statement wrong.
bool is_outage(std::string_view sqlstate) {
  return sqlstate.starts_with("08") ||  // connection exception
         sqlstate == "57P01" ||         // admin shutdown
         sqlstate == "57P02" ||         // crash shutdown
         sqlstate == "57P03" ||         // cannot connect now (starting up, shutting down)
         sqlstate == "53300";           // too many connections
}

std::string quote_element(std::string_view item) {
  std::string out = "\"";
  for (char c : item) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

}  // namespace

Param param(std::string_view text) {
  return std::string(text);
}
Param param(std::string const& text) {
  return text;
}
Param param(char const* text) {
  return std::string(text);
}
Param param(std::int64_t value) {
  return std::to_string(value);
}
Param param(std::int32_t value) {
  return std::to_string(value);
}
Param param(std::nullptr_t) {
  return std::nullopt;
}

Param bytes(std::string_view raw) {
  return "\\x" + hex_encode({reinterpret_cast<unsigned char const*>(raw.data()), raw.size()});
}

Param text_array(std::vector<std::string> const& items) {
  std::string out = "{";
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i) out.push_back(',');
    out += quote_element(items[i]);
  }
  out.push_back('}');
  return out;
}

Param text_array(std::vector<std::optional<std::string>> const& items) {
  std::string out = "{";
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i) out.push_back(',');
    out += items[i] ? quote_element(*items[i]) : "NULL";
  }
  out.push_back('}');
  return out;
}

Param int_array(std::vector<std::int64_t> const& items) {
  std::string out = "{";
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i) out.push_back(',');
    out += std::to_string(items[i]);
  }
  out.push_back('}');
  return out;
}

Param int_array(std::vector<std::optional<std::int64_t>> const& items) {
  std::string out = "{";
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i) out.push_back(',');
    out += items[i] ? std::to_string(*items[i]) : "NULL";
  }
  out.push_back('}');
  return out;
}

// ---- results ---------------------------------------------------------------------------

Result::~Result() {
  if (result_) PQclear(result_);
}

int Result::rows() const {
  return PQntuples(result_);
}

int Result::columns() const {
  return PQnfields(result_);
}

int Result::affected() const {
  char const* n = PQcmdTuples(result_);
  int value = 0;
  if (n && *n) std::from_chars(n, n + std::char_traits<char>::length(n), value);
  return value;
}

bool Result::is_null(int row, int column) const {
  return PQgetisnull(result_, row, column) != 0;
}

std::string Result::text(int row, int column) const {
  return std::string(PQgetvalue(result_, row, column), static_cast<std::size_t>(PQgetlength(result_, row, column)));
}

std::int64_t Result::integer(int row, int column) const {
  char const* value = PQgetvalue(result_, row, column);
  std::int64_t out = 0;
  auto const length = static_cast<std::size_t>(PQgetlength(result_, row, column));
  // Booleans come as t/f.
  if (length == 1 && (*value == 't' || *value == 'f')) return *value == 't' ? 1 : 0;
  std::from_chars(value, value + length, out);
  return out;
}

std::optional<std::int64_t> Result::optional_integer(int row, int column) const {
  if (is_null(row, column)) return std::nullopt;
  return integer(row, column);
}

std::optional<std::string> Result::optional_text(int row, int column) const {
  if (is_null(row, column)) return std::nullopt;
  return text(row, column);
}

std::string Result::bytes(int row, int column) const {
  std::size_t length = 0;
  auto* decoded = PQunescapeBytea(reinterpret_cast<unsigned char const*>(PQgetvalue(result_, row, column)), &length);
  if (!decoded) throw std::runtime_error("bytea column could not be decoded");
  std::string out(reinterpret_cast<char const*>(decoded), length);
  PQfreemem(decoded);
  return out;
}

// ---- connections -----------------------------------------------------------------------

Connection::Connection(std::string const& url) {
  // Defaults first: whatever the URL says wins. A statement (or a lock wait) that takes
  // longer than this is an outage, answered with 503, not a request hanging forever.
  char const* keys[] = {"connect_timeout", "application_name", "options", "dbname", nullptr};
  char const* values[] = {"5", "admit", "-c statement_timeout=15000 -c lock_timeout=10000", url.c_str(), nullptr};
  conn_ = PQconnectdbParams(keys, values, 1);
  if (PQstatus(conn_) != CONNECTION_OK) {
    std::string const message = PQerrorMessage(conn_);
    PQfinish(conn_);
    conn_ = nullptr;
    throw Outage("PostgreSQL is not reachable: " + message);
  }
  // Notices ("relation already exists, skipping") are for people at a psql prompt.
  PQsetNoticeProcessor(
      conn_, [](void*, char const*) {}, nullptr);
}

Connection::~Connection() {
  if (conn_) PQfinish(conn_);
}

bool Connection::healthy() const {
  return conn_ && PQstatus(conn_) == CONNECTION_OK;
}

Result Connection::check(pg_result* result, std::string_view sql) {
  auto const status = result ? PQresultStatus(result) : PGRES_FATAL_ERROR;
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return Result(result);
  std::string const message = result ? PQresultErrorMessage(result) : PQerrorMessage(conn_);
  char const* state = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  std::string const sqlstate = state ? state : "";
  if (result) PQclear(result);
  if (PQstatus(conn_) != CONNECTION_OK || is_outage(sqlstate)) {
    throw Outage("PostgreSQL connection failed: " + message);
  }
  throw DatabaseError(message + " [" + std::string(sql.substr(0, 80)) + "]", sqlstate);
}

std::string const& Connection::prepared(std::string const& sql, std::size_t parameters) {
  auto found = prepared_.find(sql);
  if (found == prepared_.end()) {
    auto name = "s" + std::to_string(prepared_.size());
    check(PQprepare(conn_, name.c_str(), sql.c_str(), static_cast<int>(parameters), nullptr), sql);
    found = prepared_.emplace(sql, std::move(name)).first;
  }
  return found->second;
}

namespace {

std::vector<char const*> values_of(std::vector<Param> const& params) {
  std::vector<char const*> values;
  values.reserve(params.size());
  for (auto const& p : params) values.push_back(p ? p->c_str() : nullptr);
  return values;
}

}  // namespace

Result Connection::exec(std::string const& sql, std::vector<Param> const& params) {
  if (!healthy()) throw Outage("PostgreSQL connection lost");
  auto const& name = prepared(sql, params.size());
  auto const values = values_of(params);
  return check(PQexecPrepared(conn_, name.c_str(), static_cast<int>(values.size()), values.data(), nullptr, nullptr, 0),
               sql);
}

std::vector<Result> Connection::pipeline(std::vector<Statement> const& statements) {
  if (!healthy()) throw Outage("PostgreSQL connection lost");
  std::vector<std::string const*> names;
  names.reserve(statements.size());
  for (auto const& s : statements) names.push_back(&prepared(s.sql, s.params.size()));
  if (PQenterPipelineMode(conn_) != 1) throw Outage(std::string("PostgreSQL pipeline: ") + PQerrorMessage(conn_));
  auto const lost = [this] {
    std::string const message = PQerrorMessage(conn_);
    PQexitPipelineMode(conn_);
    return Outage("PostgreSQL connection failed in a pipeline: " + message);
  };
  for (std::size_t i = 0; i < statements.size(); ++i) {
    auto const values = values_of(statements[i].params);
    if (PQsendQueryPrepared(conn_, names[i]->c_str(), static_cast<int>(values.size()), values.data(), nullptr, nullptr,
                            0) != 1) {
      throw lost();
    }
  }
  if (PQpipelineSync(conn_) != 1) throw lost();

  std::vector<Result> results;
  results.reserve(statements.size());
  pg_result* failed = nullptr;
  std::size_t failed_at = 0;
  for (std::size_t i = 0; i < statements.size(); ++i) {
    pg_result* result = PQgetResult(conn_);
    if (!result) {
      if (failed) PQclear(failed);
      throw lost();
    }
    while (pg_result* extra = PQgetResult(conn_)) PQclear(extra);  // up to the NULL that ends this statement
    auto const status = PQresultStatus(result);
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) {
      results.emplace_back(result);
    } else if (!failed && status != PGRES_PIPELINE_ABORTED) {
      failed = result;
      failed_at = i;
      results.emplace_back(nullptr);
    } else {
      PQclear(result);
      results.emplace_back(nullptr);
    }
  }
  pg_result* sync = PQgetResult(conn_);
  bool const synced = sync && PQresultStatus(sync) == PGRES_PIPELINE_SYNC;
  if (sync) PQclear(sync);
  if (!synced) {
    if (failed) PQclear(failed);
    throw lost();
  }
  PQexitPipelineMode(conn_);
  if (failed) check(failed, statements[failed_at].sql);  // throws
  return results;
}

void Connection::exec_script(std::string const& sql) {
  if (!healthy()) throw Outage("PostgreSQL connection lost");
  check(PQexec(conn_, sql.c_str()), sql);
}

// ---- pool ------------------------------------------------------------------------------

Pool::Pool(std::string url, int size, std::chrono::milliseconds wait)
    : url_(std::move(url)), size_(std::max(1, size)), wait_(wait) {}

Pool::Lease::~Lease() {
  if (connection_) pool_->give_back(std::move(connection_));
}

Pool::Lease Pool::acquire() {
  std::unique_lock lock(mutex_);
  if (!returned_.wait_for(lock, wait_, [this] { return !idle_.empty() || open_ < size_; })) {
    throw Outage("every PostgreSQL connection is busy");
  }
  if (!idle_.empty()) {
    auto connection = std::move(idle_.back());
    idle_.pop_back();
    return Lease(*this, std::move(connection));
  }
  ++open_;
  lock.unlock();
  try {
    return Lease(*this, std::make_unique<Connection>(url_));
  } catch (...) {
    std::lock_guard relock(mutex_);
    --open_;
    returned_.notify_one();
    throw;
  }
}

Pool::Stats Pool::stats() const {
  std::lock_guard lock(mutex_);
  return {open_, static_cast<int>(idle_.size())};
}

void Pool::give_back(std::unique_ptr<Connection> connection) {
  std::lock_guard lock(mutex_);
  if (connection->healthy()) {
    idle_.push_back(std::move(connection));
  } else {
    // A broken connection is dropped; the next caller opens a fresh one. All idle ones are
    // likely broken too (the server restarted), so they go as well.
    --open_;
    open_ -= static_cast<int>(idle_.size());
    idle_.clear();
  }
  returned_.notify_one();
}

}  // namespace admit::pg
