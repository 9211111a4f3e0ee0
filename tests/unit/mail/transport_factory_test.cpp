#include "mail/transport_factory.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

#include "mail/smtp_transport.hpp"

namespace admit::mail {
namespace {

TEST(MakeMailTransport, NoUrlMeansTheFileMailbox) {
  auto const transport = make_mail_transport("", "", "/tmp/admit-mailbox-dir");
  EXPECT_EQ(transport->describe(), "/tmp/admit-mailbox-dir");
}

TEST(MakeMailTransport, DescribesTheServerWithoutTheCredentials) {
  EXPECT_EQ(make_mail_transport("smtp://user:s3cr%40t@mail.example.com:2525", "", "")->describe(),
            "smtp://mail.example.com:2525");
  EXPECT_EQ(make_mail_transport("smtps://mail.example.com", "", "")->describe(), "smtps://mail.example.com:465");
  EXPECT_EQ(make_mail_transport("smtp://mail.example.com", "", "")->describe(), "smtp://mail.example.com:25");
}

TEST(MakeMailTransport, RefusesWhatIsNotAnSmtpUrl) {
  for (auto const* url : {"http://mail.example.com", "mail.example.com:25", "smtp://", "smtp://host/?x=1",
                          "smtp://host/#f", "ftp://host", "smtp://ho st"}) {
    EXPECT_THROW((void)make_mail_transport(url, "", ""), std::invalid_argument) << url;
  }
}

TEST(MakeMailTransport, RefusesACaFileItCannotUse) {
  EXPECT_THROW((void)make_mail_transport("smtp://host", "/nonexistent/ca.pem", ""), std::invalid_argument);
  auto const empty = std::filesystem::temp_directory_path() / "admit-empty-ca.pem";
  std::ofstream(empty) << "not a certificate\n";
  EXPECT_THROW((void)make_mail_transport("smtp://host", empty.string(), ""), std::invalid_argument);
  std::filesystem::remove(empty);
  EXPECT_THROW((void)make_mail_transport("", "/etc/ssl/certs/ca-certificates.crt", "/tmp/x"), std::invalid_argument)
      << "a CA file without a server is a mistake in the settings";
}

TEST(SmtpTransport, ARefusedConnectionIsATransientFailure) {
  // A port that was just free: nothing listens on it.
  int const fd = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  socklen_t length = sizeof address;
  ASSERT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length), 0);
  ::close(fd);

  SmtpTransport transport({.url = "smtp://127.0.0.1:" + std::to_string(ntohs(address.sin_port)),
                           .ca_file = {},
                           .connect_timeout = std::chrono::seconds(2),
                           .transfer_timeout = std::chrono::seconds(5)});
  auto const report =
      transport.deliver({.name = "", .address = "a@example.com"}, {.name = "", .address = "b@example.com"},
                        "m@example.com", "Subject: x\r\n\r\nbody\r\n");
  EXPECT_EQ(report.status, DeliveryStatus::transient_failure);
  EXPECT_NE(report.reply.find("connect"), std::string::npos) << report.reply;
}

}  // namespace
}  // namespace admit::mail
