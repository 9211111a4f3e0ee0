#include "mail/smtp_transport.hpp"

#include <curl/curl.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <stdexcept>
#include <system_error>
#include <utility>
#include <vector>

#include "mail/gmime_composer.hpp"

namespace admit::mail {

struct SmtpTransport::ExtraRoots {
  std::vector<X509*> certificates;
  ExtraRoots() = default;
  ExtraRoots(ExtraRoots const&) = delete;
  ExtraRoots& operator=(ExtraRoots const&) = delete;
  ~ExtraRoots() {
    for (auto* certificate : certificates) X509_free(certificate);
  }
};

struct SmtpTransport::HandlePool {
  std::mutex mutex;
  std::vector<std::unique_ptr<CURL, void (*)(CURL*)>> idle;
};

namespace {

constexpr std::size_t kMaxReply = 500;       // of one reply line kept for the report
constexpr std::size_t kMaxIdleHandles = 16;  // more senders than this at once is not expected

void init_curl_once() {
  // This libcurl's curl_global_init is thread-safe (CURL_VERSION_THREADSAFE) and counts its
  // calls, so the Stripe provider initializing it too is harmless.
  static std::once_flag once;
  std::call_once(once, [] {
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) throw std::runtime_error("libcurl failed to start");
  });
}

struct CurlUrlDeleter {
  void operator()(CURLU* url) const { curl_url_cleanup(url); }
};
struct CurlFree {
  void operator()(char* text) const { curl_free(text); }
};
struct CurlEasyDeleter {
  void operator()(CURL* easy) const { curl_easy_cleanup(easy); }
};
using EasyHandle = std::unique_ptr<CURL, CurlEasyDeleter>;
struct CurlSlistDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};

/// One part of a parsed URL; empty when it is absent.
std::string url_part(CURLU* url, CURLUPart part, unsigned flags = 0) {
  char* raw = nullptr;
  if (curl_url_get(url, part, &raw, flags) != CURLUE_OK || raw == nullptr) return {};
  std::unique_ptr<char, CurlFree> const owned(raw);
  return owned.get();
}

std::unique_ptr<SmtpTransport::ExtraRoots> load_roots(std::string const& file) {
  auto roots = std::make_unique<SmtpTransport::ExtraRoots>();
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new_file(file.c_str(), "r"), &BIO_free);
  if (!bio) {
    throw std::invalid_argument("ADMIT_SMTP_CA_FILE: cannot read " + file + ": " +
                                std::generic_category().message(errno));
  }
  while (X509* certificate = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) {
    roots->certificates.push_back(certificate);
  }
  ERR_clear_error();  // the loop ends on the "no start line" error at the end of the file
  if (roots->certificates.empty()) {
    throw std::invalid_argument("ADMIT_SMTP_CA_FILE: " + file + " holds no PEM certificate");
  }
  return roots;
}

/// Adds the extra roots to the store of each TLS context curl makes; its default roots (the
/// system's) are already loaded by then.
CURLcode add_extra_roots(CURL* /*easy*/, void* ssl_ctx, void* user) {
  auto const* roots = static_cast<SmtpTransport::ExtraRoots const*>(user);
  X509_STORE* store = SSL_CTX_get_cert_store(static_cast<SSL_CTX*>(ssl_ctx));
  for (auto* certificate : roots->certificates) {
    // A root the system already trusts is refused as a duplicate by older OpenSSLs: harmless.
    if (X509_STORE_add_cert(store, certificate) != 1) ERR_clear_error();
  }
  return CURLE_OK;
}

struct Exchange {
  std::string const* message = nullptr;
  std::atomic<bool> const* cancelled = nullptr;
  std::size_t sent = 0;
  std::string last_reply;    ///< the last line the server sent
  std::string last_refusal;  ///< the last 4xx or 5xx line: curl's QUIT after it is answered too
};

std::size_t read_message(char* buffer, std::size_t size, std::size_t count, void* user) {
  auto* exchange = static_cast<Exchange*>(user);
  auto const left = exchange->message->size() - exchange->sent;
  auto const n = std::min(left, size * count);
  std::memcpy(buffer, exchange->message->data() + exchange->sent, n);
  exchange->sent += n;
  return n;
}

/// Keeps the server's last reply line. Only what the server sent is looked at: what curl sends
/// (CURLINFO_HEADER_OUT) includes the AUTH exchange and is never kept.
int watch_replies(CURL* /*easy*/, curl_infotype type, char* data, std::size_t size, void* user) {
  if (type != CURLINFO_HEADER_IN) return 0;
  auto* exchange = static_cast<Exchange*>(user);
  std::string_view text(data, size);
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.remove_suffix(1);
  if (auto const newline = text.rfind('\n'); newline != std::string_view::npos) text.remove_prefix(newline + 1);
  while (!text.empty() && text.back() == '\r') text.remove_suffix(1);
  if (text.empty()) return 0;
  exchange->last_reply.assign(text.substr(0, kMaxReply));
  if (text.front() == '4' || text.front() == '5') exchange->last_refusal = exchange->last_reply;
  return 0;
}

/// Called by curl while it waits or transfers (about once a second at least): a nonzero answer
/// aborts the transfer (CURLE_ABORTED_BY_CALLBACK) once the program is stopping.
int check_cancelled(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  auto const* exchange = static_cast<Exchange const*>(user);
  return exchange->cancelled != nullptr && exchange->cancelled->load() ? 1 : 0;
}

std::string bracketed(std::string const& address) {
  return "<" + address + ">";
}

/// An idle handle (its connection may still be open; `kept` says so) or a new one; null when
/// out of memory.
EasyHandle take_handle(SmtpTransport::HandlePool& pool, bool& kept) {
  {
    std::lock_guard const lock(pool.mutex);
    if (!pool.idle.empty()) {
      EasyHandle easy(pool.idle.back().release());
      pool.idle.pop_back();
      kept = true;
      return easy;
    }
  }
  kept = false;
  return EasyHandle(curl_easy_init());
}

/// Clears every option (curl_easy_reset keeps the open connection) so that nothing points at a
/// finished call's buffers, and keeps the handle for the next message.
void give_back(SmtpTransport::HandlePool& pool, EasyHandle easy) {
  if (!easy) return;
  curl_easy_reset(easy.get());
  std::lock_guard const lock(pool.mutex);
  if (pool.idle.size() < kMaxIdleHandles) {
    pool.idle.emplace_back(easy.release(), [](CURL* h) { curl_easy_cleanup(h); });
  }
}

}  // namespace

SmtpTransport::SmtpTransport(SmtpSettings const& settings)
    : connect_timeout_(settings.connect_timeout),
      transfer_timeout_(settings.transfer_timeout),
      max_idle_(settings.max_idle),
      max_lifetime_(settings.max_lifetime),
      handles_(std::make_unique<HandlePool>()) {
  init_curl_once();
  std::unique_ptr<CURLU, CurlUrlDeleter> url(curl_url());
  if (!url) throw std::bad_alloc();
  if (curl_url_set(url.get(), CURLUPART_URL, settings.url.c_str(), CURLU_NON_SUPPORT_SCHEME) != CURLUE_OK) {
    throw std::invalid_argument("ADMIT_SMTP_URL is not a URL such as smtp://user:password@mail.example.com:587");
  }
  auto const scheme = url_part(url.get(), CURLUPART_SCHEME);
  if (scheme != "smtp" && scheme != "smtps") {
    throw std::invalid_argument("ADMIT_SMTP_URL must start with smtp:// or smtps://");
  }
  implicit_tls_ = scheme == "smtps";
  auto const host = url_part(url.get(), CURLUPART_HOST);
  if (host.empty()) throw std::invalid_argument("ADMIT_SMTP_URL names no host");
  if (!url_part(url.get(), CURLUPART_QUERY).empty() || !url_part(url.get(), CURLUPART_FRAGMENT).empty() ||
      !url_part(url.get(), CURLUPART_OPTIONS).empty()) {
    throw std::invalid_argument("ADMIT_SMTP_URL takes no query, fragment or login options");
  }
  username_ = url_part(url.get(), CURLUPART_USER, CURLU_URLDECODE);
  password_ = url_part(url.get(), CURLUPART_PASSWORD, CURLU_URLDECODE);
  auto const port = url_part(url.get(), CURLUPART_PORT, CURLU_DEFAULT_PORT);

  (void)curl_url_set(url.get(), CURLUPART_USER, nullptr, 0);
  (void)curl_url_set(url.get(), CURLUPART_PASSWORD, nullptr, 0);
  url_ = url_part(url.get(), CURLUPART_URL);
  described_ = scheme + "://" + host + ":" + port;

  if (!settings.ca_file.empty()) {
    std::string_view const backend = curl_version_info(CURLVERSION_NOW)->ssl_version;
    if (!backend.starts_with("OpenSSL")) {
      throw std::invalid_argument("ADMIT_SMTP_CA_FILE needs libcurl built with OpenSSL, not " + std::string(backend));
    }
    extra_roots_ = load_roots(settings.ca_file);
  }
}

SmtpTransport::~SmtpTransport() {
  // The program is stopping. Closing a kept connection would say QUIT and wait for the answer
  // (libcurl's connection cache keeps the response timeout of the last delivery, two minutes):
  // a stalled server would hold the stop that long. Shut the sockets first, so that QUIT fails
  // at once; the server sees the connection end, which is all QUIT would have told it.
  std::lock_guard const lock(handles_->mutex);
  for (auto const& easy : handles_->idle) {
    curl_socket_t socket = CURL_SOCKET_BAD;
    if (curl_easy_getinfo(easy.get(), CURLINFO_ACTIVESOCKET, &socket) == CURLE_OK && socket != CURL_SOCKET_BAD) {
      (void)::shutdown(socket, SHUT_RDWR);
    }
  }
}

std::string SmtpTransport::describe() const {
  return described_;
}

void SmtpTransport::cancel() {
  cancelled_ = true;
}

DeliveryReport SmtpTransport::deliver(MailAddress const& from, MailAddress const& to, std::string_view /*message_id*/,
                                      std::string const& message) {
  if (!is_plain_addr_spec(from.address) || !is_plain_addr_spec(to.address)) {
    throw std::invalid_argument("an SMTP envelope address is not a plain addr-spec");
  }
  // Declared before the handle is taken: it is reset, and no longer points at them, before
  // they go.
  Exchange exchange{.message = &message, .cancelled = &cancelled_, .sent = 0, .last_reply = {}, .last_refusal = {}};
  if (cancelled_) return {.status = DeliveryStatus::transient_failure, .reply = "not sent: the server is stopping"};
  char error[CURL_ERROR_SIZE] = {};
  auto const sender = bracketed(from.address);
  std::unique_ptr<curl_slist, CurlSlistDeleter> const recipients(
      curl_slist_append(nullptr, bracketed(to.address).c_str()));
  if (!recipients) return {.status = DeliveryStatus::transient_failure, .reply = "out of memory"};
  bool kept = false;
  auto easy = take_handle(*handles_, kept);
  if (!easy) return {.status = DeliveryStatus::transient_failure, .reply = "libcurl could not make a handle"};
  CURL* const h = easy.get();
  // Back to the pool on every way out, with nothing left pointing at this call's locals.
  struct Return {
    HandlePool& pool;
    EasyHandle& easy;
    ~Return() { give_back(pool, std::move(easy)); }
  } const give_back_on_return{*handles_, easy};
  bool const has_credentials = !username_.empty() || !password_.empty();

  (void)curl_easy_setopt(h, CURLOPT_URL, url_.c_str());
  (void)curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  (void)curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  (void)curl_easy_setopt(h, CURLOPT_MAXAGE_CONN, static_cast<long>(max_idle_.count()));
  (void)curl_easy_setopt(h, CURLOPT_MAXLIFETIME_CONN, static_cast<long>(max_lifetime_.count()));
  (void)curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(connect_timeout_.count()));
  (void)curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(transfer_timeout_.count()));
  (void)curl_easy_setopt(
      h, CURLOPT_SERVER_RESPONSE_TIMEOUT,
      static_cast<long>(std::max<std::int64_t>(1, std::chrono::ceil<std::chrono::seconds>(transfer_timeout_).count())));
  (void)curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error);
  // smtps: TLS from the start. smtp: STARTTLS when offered; with credentials, STARTTLS or
  // nothing, so that AUTH never crosses in clear (curl stops before AUTH when it is missing).
  (void)curl_easy_setopt(
      h, CURLOPT_USE_SSL,
      implicit_tls_ || has_credentials ? static_cast<long>(CURLUSESSL_ALL) : static_cast<long>(CURLUSESSL_TRY));
  (void)curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
  (void)curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
  if (extra_roots_) {
    (void)curl_easy_setopt(h, CURLOPT_SSL_CTX_FUNCTION, &add_extra_roots);
    (void)curl_easy_setopt(h, CURLOPT_SSL_CTX_DATA, extra_roots_.get());
  }
  if (has_credentials) {
    (void)curl_easy_setopt(h, CURLOPT_USERNAME, username_.c_str());
    (void)curl_easy_setopt(h, CURLOPT_PASSWORD, password_.c_str());
  }
  (void)curl_easy_setopt(h, CURLOPT_MAIL_FROM, sender.c_str());
  (void)curl_easy_setopt(h, CURLOPT_MAIL_RCPT, recipients.get());
  (void)curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
  (void)curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(message.size()));
  (void)curl_easy_setopt(h, CURLOPT_READFUNCTION, &read_message);
  (void)curl_easy_setopt(h, CURLOPT_READDATA, &exchange);
  (void)curl_easy_setopt(h, CURLOPT_DEBUGFUNCTION, &watch_replies);
  (void)curl_easy_setopt(h, CURLOPT_DEBUGDATA, &exchange);
  (void)curl_easy_setopt(h, CURLOPT_VERBOSE, 1L);  // feeds watch_replies; nothing is printed
  (void)curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
  (void)curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, &check_cancelled);
  (void)curl_easy_setopt(h, CURLOPT_XFERINFODATA, &exchange);

  CURLcode result = curl_easy_perform(h);
  long code = 0;
  (void)curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
  long new_connections = 0;
  (void)curl_easy_getinfo(h, CURLINFO_NUM_CONNECTS, &new_connections);
  // A kept connection the server has meanwhile dropped, or is closing (421), fails on its first
  // command, before any of the message left: once more on a new connection, which cannot send
  // the message twice. A failure to connect at all is not retried here (it would double the
  // wait for an unreachable server).
  bool const broken_session = result == CURLE_SEND_ERROR || result == CURLE_RECV_ERROR || result == CURLE_GOT_NOTHING ||
                              result == CURLE_WEIRD_SERVER_REPLY;
  bool const stale = kept && new_connections == 0 && broken_session && exchange.sent == 0 &&
                     (exchange.last_refusal.empty() || code == 421);
  if (stale) {
    exchange = Exchange{.message = &message, .cancelled = &cancelled_, .sent = 0, .last_reply = {}, .last_refusal = {}};
    error[0] = '\0';
    (void)curl_easy_setopt(h, CURLOPT_FRESH_CONNECT, 1L);
    result = curl_easy_perform(h);
    code = 0;
    (void)curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
  }
  if (result == CURLE_OK) return {.status = DeliveryStatus::delivered, .reply = exchange.last_reply};

  // The server's refusal is the reason when curl stopped at a 4xx or 5xx reply; otherwise (no
  // reply, a refused connection, TLS, a timeout, STARTTLS missing) curl's error is.
  bool const refused = code >= 400 && code < 600 && exchange.last_refusal.starts_with(std::to_string(code));
  std::string reply;
  if (refused) {
    reply = exchange.last_refusal;
  } else {
    reply = curl_easy_strerror(result);
    if (error[0] != '\0') reply.append(": ").append(error);
  }
  bool const permanent = refused && code >= 500;
  return {.status = permanent ? DeliveryStatus::permanent_failure : DeliveryStatus::transient_failure,
          .reply = std::move(reply)};
}

}  // namespace admit::mail
