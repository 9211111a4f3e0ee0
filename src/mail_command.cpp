#include "mail_command.hpp"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <ostream>
#include <random>
#include <stdexcept>

#include "domain/calendar.hpp"
#include "domain/user.hpp"
#include "mail/gmime_composer.hpp"
#include "mail/transport_factory.hpp"

namespace admit {
namespace {

/// The demo's event in Tokyo: a subject in Japanese is the case most likely to go wrong.
constexpr char kSampleEvent[] = "東京デベロッパーサミット 2027";
constexpr char kSampleVenue[] = "東京国際フォーラム, 東京都千代田区";

std::string random_hex(std::size_t bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::random_device device;
  std::string out;
  for (std::size_t i = 0; i < bytes; ++i) {
    auto const byte = device() & 0xffU;
    out += kHex[byte >> 4];
    out += kHex[byte & 0x0f];
  }
  return out;
}

std::string_view status_words(DeliveryStatus status) {
  switch (status) {
    case DeliveryStatus::delivered: return "delivered";
    case DeliveryStatus::transient_failure: return "not delivered, transient failure (a later attempt may succeed)";
    case DeliveryStatus::permanent_failure: return "not delivered, permanent failure (the server refuses it)";
  }
  return "unknown";
}

MailContent sample_message(MailAddress const& from, std::string const& to, Timestamp now) {
  Event event;
  event.id = "mail-test-" + random_hex(8);
  event.details.name = kSampleEvent;
  event.details.description = "A sample event from `admit mail-test`; nothing was booked.";
  event.details.location = kSampleVenue;
  event.details.starts_at = now + std::chrono::days(30);
  event.details.timezone = "Asia/Tokyo";

  auto const domain = from.address.substr(from.address.rfind('@') + 1);
  return MailContent{
      .from = from,
      .to = {.name = "", .address = to},
      .subject = std::string("Admit mail test: ") + kSampleEvent,
      .text = std::string("This is a test message from admit mail-test.\n\n") + kSampleEvent + "\n" + kSampleVenue +
              "\n\nIf you can read this, Admit's mail settings work.\n",
      .html = std::string("<!DOCTYPE html><html><body><p>This is a test message from <code>admit "
                          "mail-test</code>.</p><p><strong>") +
              kSampleEvent + "</strong><br>" + kSampleVenue +
              "</p><p>If you can read this, Admit's mail settings work.</p></body></html>\n",
      .attachments = {{.filename = "event.ics",
                       .content_type = "text/calendar; method=PUBLISH; charset=utf-8",
                       .data = event_calendar(event, {.stamp = now, .url = {}, .uid_domain = domain})}},
      .message_id = random_hex(16) + ".mail-test@" + domain,
      .date = now,
  };
}

}  // namespace

MailTestCommand parse_mail_test_command(std::vector<std::string> const& args) {
  constexpr char const* kMailTestUsage = "usage: admit mail-test --to ADDRESS";
  if (args.size() != 2 || args[0] != "--to") throw std::invalid_argument(kMailTestUsage);
  auto to = normalize_email(args[1]);
  if (!to) throw std::invalid_argument("--to must be a mail address, not '" + args[1] + "'");
  return {.to = *to};
}

int run_mail_test(MailTestCommand const& command, Config const& config, std::ostream& out) {
  MailAddress from;
  try {
    from = mail::parse_mail_address(config.mail_from);
  } catch (std::invalid_argument const& e) {
    throw std::invalid_argument(std::string("ADMIT_MAIL_FROM: ") + e.what());
  }
  auto const transport =
      mail::make_mail_transport(config.smtp_url, config.smtp_ca_file, std::filesystem::path(config.data_dir) / "mail");
  mail::GmimeComposer composer;
  auto const now = std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
  auto const content = sample_message(from, command.to, now);
  auto const report = transport->deliver(content.from, content.to, content.message_id, composer.compose(content));

  out << "mail-test to " << command.to << " through " << transport->describe() << ": " << status_words(report.status)
      << "\n";
  if (!report.reply.empty()) out << "reply: " << report.reply << "\n";
  out << "Message-ID: <" << content.message_id << ">\n";
  switch (report.status) {
    case DeliveryStatus::delivered: return 0;
    case DeliveryStatus::transient_failure: return 1;
    case DeliveryStatus::permanent_failure: return 2;
  }
  return 1;
}

}  // namespace admit
