#include "cli.hpp"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <map>
#include <stdexcept>

namespace admit {

char const* const kUsage = R"(admit — event registration and ticketing

Usage:
  admit serve [flags]              run the HTTP server
  admit migrate [flags]            create or upgrade the database schema, then exit
  admit demo [flags]               load demo accounts and events (once), print their passwords
  admit user role EMAIL ROLE       grant ROLE (organizer or admin) to an existing account
  admit user revoke EMAIL ROLE     take ROLE away; the account's sessions end at once, its access
                                   tokens are refused within seconds on every node
  admit user disable EMAIL         disable an account: sessions end as with revoke, and it cannot
                                   sign in until enabled
  admit user enable EMAIL          let a disabled account sign in again
  admit mail-test --to ADDRESS     send a sample message with the mail settings below; prints the
                                   server's reply; exit 0 delivered, 1 transient failure, 2 refused
  admit backup FILE                one tar archive (FILE.tar, .tar.gz, .tar.zst) of the SQLite database
                                   and the data dir's keys, taken while the server runs, verified
  admit restore FILE               put such an archive back into the data dir (the server stopped);
                                   the files it replaces are kept in DATA_DIR/before-restore-TIME/
  admit version                    print the version
  admit help                       this text

Flags (each overrides the environment variable beside it):
  --listen HOST:PORT        ADMIT_LISTEN             default 127.0.0.1:8080 (port 0 picks a free one)
  --data-dir DIR            ADMIT_DATA_DIR           default ./data (SQLite file, signing keys)
  --database URL            ADMIT_DATABASE_URL       sqlite:///path/file.db or postgresql://user:pass@host:port/db;
                                                     default DIR/admit.db
  --database-pool N         ADMIT_DATABASE_POOL      PostgreSQL connections per node (default 24)
  --database-writers N      ADMIT_DATABASE_WRITERS   PostgreSQL registration batches in flight per node (default 1)
  --public-url URL          ADMIT_PUBLIC_URL         default http://LISTEN (token issuer, links)
  --log-level LEVEL         ADMIT_LOG_LEVEL          debug, info, warn, error; default info
  --rate-limit-auth N       ADMIT_RATE_LIMIT_AUTH    per minute per client on /api/auth/*; default 300; 0 = off
  --rate-limit N            ADMIT_RATE_LIMIT         per second per client elsewhere; default 1000; 0 = off
  --login-failures-per-address N   ADMIT_LOGIN_FAILURES_PER_ADDRESS  failed sign-ins to one email from one
                                   address before it waits 1 s, 2 s, 4 s …; default 5; 0 = off
  --login-failures-per-account N   ADMIT_LOGIN_FAILURES_PER_ACCOUNT  … from all addresses together before
                                   addresses that have not signed in to it lately wait; default 20; 0 = off
  --login-max-delay-per-address S  ADMIT_LOGIN_MAX_DELAY_PER_ADDRESS the longest such wait; default 900
  --login-max-delay-per-account S  ADMIT_LOGIN_MAX_DELAY_PER_ACCOUNT the longest such wait; default 60
  --trusted-proxies LIST    ADMIT_TRUSTED_PROXIES    comma-separated proxy addresses or CIDR ranges (10.0.0.0/8)
                                                     whose X-Forwarded-For is believed
  --max-connections-per-client N  ADMIT_MAX_CONNECTIONS_PER_CLIENT  open connections from one address;
                                                     default 512; 0 = off; trusted proxies are exempt
  --max-connections N       ADMIT_MAX_CONNECTIONS    open connections in all; default: the file descriptor
                                                     limit less a reserve
  --header-timeout-seconds N  ADMIT_HEADER_TIMEOUT_SECONDS  for a new connection's first request header;
                                                     default 10
  --metrics-listen HOST:PORT  ADMIT_METRICS_LISTEN   serve /metrics there (plain HTTP), not on --listen
  --cors-origins LIST       ADMIT_CORS_ORIGINS       comma-separated origins allowed to call the API from a browser
  --tls-cert FILE           ADMIT_TLS_CERT           PEM certificate chain; with --tls-key serves HTTPS (+HSTS)
  --tls-key FILE            ADMIT_TLS_KEY            PEM private key
  --threads N               ADMIT_THREADS            I/O threads; default one per core
  --max-body-bytes N        ADMIT_MAX_BODY_BYTES     default 1048576
  --argon2-memory-kib N     ADMIT_ARGON2_MEMORY_KIB  password hashing memory; default 19456 (OWASP)
  --web-dir DIR             ADMIT_WEB_DIR            the built web app served at /; default web/dist
  --hold-seconds N          ADMIT_HOLD_SECONDS       seats held for an unpaid registration; default 900
  --max-unpaid-holds-per-client N  ADMIT_MAX_UNPAID_HOLDS_PER_CLIENT
                                                     open unpaid orders one client address may have for one
                                                     event; default 200; 0 = off; trusted proxies exempt
  --guest-orders-per-hour N ADMIT_GUEST_ORDERS_PER_HOUR  orders without an account one client address may
                                                     place per hour; default 30; 0 = off; trusted proxies exempt
  --promo-attempts-per-hour N  ADMIT_PROMO_ATTEMPTS_PER_HOUR
                                                     wrong promo codes one client address, and one account,
                                                     may try per hour; default 20; 0 = off
  --guest-open-orders-per-email N  ADMIT_GUEST_OPEN_ORDERS_PER_EMAIL
                                                     unpaid guest orders of one event one buyer address may
                                                     have open at once; default 1
  --download-url-ttl N      ADMIT_DOWNLOAD_URL_TTL   seconds a ticket PDF link works; default 600
  --config FILE             ADMIT_CONFIG             KEY=VALUE file with the ADMIT_* names above
  --payment-provider NAME   ADMIT_PAYMENT_PROVIDER   sandbox (default) or stripe
  --stripe-publishable-key KEY  ADMIT_STRIPE_PUBLISHABLE_KEY  Stripe's pk_… key the browser's card form uses
  ADMIT_STRIPE_API_BASE, ADMIT_STRIPE_SECRET_KEY, ADMIT_STRIPE_WEBHOOK_SECRET: Stripe settings
  --smtp-url URL            ADMIT_SMTP_URL           smtp://user:pass@host:587 (STARTTLS, required with
                                                     credentials) or smtps://…:465; unset: every message is
                                                     written as an .eml file under DATA_DIR/mail/
  --smtp-ca-file FILE       ADMIT_SMTP_CA_FILE       extra trusted root certificates (PEM) for the SMTP server
  --mail-from ADDRESS       ADMIT_MAIL_FROM          the sender; default "Admit <admit@localhost>"
  --mail-retry-base-ms N    ADMIT_MAIL_RETRY_BASE_MS first retry after a failed delivery; doubles each time,
                                                     at most an hour; default 30000
  --mail-give-up-seconds N  ADMIT_MAIL_GIVE_UP_SECONDS  a message undelivered this long fails; default 86400
  --mail-concurrency N      ADMIT_MAIL_CONCURRENCY   messages one node delivers at once; default 4
  --mail-lease-seconds N    ADMIT_MAIL_LEASE_SECONDS a message claimed by a node that died is retried by
                                                     another after this; default 300
  --mail-cap-per-hour N     ADMIT_MAIL_CAP_PER_HOUR  messages one address may receive per hour; default 20
  --mail-cap-per-day N      ADMIT_MAIL_CAP_PER_DAY   … per day; default 100 (paid confirmations always go)
  --require-verified-organizers B  ADMIT_REQUIRE_VERIFIED_ORGANIZERS  1: organizers must verify their
                                                     address before selling paid tickets; default 0
  --backup-dir DIR          ADMIT_BACKUP_DIR         take scheduled backups there (SQLite); default: none
  --backup-interval T       ADMIT_BACKUP_INTERVAL    between them: seconds, or 90s, 15m, 1h, 1d; default 1h
  --backup-keep N           ADMIT_BACKUP_KEEP        how many to keep, the newest; default 24
  ADMIT_OIDC_ISSUER, ADMIT_OIDC_CLIENT_ID, ADMIT_OIDC_CLIENT_SECRET: sign-in through an external OpenID
                                                     provider (authorization code + PKCE); unset: none
  ADMIT_OIDC_ROLES_CLAIM    the ID token's claim listing the person's groups; default cognito:groups
  ADMIT_OIDC_ROLE_MAP       GROUP=ROLE,… e.g. Organizers=organizer,Attendees=attendee,Admins=admin
  ADMIT_OIDC_DISPLAY_NAME   the web app's button reads "Sign in with …"; default "single sign-on"
  ADMIT_OIDC_ACCEPT_ACCESS_TOKENS B  1: the provider's own JWT access tokens work as bearer tokens
  ADMIT_LOCAL_ACCOUNTS B    0: no sign-up, password log-in or reset (external sign-in only); default 1
  --otlp-endpoint URL       ADMIT_OTLP_ENDPOINT      an OTLP/HTTP collector (http://host:4318): spans are
                                                     POSTed to URL/v1/traces; unset: no tracing
  --otlp-sample-ratio R     ADMIT_OTLP_SAMPLE_RATIO  share of new traces recorded, 0 to 1; default 1 (a
                                                     caller's traceparent decides for its own traces)
  --otlp-queue-size N       ADMIT_OTLP_QUEUE_SIZE    finished spans waiting for the exporter; beyond them
                                                     spans are dropped (and counted); default 4096
)";

namespace {

bool parse_switch(char const* name, std::string const& v) {
  if (v != "0" && v != "1" && v != "true" && v != "false") {
    throw std::invalid_argument(std::string(name) + " must be 1, 0, true or false, not '" + v + "'");
  }
  return v == "1" || v == "true";
}

std::vector<std::string> split_list(std::string const& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    auto const comma = text.find(',', start);
    auto item = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    while (!item.empty() && item.front() == ' ') item.erase(item.begin());
    while (!item.empty() && item.back() == ' ') item.pop_back();
    if (!item.empty()) out.push_back(item);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

template <class Number>
Number parse_number(std::string const& name, std::string const& text) {
  Number value{};
  auto const [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || value < 0) {
    throw std::invalid_argument(name + " must be a non-negative number, not '" + text + "'");
  }
  return value;
}

/// A duration: a bare number of seconds as elsewhere, or one with a unit (90s, 15m, 1h, 1d).
unsigned parse_interval(std::string const& name, std::string const& text) {
  std::string digits = text;
  std::uint64_t unit = 1;
  if (!digits.empty()) {
    switch (digits.back()) {
      case 'm': unit = 60; break;
      case 'h': unit = 3600; break;
      case 'd': unit = 86400; break;
      default: break;
    }
    if (unit != 1 || digits.back() == 's') digits.pop_back();
  }
  std::uint64_t value = 0;
  auto const [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (digits.empty() || ec != std::errc{} || end != digits.data() + digits.size() || value == 0 ||
      value > 365ULL * 86400 / unit) {
    throw std::invalid_argument(name + " must be a duration from 1 second to a year (3600, 90s, 15m, 1h, 1d), not '" +
                                text + "'");
  }
  return static_cast<unsigned>(value * unit);
}

using Setter = std::function<void(Config&, std::string const&)>;

/// Every setting by its environment name, with the flag that overrides it.
struct Setting {
  std::string env;
  std::string flag;
  Setter set;
};

std::vector<Setting> const& settings() {
  static std::vector<Setting> const list{
      {"ADMIT_LISTEN", "--listen", [](Config& c, std::string const& v) { c.listen = v; }},
      {"ADMIT_DATA_DIR", "--data-dir", [](Config& c, std::string const& v) { c.data_dir = v; }},
      {"ADMIT_DATABASE_URL", "--database", [](Config& c, std::string const& v) { c.database_url = v; }},
      {"ADMIT_DATABASE_POOL", "--database-pool",
       [](Config& c, std::string const& v) { c.database_pool = parse_number<unsigned>("ADMIT_DATABASE_POOL", v); }},
      {"ADMIT_DATABASE_WRITERS", "--database-writers",
       [](Config& c, std::string const& v) {
         c.database_writers = parse_number<unsigned>("ADMIT_DATABASE_WRITERS", v);
       }},
      {"ADMIT_PUBLIC_URL", "--public-url", [](Config& c, std::string const& v) { c.public_url = v; }},
      {"ADMIT_LOG_LEVEL", "--log-level", [](Config& c, std::string const& v) { c.log_level = v; }},
      {"ADMIT_RATE_LIMIT_AUTH", "--rate-limit-auth",
       [](Config& c, std::string const& v) { c.rate_limit_auth = parse_number<double>("ADMIT_RATE_LIMIT_AUTH", v); }},
      {"ADMIT_RATE_LIMIT", "--rate-limit",
       [](Config& c, std::string const& v) { c.rate_limit = parse_number<double>("ADMIT_RATE_LIMIT", v); }},
      {"ADMIT_LOGIN_FAILURES_PER_ADDRESS", "--login-failures-per-address",
       [](Config& c, std::string const& v) {
         c.login_failures_per_address = parse_number<unsigned>("ADMIT_LOGIN_FAILURES_PER_ADDRESS", v);
       }},
      {"ADMIT_LOGIN_FAILURES_PER_ACCOUNT", "--login-failures-per-account",
       [](Config& c, std::string const& v) {
         c.login_failures_per_account = parse_number<unsigned>("ADMIT_LOGIN_FAILURES_PER_ACCOUNT", v);
       }},
      {"ADMIT_LOGIN_MAX_DELAY_PER_ADDRESS", "--login-max-delay-per-address",
       [](Config& c, std::string const& v) {
         c.login_max_delay_per_address = parse_number<unsigned>("ADMIT_LOGIN_MAX_DELAY_PER_ADDRESS", v);
       }},
      {"ADMIT_LOGIN_MAX_DELAY_PER_ACCOUNT", "--login-max-delay-per-account",
       [](Config& c, std::string const& v) {
         c.login_max_delay_per_account = parse_number<unsigned>("ADMIT_LOGIN_MAX_DELAY_PER_ACCOUNT", v);
       }},
      {"ADMIT_TRUSTED_PROXIES", "--trusted-proxies",
       [](Config& c, std::string const& v) { c.trusted_proxies = split_list(v); }},
      {"ADMIT_MAX_CONNECTIONS_PER_CLIENT", "--max-connections-per-client",
       [](Config& c, std::string const& v) {
         c.max_connections_per_client = parse_number<std::size_t>("ADMIT_MAX_CONNECTIONS_PER_CLIENT", v);
       }},
      {"ADMIT_MAX_CONNECTIONS", "--max-connections",
       [](Config& c, std::string const& v) {
         c.max_connections = parse_number<std::size_t>("ADMIT_MAX_CONNECTIONS", v);
       }},
      {"ADMIT_HEADER_TIMEOUT_SECONDS", "--header-timeout-seconds",
       [](Config& c, std::string const& v) {
         c.header_timeout_seconds = parse_number<unsigned>("ADMIT_HEADER_TIMEOUT_SECONDS", v);
         if (c.header_timeout_seconds == 0)
           throw std::invalid_argument("ADMIT_HEADER_TIMEOUT_SECONDS must be at least 1");
       }},
      {"ADMIT_METRICS_LISTEN", "--metrics-listen", [](Config& c, std::string const& v) { c.metrics_listen = v; }},
      {"ADMIT_CORS_ORIGINS", "--cors-origins", [](Config& c, std::string const& v) { c.cors_origins = split_list(v); }},
      {"ADMIT_TLS_CERT", "--tls-cert", [](Config& c, std::string const& v) { c.tls_cert = v; }},
      {"ADMIT_TLS_KEY", "--tls-key", [](Config& c, std::string const& v) { c.tls_key = v; }},
      {"ADMIT_THREADS", "--threads",
       [](Config& c, std::string const& v) { c.threads = parse_number<unsigned>("ADMIT_THREADS", v); }},
      {"ADMIT_MAX_BODY_BYTES", "--max-body-bytes",
       [](Config& c, std::string const& v) {
         c.max_body_bytes = parse_number<std::size_t>("ADMIT_MAX_BODY_BYTES", v);
       }},
      {"ADMIT_ARGON2_MEMORY_KIB", "--argon2-memory-kib",
       [](Config& c, std::string const& v) {
         c.argon2_memory_kib = parse_number<std::size_t>("ADMIT_ARGON2_MEMORY_KIB", v);
       }},
      {"ADMIT_WEB_DIR", "--web-dir", [](Config& c, std::string const& v) { c.web_dir = v; }},
      {"ADMIT_HOLD_SECONDS", "--hold-seconds",
       [](Config& c, std::string const& v) { c.hold_seconds = parse_number<unsigned>("ADMIT_HOLD_SECONDS", v); }},
      {"ADMIT_WAITLIST_OFFER_SECONDS", "--waitlist-offer-seconds",
       [](Config& c, std::string const& v) {
         c.waitlist_offer_seconds = parse_number<unsigned>("ADMIT_WAITLIST_OFFER_SECONDS", v);
         if (c.waitlist_offer_seconds == 0)
           throw std::invalid_argument("ADMIT_WAITLIST_OFFER_SECONDS must be positive");
       }},
      {"ADMIT_MAX_UNPAID_HOLDS_PER_CLIENT", "--max-unpaid-holds-per-client",
       [](Config& c, std::string const& v) {
         c.max_unpaid_holds_per_client = parse_number<unsigned>("ADMIT_MAX_UNPAID_HOLDS_PER_CLIENT", v);
       }},
      {"ADMIT_GUEST_ORDERS_PER_HOUR", "--guest-orders-per-hour",
       [](Config& c, std::string const& v) {
         c.guest_orders_per_hour = parse_number<unsigned>("ADMIT_GUEST_ORDERS_PER_HOUR", v);
       }},
      {"ADMIT_PROMO_ATTEMPTS_PER_HOUR", "--promo-attempts-per-hour",
       [](Config& c, std::string const& v) {
         c.promo_attempts_per_hour = parse_number<unsigned>("ADMIT_PROMO_ATTEMPTS_PER_HOUR", v);
       }},
      {"ADMIT_GUEST_OPEN_ORDERS_PER_EMAIL", "--guest-open-orders-per-email",
       [](Config& c, std::string const& v) {
         c.guest_open_orders_per_email = parse_number<unsigned>("ADMIT_GUEST_OPEN_ORDERS_PER_EMAIL", v);
         if (c.guest_open_orders_per_email == 0) {
           throw std::invalid_argument("ADMIT_GUEST_OPEN_ORDERS_PER_EMAIL must be at least 1");
         }
       }},
      {"ADMIT_DOWNLOAD_URL_TTL", "--download-url-ttl",
       [](Config& c, std::string const& v) {
         c.download_url_ttl = parse_number<unsigned>("ADMIT_DOWNLOAD_URL_TTL", v);
       }},
      {"ADMIT_PAYMENT_PROVIDER", "--payment-provider", [](Config& c, std::string const& v) { c.payment_provider = v; }},
      {"ADMIT_STRIPE_API_BASE", "--stripe-api-base", [](Config& c, std::string const& v) { c.stripe_api_base = v; }},
      {"ADMIT_STRIPE_SECRET_KEY", "--stripe-secret-key",
       [](Config& c, std::string const& v) { c.stripe_secret_key = v; }},
      {"ADMIT_STRIPE_WEBHOOK_SECRET", "--stripe-webhook-secret",
       [](Config& c, std::string const& v) { c.stripe_webhook_secret = v; }},
      {"ADMIT_STRIPE_PUBLISHABLE_KEY", "--stripe-publishable-key",
       [](Config& c, std::string const& v) { c.stripe_publishable_key = v; }},
      {"ADMIT_SMTP_URL", "--smtp-url", [](Config& c, std::string const& v) { c.smtp_url = v; }},
      {"ADMIT_SMTP_CA_FILE", "--smtp-ca-file", [](Config& c, std::string const& v) { c.smtp_ca_file = v; }},
      {"ADMIT_MAIL_FROM", "--mail-from", [](Config& c, std::string const& v) { c.mail_from = v; }},
      {"ADMIT_MAIL_RETRY_BASE_MS", "--mail-retry-base-ms",
       [](Config& c, std::string const& v) {
         c.mail_retry_base_ms = parse_number<unsigned>("ADMIT_MAIL_RETRY_BASE_MS", v);
       }},
      {"ADMIT_MAIL_GIVE_UP_SECONDS", "--mail-give-up-seconds",
       [](Config& c, std::string const& v) {
         c.mail_give_up_seconds = parse_number<unsigned>("ADMIT_MAIL_GIVE_UP_SECONDS", v);
       }},
      {"ADMIT_MAIL_CONCURRENCY", "--mail-concurrency",
       [](Config& c, std::string const& v) {
         c.mail_concurrency = parse_number<unsigned>("ADMIT_MAIL_CONCURRENCY", v);
       }},
      {"ADMIT_MAIL_LEASE_SECONDS", "--mail-lease-seconds",
       [](Config& c, std::string const& v) {
         c.mail_lease_seconds = parse_number<unsigned>("ADMIT_MAIL_LEASE_SECONDS", v);
       }},
      {"ADMIT_MAIL_CAP_PER_HOUR", "--mail-cap-per-hour",
       [](Config& c, std::string const& v) {
         c.mail_cap_per_hour = parse_number<unsigned>("ADMIT_MAIL_CAP_PER_HOUR", v);
       }},
      {"ADMIT_MAIL_CAP_PER_DAY", "--mail-cap-per-day",
       [](Config& c, std::string const& v) {
         c.mail_cap_per_day = parse_number<unsigned>("ADMIT_MAIL_CAP_PER_DAY", v);
       }},
      {"ADMIT_REQUIRE_VERIFIED_ORGANIZERS", "--require-verified-organizers",
       [](Config& c, std::string const& v) {
         if (v != "0" && v != "1" && v != "true" && v != "false") {
           throw std::invalid_argument("ADMIT_REQUIRE_VERIFIED_ORGANIZERS must be 1, 0, true or false, not '" + v +
                                       "'");
         }
         c.require_verified_organizers = v == "1" || v == "true";
       }},
      {"ADMIT_BACKUP_DIR", "--backup-dir", [](Config& c, std::string const& v) { c.backup_dir = v; }},
      {"ADMIT_BACKUP_INTERVAL", "--backup-interval",
       [](Config& c, std::string const& v) { c.backup_interval_seconds = parse_interval("ADMIT_BACKUP_INTERVAL", v); }},
      {"ADMIT_BACKUP_KEEP", "--backup-keep",
       [](Config& c, std::string const& v) {
         c.backup_keep = parse_number<unsigned>("ADMIT_BACKUP_KEEP", v);
         if (c.backup_keep == 0) throw std::invalid_argument("ADMIT_BACKUP_KEEP must be at least 1");
       }},
      {"ADMIT_OIDC_ISSUER", "--oidc-issuer", [](Config& c, std::string const& v) { c.oidc_issuer = v; }},
      {"ADMIT_OIDC_CLIENT_ID", "--oidc-client-id", [](Config& c, std::string const& v) { c.oidc_client_id = v; }},
      {"ADMIT_OIDC_CLIENT_SECRET", "--oidc-client-secret",
       [](Config& c, std::string const& v) { c.oidc_client_secret = v; }},
      {"ADMIT_OIDC_ROLES_CLAIM", "--oidc-roles-claim", [](Config& c, std::string const& v) { c.oidc_roles_claim = v; }},
      {"ADMIT_OIDC_ROLE_MAP", "--oidc-role-map", [](Config& c, std::string const& v) { c.oidc_role_map = v; }},
      {"ADMIT_OIDC_DISPLAY_NAME", "--oidc-display-name",
       [](Config& c, std::string const& v) { c.oidc_display_name = v; }},
      {"ADMIT_OIDC_ACCEPT_ACCESS_TOKENS", "--oidc-accept-access-tokens",
       [](Config& c, std::string const& v) {
         c.oidc_accept_access_tokens = parse_switch("ADMIT_OIDC_ACCEPT_ACCESS_TOKENS", v);
       }},
      {"ADMIT_LOCAL_ACCOUNTS", "--local-accounts",
       [](Config& c, std::string const& v) { c.local_accounts = parse_switch("ADMIT_LOCAL_ACCOUNTS", v); }},
      {"ADMIT_OTLP_ENDPOINT", "--otlp-endpoint",
       [](Config& c, std::string const& v) {
         if (!v.empty() && v.rfind("http://", 0) != 0 && v.rfind("https://", 0) != 0) {
           throw std::invalid_argument("ADMIT_OTLP_ENDPOINT must be an http:// or https:// URL, not '" + v + "'");
         }
         c.otlp_endpoint = v;
       }},
      {"ADMIT_OTLP_SAMPLE_RATIO", "--otlp-sample-ratio",
       [](Config& c, std::string const& v) {
         c.otlp_sample_ratio = parse_number<double>("ADMIT_OTLP_SAMPLE_RATIO", v);
         if (!(c.otlp_sample_ratio >= 0 && c.otlp_sample_ratio <= 1)) {
           throw std::invalid_argument("ADMIT_OTLP_SAMPLE_RATIO must be between 0 and 1, not '" + v + "'");
         }
       }},
      {"ADMIT_OTLP_QUEUE_SIZE", "--otlp-queue-size",
       [](Config& c, std::string const& v) {
         c.otlp_queue_size = parse_number<std::size_t>("ADMIT_OTLP_QUEUE_SIZE", v);
         if (c.otlp_queue_size == 0) throw std::invalid_argument("ADMIT_OTLP_QUEUE_SIZE must be at least 1");
       }},
  };
  return list;
}

void apply_config_file(Config& config, std::string const& path) {
  std::ifstream in(path);
  if (!in) throw std::invalid_argument("cannot read config file " + path);
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (line.empty() || line[0] == '#') continue;
    auto const eq = line.find('=');
    if (eq == std::string::npos)
      throw std::invalid_argument(path + ":" + std::to_string(number) + ": expected KEY=VALUE");
    auto const key = line.substr(0, eq);
    auto const value = line.substr(eq + 1);
    bool known = false;
    for (auto const& s : settings()) {
      if (s.env == key) {
        s.set(config, value);
        known = true;
      }
    }
    if (!known) {
      throw std::invalid_argument(
          std::string(path).append(":").append(std::to_string(number)).append(": unknown setting ").append(key));
    }
  }
}

}  // namespace

bool Config::uses_postgres() const {
  return database_url.starts_with("postgresql://") || database_url.starts_with("postgres://");
}

std::string Config::sqlite_path() const {
  constexpr std::string_view kScheme = "sqlite://";
  if (database_url.empty()) return data_dir + "/admit.db";
  if (database_url.starts_with(kScheme)) return database_url.substr(kScheme.size());
  throw std::invalid_argument("ADMIT_DATABASE_URL must start with sqlite:// or postgresql://, not: " + database_url);
}

namespace {

std::string host_of(std::string const& listen) {
  auto const colon = listen.rfind(':');
  auto host = listen.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  return host.empty() ? "0.0.0.0" : host;
}

unsigned short port_of(std::string const& name, std::string const& listen) {
  auto const colon = listen.rfind(':');
  if (colon == std::string::npos) throw std::invalid_argument(name + " must be HOST:PORT, not '" + listen + "'");
  auto const port = parse_number<unsigned>("the port in " + name, listen.substr(colon + 1));
  if (port > 65535) throw std::invalid_argument("the port in " + name + " must be at most 65535");
  return static_cast<unsigned short>(port);
}

}  // namespace

std::string Config::host() const {
  return host_of(listen);
}

unsigned short Config::port() const {
  return port_of("ADMIT_LISTEN", listen);
}

std::string Config::metrics_host() const {
  return metrics_listen.empty() ? std::string() : host_of(metrics_listen);
}

unsigned short Config::metrics_port() const {
  return metrics_listen.empty() ? 0 : port_of("ADMIT_METRICS_LISTEN", metrics_listen);
}

Command parse_command_line(int argc, char** argv) {
  Command command;
  std::vector<std::string> args(argv + 1, argv + argc);

  std::vector<std::pair<Setting const*, std::string>> flags;
  std::string config_file;
  if (char const* env = std::getenv("ADMIT_CONFIG")) config_file = env;
  for (std::size_t i = 0; i < args.size(); ++i) {
    auto const& arg = args[i];
    if (arg == "--help" || arg == "-h") {
      command.name = "help";
      return command;
    }
    if (!arg.starts_with("--")) {
      if (command.name.empty()) {
        command.name = arg;
      } else {
        command.args.push_back(arg);
      }
      continue;
    }
    auto const eq = arg.find('=');
    auto const name = arg.substr(0, eq);
    std::string value;
    if (eq != std::string::npos) {
      value = arg.substr(eq + 1);
    } else if (i + 1 < args.size()) {
      value = args[++i];
    } else {
      throw std::invalid_argument(name + " needs a value");
    }
    if (name == "--config") {
      config_file = value;
      continue;
    }
    if (name == "--to") {  // mail-test's own argument, not a setting
      command.args.push_back(name);
      command.args.push_back(value);
      continue;
    }
    Setting const* found = nullptr;
    for (auto const& s : settings()) {
      if (s.flag == name) found = &s;
    }
    if (!found) throw std::invalid_argument("unknown flag " + name + " (see admit --help)");
    flags.emplace_back(found, value);
  }
  if (command.name.empty()) command.name = "help";
  bool const has_to = std::find(command.args.begin(), command.args.end(), "--to") != command.args.end();
  if (has_to && command.name != "mail-test") throw std::invalid_argument("unknown flag --to (see admit --help)");

  if (!config_file.empty()) apply_config_file(command.config, config_file);
  for (auto const& s : settings()) {
    if (char const* env = std::getenv(s.env.c_str()); env && *env) s.set(command.config, env);
  }
  for (auto const& [setting, value] : flags) setting->set(command.config, value);
  if (command.config.public_url.empty()) command.config.public_url = "http://" + command.config.listen;
  while (command.config.public_url.ends_with('/')) command.config.public_url.pop_back();
  return command;
}

}  // namespace admit
