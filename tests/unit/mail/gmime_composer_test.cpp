#include "mail/gmime_composer.hpp"

#include <gmime/gmime.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace admit::mail {
namespace {

using namespace std::chrono;
using namespace std::chrono_literals;

struct Unref {
  void operator()(void* object) const { g_object_unref(object); }
};
template <typename T>
using Ref = std::unique_ptr<T, Unref>;

template <typename T>
GMimeObject* as_object(T* object) {
  return reinterpret_cast<GMimeObject*>(object);
}

std::string binary_bytes() {
  std::string bytes;
  for (int round = 0; round < 40; ++round) {
    for (int b = 0; b < 256; ++b) bytes += static_cast<char>(b);
  }
  return bytes;
}

MailContent sample() {
  return MailContent{
      .from = {.name = "Admit Tickets", .address = "tickets@example.com"},
      .to = {.name = "山田 太郎", .address = "taro@example.jp"},
      .subject = "Your tickets: 東京デベロッパーサミット 2027",
      .text = "Hello 太郎,\nyour tickets are attached.\n\nZoë says hi.\n",
      .html = "<p>Hello <b>太郎</b>,</p>\n<p>your tickets are attached.</p>\n",
      .attachments = {{.filename = "ticket-1.pdf", .content_type = "application/pdf", .data = binary_bytes()},
                      {.filename = "event.ics",
                       .content_type = "text/calendar; method=PUBLISH",
                       .data = "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"}},
      .message_id = "0123abcd.confirmation@tickets.example.com",
      .date = sys_days{2026y / December / 15} + 9h + 30min,
  };
}

/// The composed message as GMime's parser reads it back.
Ref<GMimeMessage> parse(std::string const& text) {
  Ref<GMimeStream> stream(g_mime_stream_mem_new_with_buffer(text.data(), text.size()));
  Ref<GMimeParser> parser(g_mime_parser_new_with_stream(stream.get()));
  Ref<GMimeMessage> message(g_mime_parser_construct_message(parser.get(), nullptr));
  if (!message) throw std::runtime_error("GMime could not parse the message");
  return message;
}

std::string decoded_content(GMimeObject* object) {
  auto* wrapper = g_mime_part_get_content(reinterpret_cast<GMimePart*>(object));
  Ref<GMimeStream> out(g_mime_stream_mem_new());
  (void)g_mime_data_wrapper_write_to_stream(wrapper, out.get());
  auto* array = g_mime_stream_mem_get_byte_array(reinterpret_cast<GMimeStreamMem*>(out.get()));
  return {reinterpret_cast<char const*>(array->data), array->len};
}

std::string without_cr(std::string text) {
  std::erase(text, '\r');
  return text;
}

std::string content_type_of(GMimeObject* object) {
  std::unique_ptr<char, decltype(&g_free)> type(
      g_mime_content_type_get_mime_type(g_mime_object_get_content_type(object)), &g_free);
  return type.get();
}

MailAddress mailbox_at(InternetAddressList* list, int index) {
  auto* address = internet_address_list_get_address(list, index);
  auto const* name = internet_address_get_name(address);
  return {.name = name ? name : "",
          .address = internet_address_mailbox_get_addr(reinterpret_cast<InternetAddressMailbox*>(address))};
}

std::vector<std::string> lines_of(std::string const& text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    auto const end = text.find("\r\n", start);
    if (end == std::string::npos) {
      lines.push_back(text.substr(start));
      break;
    }
    lines.push_back(text.substr(start, end - start));
    start = end + 2;
  }
  return lines;
}

/// How many header fields named `name` the message's top level has.
int header_count(GMimeMessage* message, char const* name) {
  auto* headers = g_mime_object_get_header_list(as_object(message));
  int count = 0;
  for (int i = 0; i < g_mime_header_list_get_count(headers); ++i) {
    if (g_ascii_strcasecmp(g_mime_header_get_name(g_mime_header_list_get_header_at(headers, i)), name) == 0) ++count;
  }
  return count;
}

TEST(GmimeComposer, HeadersDecodeBackToWhatWasGiven) {
  GmimeComposer composer;
  auto const content = sample();
  auto const text = composer.compose(content);
  auto const message = parse(text);

  EXPECT_STREQ(g_mime_message_get_subject(message.get()), content.subject.c_str());
  auto const from = mailbox_at(g_mime_message_get_from(message.get()), 0);
  EXPECT_EQ(from.name, "Admit Tickets");
  EXPECT_EQ(from.address, "tickets@example.com");
  auto const to = mailbox_at(g_mime_message_get_to(message.get()), 0);
  EXPECT_EQ(to.name, "山田 太郎");
  EXPECT_EQ(to.address, "taro@example.jp");
  EXPECT_STREQ(g_mime_message_get_message_id(message.get()), "0123abcd.confirmation@tickets.example.com");
  EXPECT_EQ(g_date_time_to_unix(g_mime_message_get_date(message.get())), content.date.time_since_epoch().count());
  EXPECT_STREQ(g_mime_object_get_header(as_object(message.get()), "MIME-Version"), "1.0");
  EXPECT_STREQ(g_mime_object_get_header(as_object(message.get()), "Auto-Submitted"), "auto-generated");
  // Non-ASCII stays out of the raw header: RFC 2047 encoded words carry it.
  auto const subject_line = text.find("\r\nSubject:");
  ASSERT_NE(subject_line, std::string::npos);
  EXPECT_NE(text.find("=?", subject_line), std::string::npos);
  for (auto const& line : lines_of(text)) {
    if (line.empty()) break;  // the end of the top-level header
    for (char const c : line) EXPECT_LT(static_cast<unsigned char>(c), 0x80) << line;
  }
}

TEST(GmimeComposer, AlternativeTextAndHtmlInsideMixedWithTheAttachments) {
  GmimeComposer composer;
  auto const content = sample();
  auto const message = parse(composer.compose(content));

  auto* top = g_mime_message_get_mime_part(message.get());
  ASSERT_EQ(content_type_of(top), "multipart/mixed");
  auto* mixed = reinterpret_cast<GMimeMultipart*>(top);
  ASSERT_EQ(g_mime_multipart_get_count(mixed), 3);

  auto* alternative_object = g_mime_multipart_get_part(mixed, 0);
  ASSERT_EQ(content_type_of(alternative_object), "multipart/alternative");
  auto* alternative = reinterpret_cast<GMimeMultipart*>(alternative_object);
  ASSERT_EQ(g_mime_multipart_get_count(alternative), 2);
  auto* plain = g_mime_multipart_get_part(alternative, 0);
  auto* html = g_mime_multipart_get_part(alternative, 1);
  EXPECT_EQ(content_type_of(plain), "text/plain");
  EXPECT_EQ(content_type_of(html), "text/html");
  EXPECT_STREQ(g_mime_object_get_content_type_parameter(plain, "charset"), "utf-8");
  EXPECT_EQ(without_cr(decoded_content(plain)), content.text);
  EXPECT_EQ(without_cr(decoded_content(html)), content.html);

  for (std::size_t i = 0; i < content.attachments.size(); ++i) {
    auto const& expected = content.attachments[i];
    auto* part = g_mime_multipart_get_part(mixed, static_cast<int>(i) + 1);
    auto* mime_part = reinterpret_cast<GMimePart*>(part);
    EXPECT_STREQ(g_mime_part_get_filename(mime_part), expected.filename.c_str());
    EXPECT_TRUE(g_mime_part_is_attachment(mime_part));
    EXPECT_EQ(g_mime_part_get_content_encoding(mime_part), GMIME_CONTENT_ENCODING_BASE64);
    EXPECT_EQ(decoded_content(part), expected.data) << expected.filename << ": the bytes come back unchanged";
  }
  EXPECT_STREQ(g_mime_object_get_content_type_parameter(g_mime_multipart_get_part(mixed, 2), "method"), "PUBLISH");
}

TEST(GmimeComposer, WithoutAttachmentsTheMessageIsTheAlternative) {
  GmimeComposer composer;
  auto content = sample();
  content.attachments.clear();
  auto const message = parse(composer.compose(content));
  EXPECT_EQ(content_type_of(g_mime_message_get_mime_part(message.get())), "multipart/alternative");
}

TEST(GmimeComposer, EveryLineEndsInCrlfAndStaysShort) {
  GmimeComposer composer;
  auto const text = composer.compose(sample());
  ASSERT_TRUE(text.ends_with("\r\n"));
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n') {
      ASSERT_TRUE(i > 0 && text[i - 1] == '\r') << "a bare LF at octet " << i;
    }
    if (text[i] == '\r') {
      ASSERT_TRUE(i + 1 < text.size() && text[i + 1] == '\n') << "a bare CR at octet " << i;
    }
  }
  for (auto const& line : lines_of(text)) EXPECT_LE(line.size(), 998U) << "RFC 5322's line limit";
  // 7-bit clean: any server takes it, with or without 8BITMIME or SMTPUTF8.
  EXPECT_TRUE(std::all_of(text.begin(), text.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; }));
}

TEST(GmimeComposer, ALineBreakInANameOrSubjectCannotAddAHeader) {
  GmimeComposer composer;
  auto content = sample();
  content.to.name = "Eve\r\nBcc: victim@example.org";
  content.from.name = "Mallory\nX-Injected: yes";
  content.subject = "Tickets\r\nBcc: other@example.org\r\n\r\nforged body";
  auto const text = composer.compose(content);
  auto const message = parse(text);

  EXPECT_EQ(header_count(message.get(), "Bcc"), 0);
  EXPECT_EQ(header_count(message.get(), "X-Injected"), 0);
  EXPECT_EQ(header_count(message.get(), "To"), 1);
  EXPECT_EQ(header_count(message.get(), "Subject"), 1);
  for (auto const& line : lines_of(text)) {
    EXPECT_FALSE(line.starts_with("Bcc:")) << line;
    EXPECT_FALSE(line.starts_with("X-Injected:")) << line;
  }
  EXPECT_EQ(internet_address_list_length(g_mime_message_get_to(message.get())), 1);
  auto const to = mailbox_at(g_mime_message_get_to(message.get()), 0);
  EXPECT_EQ(to.address, "taro@example.jp");
  EXPECT_EQ(to.name, "Eve  Bcc: victim@example.org");
  EXPECT_STREQ(g_mime_message_get_subject(message.get()), "Tickets  Bcc: other@example.org    forged body");
}

/// The unfolded value of the first top-level header field called `name`.
std::string raw_header(std::string const& text, std::string const& name) {
  auto const lines = lines_of(text);
  std::string value;
  bool inside = false;
  for (auto const& line : lines) {
    if (line.empty()) break;
    if (inside && (line.front() == ' ' || line.front() == '\t')) {
      value += line;
      continue;
    }
    if (inside) break;
    if (line.starts_with(name + ":")) {
      inside = true;
      value = line.substr(name.size() + 1);
    }
  }
  return value;
}

/// RFC 2047 text decoded one encoded word at a time, as the RFC defines it (each word stands
/// alone; white space between two words is dropped). GMime 3.2.13's own decoder joins adjacent
/// base64 words before decoding and loses everything after a padded one (GMime issue 133), so
/// it cannot judge a long encoded header.
std::string decode_words(std::string const& value) {
  std::string out;
  std::string pending_space;
  bool previous_was_word = false;
  std::size_t i = 0;
  while (i < value.size()) {
    if (value[i] == ' ' || value[i] == '\t') {
      pending_space += ' ';  // folding white space: a tab reads as a space
      ++i;
      continue;
    }
    auto const end = value.find_first_of(" \t", i);
    auto const token = value.substr(i, end == std::string::npos ? std::string::npos : end - i);
    i = end == std::string::npos ? value.size() : end;
    bool const word = token.starts_with("=?") && token.ends_with("?=");
    if (!(word && previous_was_word)) out += pending_space;
    pending_space.clear();
    if (word) {
      std::unique_ptr<char, decltype(&g_free)> decoded(g_mime_utils_header_decode_text(nullptr, token.c_str()),
                                                       &g_free);
      out += decoded.get();
    } else {
      out += token;
    }
    previous_was_word = word;
  }
  return out;
}

TEST(GmimeComposer, AVeryLongNameIsFoldedAndDecodesBack) {
  GmimeComposer composer;
  auto content = sample();
  std::string name;
  for (int i = 0; i < 150; ++i) name += "Ürsula 山田 ";
  name += "Jr";
  content.to.name = name;
  content.subject = name;
  auto const text = composer.compose(content);
  auto const message = parse(text);

  EXPECT_EQ(decode_words(raw_header(text, "Subject")), " " + name);
  EXPECT_EQ(decode_words(raw_header(text, "To")), " " + name + " <taro@example.jp>");
  EXPECT_EQ(mailbox_at(g_mime_message_get_to(message.get()), 0).address, "taro@example.jp");
  EXPECT_EQ(header_count(message.get(), "To"), 1);
  EXPECT_EQ(header_count(message.get(), "Subject"), 1);
  for (auto const& line : lines_of(text)) EXPECT_LE(line.size(), 998U);
}

TEST(GmimeComposer, RefusesAnAddressThatIsNotAnAddrSpec) {
  GmimeComposer composer;
  auto content = sample();
  content.to.address = "taro@example.jp\r\nBcc: victim@example.org";
  EXPECT_THROW((void)composer.compose(content), std::invalid_argument);
  content = sample();
  content.from.address = "Admit <tickets@example.com>";
  EXPECT_THROW((void)composer.compose(content), std::invalid_argument);
  content = sample();
  content.message_id.clear();
  EXPECT_THROW((void)composer.compose(content), std::invalid_argument);
}

TEST(GmimeComposer, ComposesFromManyThreadsAtOnce) {
  GmimeComposer composer;
  std::vector<std::thread> threads;
  std::vector<int> good(8, 0);
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&composer, &good, t] {
      for (int i = 0; i < 40; ++i) {
        auto content = sample();
        content.subject = "東京 " + std::to_string(t) + "/" + std::to_string(i);
        auto const message = parse(composer.compose(content));
        auto* mixed = reinterpret_cast<GMimeMultipart*>(g_mime_message_get_mime_part(message.get()));
        if (content.subject == g_mime_message_get_subject(message.get()) &&
            decoded_content(g_mime_multipart_get_part(mixed, 1)) == content.attachments[0].data) {
          ++good[static_cast<std::size_t>(t)];
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  for (int t = 0; t < 8; ++t) EXPECT_EQ(good[static_cast<std::size_t>(t)], 40) << "thread " << t;
}

TEST(ParseMailAddress, ReadsANameAndAnAddress) {
  auto const a = parse_mail_address("Admit <admit@localhost>");
  EXPECT_EQ(a.name, "Admit");
  EXPECT_EQ(a.address, "admit@localhost");
  auto const b = parse_mail_address("tickets@example.com");
  EXPECT_EQ(b.name, "");
  EXPECT_EQ(b.address, "tickets@example.com");
  auto const c = parse_mail_address("\"Doe, Jane\" <jane@example.com>");
  EXPECT_EQ(c.name, "Doe, Jane");
  auto const d = parse_mail_address("=?UTF-8?B?5p2x5Lqs?= <tokyo@example.jp>");
  EXPECT_EQ(d.name, "東京");
}

TEST(ParseMailAddress, RefusesWhatIsNotOneMailbox) {
  EXPECT_THROW((void)parse_mail_address(""), std::invalid_argument);
  EXPECT_THROW((void)parse_mail_address("Admit"), std::invalid_argument);
  EXPECT_THROW((void)parse_mail_address("a@example.com, b@example.com"), std::invalid_argument);
  EXPECT_THROW((void)parse_mail_address("Team: a@example.com;"), std::invalid_argument);
  EXPECT_THROW((void)parse_mail_address("Admit <admit@localhost>\r\nBcc: x@example.com"), std::invalid_argument);
}

}  // namespace
}  // namespace admit::mail
