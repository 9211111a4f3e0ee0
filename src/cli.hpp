#pragma once

#include <optional>
#include <string>
#include <vector>

namespace admit {

/// Everything `admit` can be configured with. Sources, later ones winning: built-in
/// defaults, a config file (--config or ADMIT_CONFIG; KEY=VALUE lines with the ADMIT_*
/// names), the environment, command-line flags.
struct Config {
  std::string listen = "127.0.0.1:8080";
  std::string data_dir = "./data";
  std::string database_url;       ///< empty: SQLite file admit.db in data_dir; or postgresql://…
  unsigned database_pool = 24;    ///< PostgreSQL connections per node
  unsigned database_writers = 1;  ///< PostgreSQL registration writers per node
  std::string public_url;         ///< empty: http://<listen>
  std::string log_level = "info";
  double rate_limit_auth = 300;                  ///< per minute per client on /api/auth/*
  double rate_limit = 1000;                      ///< per second per client elsewhere
  unsigned login_failures_per_address = 5;       ///< free failed sign-ins per (email, client); 0 = off
  unsigned login_failures_per_account = 20;      ///< free failed sign-ins per email, all clients; 0 = off
  unsigned login_max_delay_per_address = 900;    ///< seconds
  unsigned login_max_delay_per_account = 60;     ///< seconds
  std::vector<std::string> trusted_proxies;      ///< addresses or CIDR ranges
  std::size_t max_connections = 0;               ///< 0: the file descriptor limit less a reserve
  std::size_t max_connections_per_client = 512;  ///< 0 = off
  unsigned header_timeout_seconds = 10;          ///< for a new connection's first request header
  std::string metrics_listen;                    ///< HOST:PORT serving /metrics instead of the public port
  std::vector<std::string> cors_origins;
  std::string tls_cert;
  std::string tls_key;
  unsigned threads = 0;
  std::size_t max_body_bytes = std::size_t{1024} * 1024;
  std::size_t argon2_memory_kib = std::size_t{19} * 1024;
  std::string web_dir = "web/dist";            ///< the built web app, served at "/"
  unsigned hold_seconds = 15 * 60;             ///< how long a paid registration holds its seats
  unsigned waitlist_offer_seconds = 86400;     ///< how long a waiting-list offer holds its seats
  unsigned max_unpaid_holds_per_client = 200;  ///< open unpaid orders per client address and event; 0 = off
  unsigned guest_orders_per_hour = 30;         ///< guest orders per client address and hour; 0 = off
  unsigned guest_open_orders_per_email = 1;    ///< open unpaid guest orders per buyer address and event
  unsigned promo_attempts_per_hour = 20;  ///< failed promo codes per client address and per account an hour; 0 = off
  unsigned download_url_ttl = 600;        ///< seconds a ticket PDF link works
  std::string payment_provider = "sandbox";
  std::string stripe_api_base = "https://api.stripe.com";
  std::string stripe_secret_key;
  std::string stripe_webhook_secret;
  std::string stripe_publishable_key;  ///< given to browsers for Stripe.js; public by design
  std::string smtp_url;                ///< smtp://user:pass@host:port or smtps://…; empty: the file mailbox
  std::string smtp_ca_file;            ///< extra trusted roots (PEM) for the SMTP server's certificate
  std::string mail_from = "Admit <admit@localhost>";  ///< the sender of every message
  unsigned mail_retry_base_ms = 30'000;               ///< the first retry's delay; doubles per failure
  unsigned mail_give_up_seconds = 24 * 3600;          ///< a message still undelivered after this fails
  unsigned mail_concurrency = 4;                      ///< messages one node delivers at once
  unsigned mail_lease_seconds = 300;                  ///< a message claimed by a node that died waits this long
  unsigned mail_cap_per_hour = 20;           ///< messages one address may receive per hour (paid confirmations exempt)
  unsigned mail_cap_per_day = 100;           ///< … and per day
  bool require_verified_organizers = false;  ///< unverified organizers may not sell paid tickets
  std::string backup_dir;                    ///< scheduled backups go there (SQLite); empty: none
  unsigned backup_interval_seconds = 3600;   ///< between scheduled backups
  unsigned backup_keep = 24;                 ///< scheduled backups kept, the newest
  std::string oidc_issuer;                   ///< external OpenID provider; empty: none
  std::string oidc_client_id;
  std::string oidc_client_secret;  ///< for a confidential client; never logged
  std::string oidc_roles_claim = "cognito:groups";
  std::string oidc_role_map;                         ///< GROUP=ROLE,…
  std::string oidc_display_name = "single sign-on";  ///< the button reads "Sign in with …"
  bool oidc_accept_access_tokens = false;            ///< the provider's JWT access tokens work as bearer tokens
  bool local_accounts = true;                        ///< false: sign-up, password log-in and resets are off
  std::string otlp_endpoint;                         ///< an OTLP/HTTP collector's base URL; empty: no tracing
  double otlp_sample_ratio = 1;                      ///< share of new traces recorded (a caller's flag is followed)
  std::size_t otlp_queue_size = 4096;                ///< finished spans waiting for the exporter; more are dropped

  /// The SQLite file; throws std::invalid_argument for a URL that is neither SQLite nor PostgreSQL.
  std::string sqlite_path() const;
  bool uses_postgres() const;
  std::string host() const;
  unsigned short port() const;
  std::string metrics_host() const;
  unsigned short metrics_port() const;
};

struct Command {
  std::string name;               ///< serve, migrate, demo, user, version, help
  std::vector<std::string> args;  ///< positional arguments after the command
  Config config;
};

/// Parses argv and the environment. Throws std::invalid_argument with a message for the user.
Command parse_command_line(int argc, char** argv);

extern char const* const kUsage;

}  // namespace admit
