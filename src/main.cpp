// Wiring only: configuration → adapters → use cases → routes → server.

#include <boost/system/system_error.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>

#include "api/routes.hpp"
#include "app/account_gate.hpp"
#include "app/accounts.hpp"
#include "app/administration.hpp"
#include "app/comps.hpp"
#include "app/confirmations.hpp"
#include "app/events.hpp"
#include "app/external_sign_in.hpp"
#include "app/mail_sender.hpp"
#include "app/payments.hpp"
#include "app/promo_codes.hpp"
#include "app/questions.hpp"
#include "app/registrations.hpp"
#include "app/staff.hpp"
#include "app/sweeper.hpp"
#include "app/tickets.hpp"
#include "app/waitlist.hpp"
#include "auth/crypto.hpp"
#include "auth/jwt.hpp"
#include "auth/oidc_provider.hpp"
#include "backup.hpp"
#include "base/encoding.hpp"
#include "base/log.hpp"
#include "base/prometheus.hpp"
#include "base/trace.hpp"
#include "cli.hpp"
#include "demo.hpp"
#include "http/server.hpp"
#include "mail/gmime_composer.hpp"
#include "mail/transport_factory.hpp"
#include "mail_command.hpp"
#include "otlp/otlp_exporter.hpp"
#include "payments/sandbox.hpp"
#include "payments/stripe_provider.hpp"
#include "payments/stripe_webhooks.hpp"
#include "store/postgres/postgres_store.hpp"
#include "store/sqlite/sqlite_store.hpp"
#include "tickets/ticket_codes.hpp"
#include "user_command.hpp"

#include <sodium.h>
#include <unistd.h>
#include <csignal>
#include <thread>

namespace admit {
namespace {

class SystemClock final : public Clock {
 public:
  Timestamp now() const override {
    return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
  }
};

/// The adapters and use cases every command shares.
struct Core {
  /// `metrics`: the HTTP server's, whose requests in flight tell the mail sender the node is busy.
  explicit Core(Config const& config, http::Metrics const* metrics = nullptr)
      : http_metrics(metrics),
        owned_store(open_store(config)),
        store(*owned_store),
        hasher(2, config.argon2_memory_kib * 1024),
        signing_key(load_signing_key(config, store)),
        tokens(signing_key, {}, {.issuer = config.public_url, .audience = "admit"}, clock, entropy),
        login_throttle({
            .free_per_address = static_cast<int>(config.login_failures_per_address),
            .free_per_account = static_cast<int>(config.login_failures_per_account),
            .max_delay_per_address = std::chrono::seconds(config.login_max_delay_per_address),
            .max_delay_per_account = std::chrono::seconds(config.login_max_delay_per_account),
        }),
        gate(store),
        accounts(store, store, hasher, tokens, digest, entropy, clock),
        events(store, store, entropy, clock),
        settings{.hold = std::chrono::seconds(config.hold_seconds),
                 .max_unpaid_holds_per_client = static_cast<std::int32_t>(config.max_unpaid_holds_per_client),
                 .download_link_ttl = std::chrono::seconds(config.download_url_ttl),
                 .public_url = config.public_url,
                 .guest_orders_per_hour = static_cast<std::int32_t>(config.guest_orders_per_hour),
                 .guest_open_orders_per_email = static_cast<std::int32_t>(config.guest_open_orders_per_email)},
        guests(store, digest, entropy, clock),
        codes(store, clock),
        links(store),
        registrations(store, store, store, codes, entropy, clock, settings, &guests),
        comps(store, store, store, codes, entropy, clock, &guests),
        tickets(store, store, store, store, codes, links, printer, clock, settings),
        provider(make_provider(config, entropy)),
        webhooks(webhook_secret(config, store)),
        payments(store, store, *provider, dynamic_cast<PaymentSandbox*>(provider.get()), webhooks, codes, entropy,
                 clock, config.stripe_publishable_key, &guests),
        staff(store, store, store, tickets, entropy, clock),
        questions(store, store, entropy, clock),
        promo_attempts(static_cast<int>(config.promo_attempts_per_hour)),
        promo_codes(store, store, entropy, clock, promo_attempts),
        confirmations(store, store, store, entropy, clock, &guests),
        administration(store, store, store, accounts, clock),
        waitlist(store, store, store, store, codes, entropy, links, clock, settings, &guests),
        mail_transport(mail::make_mail_transport(config.smtp_url, config.smtp_ca_file,
                                                 std::filesystem::path(config.data_dir) / "mail")),
        mail_sender(store, store, store, store, printer, composer, *mail_transport, mail_settings(config),
                    MailSender::system_millis, [this] {
                      // Busier than a few people browsing: a sale, a scan rush.
                      return http_metrics != nullptr && http_metrics->requests_in_flight() >= kBusyRequests;
                    }) {
    accounts.set_login_throttle(&login_throttle);
    mail_sender.set_order_links([this](std::string_view registration_id) { return guests.add_token(registration_id); });
    store.configure_waitlist(waitlist.store_config(std::chrono::seconds(config.waitlist_offer_seconds)));
    registrations.claim_offers_with(
        [this](Principal const& who, RegisterRequest const& request, Actor const& actor,
               Completion<Result<Registered>> done) { waitlist.claim(who, request, actor, std::move(done)); });
    waitlist.accept_promo_codes(promo_codes);
    mail_sender.render_waitlist_with(store);
    registrations.accept_promo_codes(promo_codes);
    administration.set_follow_up({
        .forget_messages = [this](std::vector<std::string> const& ids) { mail_sender.erase_copies(ids); },
        .refund_due = [this] { payments.refund_due(); },
    });
    if (config.require_verified_organizers) events.require_verified_organizers(store);
    if (!config.oidc_issuer.empty()) {
      auto role_map = parse_role_map(config.oidc_role_map);
      if (!role_map) throw std::invalid_argument("ADMIT_OIDC_ROLE_MAP: " + role_map.error());
      auto public_url = config.public_url;
      while (!public_url.empty() && public_url.back() == '/') public_url.pop_back();
      identity_provider = std::make_unique<auth::OidcProvider>(auth::OidcSettings{
          .issuer = config.oidc_issuer,
          .client_id = config.oidc_client_id,
          .client_secret = config.oidc_client_secret,
          .redirect_uri = public_url + "/api/auth/oidc/callback",
          .roles_claim = config.oidc_roles_claim,
      });
      external_sign_in = std::make_unique<ExternalSignIn>(*identity_provider, store, accounts, digest, entropy, clock,
                                                          ExternalSignInSettings{
                                                              .display_name = config.oidc_display_name,
                                                              .public_url = public_url,
                                                              .role_map = std::move(*role_map),
                                                          });
      if (config.oidc_accept_access_tokens) {
        bearer_tokens = std::make_unique<BearerTokens>(tokens, *external_sign_in, clock);
      }
    } else if (config.oidc_accept_access_tokens) {
      throw std::invalid_argument("ADMIT_OIDC_ACCEPT_ACCESS_TOKENS needs ADMIT_OIDC_ISSUER");
    }
  }

  /// The bearer tokens requests may carry: Admit's own, and in resource-server mode the provider's.
  AccessTokens& request_tokens() { return bearer_tokens ? static_cast<AccessTokens&>(*bearer_tokens) : tokens; }

  static MailSettings mail_settings(Config const& config) {
    auto from = mail::parse_mail_address(config.mail_from);
    auto const at = from.address.rfind('@');
    return MailSettings{
        .from = from,
        .message_domain = at == std::string::npos ? std::string("localhost") : from.address.substr(at + 1),
        .public_url = config.public_url,
        .retry = RetryPolicy{.base = std::chrono::milliseconds(config.mail_retry_base_ms),
                             .max_delay = std::chrono::hours(1),
                             .give_up_after = std::chrono::seconds(config.mail_give_up_seconds)},
        .caps = RecipientCaps{.per_hour = static_cast<std::int32_t>(config.mail_cap_per_hour),
                              .per_day = static_cast<std::int32_t>(config.mail_cap_per_day)},
        .concurrency = static_cast<int>(std::max(1u, config.mail_concurrency)),
        .lease = std::chrono::seconds(std::max(1u, config.mail_lease_seconds)),
    };
  }

  static std::unique_ptr<Store> open_store(Config const& config) {
    if (config.uses_postgres()) {
      return std::make_unique<PostgresStore>(PostgresSettings{.url = config.database_url,
                                                              .pool_size = static_cast<int>(config.database_pool),
                                                              .writers = static_cast<int>(config.database_writers)});
    }
    return std::make_unique<SqliteStore>(config.sqlite_path());
  }
  static auth::SigningKey load_signing_key(Config const& config, Store& store) {
    // One node keeps its key in a file beside its database; many nodes share a seed through
    // the database, so a token one node issues verifies on every other.
    if (!config.uses_postgres()) {
      return auth::load_or_create_signing_key(std::filesystem::path(config.data_dir) / "jwt-signing-key.json");
    }
    std::string fresh(32, '\0');
    randombytes_buf(fresh.data(), fresh.size());
    return auth::signing_key_from_seed(store.instance_secret("jwt-signing-seed", fresh));
  }

  static std::unique_ptr<PaymentProvider> make_provider(Config const& config, Entropy& entropy) {
    if (config.payment_provider == "sandbox") return std::make_unique<payments::SandboxProvider>(entropy);
    if (config.payment_provider == "stripe") {
      if (config.stripe_secret_key.empty() || config.stripe_webhook_secret.empty()) {
        throw std::invalid_argument(
            "the stripe provider needs ADMIT_STRIPE_SECRET_KEY and ADMIT_STRIPE_WEBHOOK_SECRET");
      }
      return std::make_unique<payments::StripeProvider>(
          payments::StripeSettings{.api_base = config.stripe_api_base, .secret_key = config.stripe_secret_key});
    }
    throw std::invalid_argument("ADMIT_PAYMENT_PROVIDER must be sandbox or stripe, not " + config.payment_provider);
  }
  static std::string webhook_secret(Config const& config, KeyStore& keys) {
    // A configured secret wins (for Stripe it is required; for the sandbox it lets tools such
    // as Stripe's own SDK sign test deliveries). Otherwise the sandbox signs its deliveries
    // with a secret every node shares.
    if (!config.stripe_webhook_secret.empty() || config.payment_provider != "sandbox") {
      return config.stripe_webhook_secret;
    }
    std::string fresh(32, '\0');
    randombytes_buf(fresh.data(), fresh.size());
    return "whsec_" + base64url_encode(keys.instance_secret("sandbox-webhook-secret", fresh));
  }

  static constexpr std::int64_t kBusyRequests = 8;
  http::Metrics const* http_metrics;
  SystemClock clock;
  auth::SodiumEntropy entropy;
  auth::Sha256Digest digest;
  std::unique_ptr<Store> owned_store;
  Store& store;
  auth::Argon2idHasher hasher;
  auth::SigningKey signing_key;
  auth::JwtTokens tokens;
  LoginThrottle login_throttle;
  AccountGate gate;
  Accounts accounts;
  Events events;
  TicketingSettings settings;
  GuestOrders guests;
  tickets::Ed25519TicketCodes codes;
  tickets::HmacDownloadLinks links;
  tickets::PdfPrinter printer;
  Registrations registrations;
  Comps comps;
  Tickets tickets;
  std::unique_ptr<PaymentProvider> provider;
  payments::StripeWebhooks webhooks;
  Payments payments;
  Staff staff;
  Questions questions;
  PromoAttempts promo_attempts;
  PromoCodes promo_codes;
  Confirmations confirmations;
  Administration administration;
  Waitlist waitlist;
  mail::GmimeComposer composer;
  std::unique_ptr<MailTransport> mail_transport;
  MailSender mail_sender;                               ///< after the transport it uses, so it stops first
  std::unique_ptr<IdentityProvider> identity_provider;  ///< null: no external sign-in
  std::unique_ptr<ExternalSignIn> external_sign_in;
  std::unique_ptr<BearerTokens> bearer_tokens;  ///< resource-server mode only
};

/// Whether the database answers a trivial query now, and how long that took: asked at each
/// scrape, so an alert sees an unreachable or slow database even while no request needs it.
std::string database_probe_metrics(Store& store) {
  auto const started = std::chrono::steady_clock::now();
  bool const up = store.ping();
  auto const took = std::chrono::steady_clock::now() - started;
  std::string out;
  prometheus::TextWriter(out)
      .metric("admit_db_up", "gauge", "1 when the database answered SELECT 1 at this scrape, else 0.",
              std::uint64_t{up ? 1u : 0u})
      .metric("admit_db_ping_seconds", "gauge", "How long that answer (or the failure) took.",
              std::chrono::duration_cast<std::chrono::nanoseconds>(took));
  return out;
}

/// What /metrics adds to the server's own figures: the database probe, the store's, the mail
/// sender's and the payments'.
std::string node_metrics_text(Core& core) {
  return database_probe_metrics(core.store) + core.store.metrics_text() + core.mail_sender.metrics_text() +
         core.payments.metrics_text();
}

DataDir data_dir_of(Config const& config) {
  return DataDir{.dir = config.data_dir, .database = config.sqlite_path()};
}

int backup_command(Config const& config, std::vector<std::string> const& args) {
  if (args.size() != 1) throw std::invalid_argument("usage: admit backup FILE");
  if (config.uses_postgres()) {
    throw std::invalid_argument(
        "admit backup copies the SQLite database; on PostgreSQL use pgBackRest (README, \"Operations: backups and "
        "restore\")");
  }
  DataDirLock const lock(config.data_dir, DataDirLock::Mode::shared);
  auto const summary = write_backup(data_dir_of(config), args.front());
  std::printf("backup written: %s (%ju bytes, schema version %d; database copied in %lld ms, all in %lld ms):",
              args.front().c_str(), summary.bytes, summary.schema_version,
              static_cast<long long>(summary.snapshot.count()), static_cast<long long>(summary.took.count()));
  for (auto const& f : summary.files) std::printf(" %s", f.c_str());
  std::printf("\n");
  return 0;
}

int restore_command(Config const& config, std::vector<std::string> const& args) {
  if (args.size() != 1) throw std::invalid_argument("usage: admit restore FILE");
  if (config.uses_postgres()) {
    throw std::invalid_argument(
        "admit restore puts back a SQLite backup; on PostgreSQL restore with pgBackRest (README, \"Operations: "
        "backups and restore\")");
  }
  DataDirLock const lock(config.data_dir, DataDirLock::Mode::exclusive);
  auto const summary = restore_backup(data_dir_of(config), args.front());
  std::printf("restored %s into %s (schema version %d):", args.front().c_str(), config.data_dir.c_str(),
              summary.schema_version);
  for (auto const& f : summary.files) std::printf(" %s", f.c_str());
  std::printf("\n");
  if (!summary.previous.empty()) {
    std::printf("the files it replaced are in %s (delete them once the restore is checked)\n",
                summary.previous.c_str());
  }
  return 0;
}

/// Tracing, when ADMIT_OTLP_ENDPOINT names a collector: the tracer requests record into and
/// the exporter that sends what it collects. Outlives the server.
class Tracing {
 public:
  explicit Tracing(Config const& config) {
    if (config.otlp_endpoint.empty()) return;
    std::array<char, 256> host{};
    if (::gethostname(host.data(), host.size() - 1) != 0) host[0] = '\0';
    std::array<unsigned char, 16> instance{};
    randombytes_buf(instance.data(), instance.size());
    trace::Resource resource{{
        {"service.name", std::string("admit")},
        {"service.version", std::string(ADMIT_VERSION)},
        {"service.instance.id", hex_encode(instance)},  // one per process: tells nodes (and restarts) apart
        {"host.name", std::string(host.data())},
        {"process.pid", static_cast<std::int64_t>(::getpid())},
    }};
    tracer_ = std::make_unique<trace::Tracer>(config.otlp_sample_ratio, config.otlp_queue_size);
    exporter_ = std::make_unique<otlp::OtlpExporter>(
        otlp::ExporterConfig{.endpoint = config.otlp_endpoint, .resource = std::move(resource)}, *tracer_);
    trace::install(tracer_.get());
  }
  ~Tracing() { trace::install(nullptr); }  // then the exporter sends what is left and stops
  Tracing(Tracing const&) = delete;
  Tracing& operator=(Tracing const&) = delete;

  std::string metrics_text() const { return exporter_ ? exporter_->metrics_text() : std::string(); }

 private:
  std::unique_ptr<trace::Tracer> tracer_;
  std::unique_ptr<otlp::OtlpExporter> exporter_;
};

int serve(Config config) {
  Tracing const tracing(config);
  if (!config.uses_postgres()) (void)config.sqlite_path();  // a bad database URL fails before anything starts
  if (config.uses_postgres() && !config.backup_dir.empty()) {
    throw std::invalid_argument(
        "ADMIT_BACKUP_DIR takes backups of SQLite; on PostgreSQL back up with pgBackRest (README, \"Operations: "
        "backups and restore\")");
  }
  // Held until the process ends: `admit restore` refuses to swap files under a running server.
  std::optional<DataDirLock> data_dir_lock;
  if (!config.uses_postgres()) data_dir_lock.emplace(config.data_dir, DataDirLock::Mode::shared);
  // With PostgreSQL, reads wait for the network on the I/O threads: have more of them.
  if (config.uses_postgres() && config.threads == 0)
    config.threads = 4 * std::max(1u, std::thread::hardware_concurrency());
  http::Metrics metrics;
  http::Server server(
      {
          .host = config.host(),
          .port = config.port(),
          .io_threads = config.threads,
          .body_limit = config.max_body_bytes,
          .header_timeout = std::chrono::seconds(config.header_timeout_seconds),
          .cors_origins = config.cors_origins,
          .auth_per_minute = config.rate_limit_auth,
          .general_per_second = config.rate_limit,
          .trusted_proxies = config.trusted_proxies,
          .max_connections = config.max_connections,
          // Descriptors kept from clients: PostgreSQL's connections, log and key files, the
          // event loop's own (the server adds a few per thread for SQLite's readers).
          .reserved_descriptors = 128 + (config.uses_postgres() ? config.database_pool + config.database_writers : 0u),
          .max_connections_per_client = config.max_connections_per_client,
          .metrics_host = config.metrics_host(),
          .metrics_port = config.metrics_port(),
          .tls_cert_file = config.tls_cert,
          .tls_key_file = config.tls_key,
          .web_dir = config.web_dir,
      },
      metrics);
  std::string url;
  try {
    url = server.bind();
  } catch (boost::system::system_error const& e) {
    throw std::runtime_error("cannot listen on " + config.listen + ": " + e.code().message());
  }
  // With port 0 the URL is known only now; tokens name it as their issuer.
  if (config.public_url == "http://" + config.listen) config.public_url = url;

  Core core(config, &metrics);
  if (!config.local_accounts) {
    if (!core.external_sign_in) throw std::invalid_argument("ADMIT_LOCAL_ACCOUNTS=0 needs ADMIT_OIDC_ISSUER");
    core.accounts.set_local_accounts(false);
  }
  core.payments.reconcile();
  Sweeper const sweeper(core.payments);
  BackupSchedule const backups({.dir = config.backup_dir,
                                .interval = std::chrono::seconds(config.backup_interval_seconds),
                                .keep = config.backup_keep},
                               [data = config.uses_postgres() ? DataDir{} : data_dir_of(config)](
                                   std::filesystem::path const& file) { return write_backup(data, file); });
  api::Router const router(api::make_routes({
                               .accounts = core.accounts,
                               .events = core.events,
                               .registrations = core.registrations,
                               .comps = core.comps,
                               .confirmations = core.confirmations,
                               .tickets = core.tickets,
                               .payments = core.payments,
                               .staff = core.staff,
                               .questions = core.questions,
                               .promo_codes = core.promo_codes,
                               .external_sign_in = core.external_sign_in.get(),
                               .admin = core.administration,
                               .waitlist = core.waitlist,
                               .ready = [&core] { return core.store.ping(); },
                               .jwks_json = [&core] { return core.tokens.jwks_json(); },
                               .metrics =
                                   [&metrics, &core, &sweeper, &backups, &tracing] {
                                     return metrics.render() + node_metrics_text(core) + sweeper.metrics_text() +
                                            backups.metrics_text() + tracing.metrics_text();
                                   },
                           }),
                           core.request_tokens(), &core.gate, &core.guests);
  if (auto* sqlite = dynamic_cast<SqliteStore*>(&core.store)) sqlite->release_mail_claims();
  core.mail_sender.start();
  log::info("mail", {{"to", core.mail_transport->describe()}});
  server.run(router, [&] {
    auto const metrics_url = server.metrics_url();
    log::notice("admit ready: listening on " + url,
                {{"version", ADMIT_VERSION},
                 {"publicUrl", config.public_url},
                 {"schema", core.store.schema_version()},
                 {"maxConnections", server.max_connections()},
                 {"metricsUrl", metrics_url.empty() ? std::nullopt : std::optional<std::string_view>(metrics_url)},
                 {"database", config.uses_postgres() ? "postgresql" : "sqlite"}});
  });
  log::notice("stopped");
  return 0;
}

int run(Command const& command) {
  auto const& config = command.config;
  log::Level level;
  if (!log::parse_level(config.log_level, level)) {
    throw std::invalid_argument("ADMIT_LOG_LEVEL must be debug, info, warn or error");
  }
  log::set_level(level);

  if (command.name == "help") {
    (void)std::fputs(kUsage, stdout);
    return 0;
  }
  if (command.name == "version") {
    std::printf("admit %s\n", ADMIT_VERSION);
    return 0;
  }
  auth::init_crypto();
  if (command.name == "serve") return serve(config);
  if (command.name == "migrate") {
    auto store = Core::open_store(config);
    std::printf("database %s is at schema version %d\n",
                config.uses_postgres() ? "(PostgreSQL)" : config.sqlite_path().c_str(), store->schema_version());
    return 0;
  }
  if (command.name == "demo") {
    Core core(config);
    return load_demo(core.accounts, core.events, core.entropy, core.clock, std::cout);
  }
  if (command.name == "user") {
    auto const user_command = parse_user_command(command.args);
    Core core(config);
    return run_user_command(user_command, core.accounts);
  }
  if (command.name == "backup") return backup_command(config, command.args);
  if (command.name == "restore") return restore_command(config, command.args);
  if (command.name == "mail-test") {
    return run_mail_test(parse_mail_test_command(command.args), config, std::cout);
  }
  throw std::invalid_argument("unknown command '" + command.name + "' (see admit --help)");
}

}  // namespace
}  // namespace admit

int main(int argc, char** argv) {
  // A file size limit (RLIMIT_FSIZE) reached while writing would otherwise kill the process
  // with SIGXFSZ; ignored, the write fails with EFBIG like one to a full disk: the server
  // answers that request with a 503 and goes on, `admit migrate` reports the error.
  (void)std::signal(SIGXFSZ, SIG_IGN);  // SIG_ERR only for an invalid signal number
  try {
    return admit::run(admit::parse_command_line(argc, argv));
  } catch (std::invalid_argument const& e) {
    (void)std::fprintf(stderr, "admit: %s\n", e.what());
    return 2;
  } catch (std::exception const& e) {
    (void)std::fprintf(stderr, "admit: %s\n", e.what());
    admit::log::error("fatal", {{"error", e.what()}});
    admit::log::flush();
    return 1;
  }
}
