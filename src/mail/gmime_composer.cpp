#include "mail/gmime_composer.hpp"

#include <gmime/gmime.h>

#include <algorithm>
#include <memory>
#include <mutex>
#include <stdexcept>

namespace admit::mail {
namespace {

void init_gmime_once() {
  // g_mime_init sets up global tables (charsets, the type registry) and is not thread-safe;
  // after it, separate objects may be used from separate threads.
  static std::once_flag once;
  std::call_once(once, [] { g_mime_init(); });
}

/// Owns one reference to a GObject.
struct Unref {
  void operator()(void* object) const { g_object_unref(object); }
};
template <typename T>
using Ref = std::unique_ptr<T, Unref>;

struct FreeFormatOptions {
  void operator()(GMimeFormatOptions* options) const { g_mime_format_options_free(options); }
};

struct GFree {
  void operator()(void* p) const { g_free(p); }
};

template <typename T>
GMimeObject* as_object(T* object) {
  return reinterpret_cast<GMimeObject*>(object);
}

/// Valid UTF-8 (invalid bytes become U+FFFD) without control characters: a CR or LF in a
/// display name or subject must never end the header it stands in.
std::string header_text(std::string_view text) {
  std::unique_ptr<char, GFree> valid(g_utf8_make_valid(text.data(), static_cast<gssize>(text.size())));
  std::string out(valid.get());
  std::replace_if(
      out.begin(), out.end(),
      [](char c) {
        auto const u = static_cast<unsigned char>(c);
        return u < 0x20 || u == 0x7f;
      },
      ' ');
  return out;
}

/// Valid UTF-8 with LF line ends.
std::string body_text(std::string_view text) {
  std::unique_ptr<char, GFree> valid(g_utf8_make_valid(text.data(), static_cast<gssize>(text.size())));
  std::string out;
  std::string_view const in(valid.get());
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '\r') {
      out += '\n';
      if (i + 1 < in.size() && in[i + 1] == '\n') ++i;
    } else {
      out += in[i];
    }
  }
  return out;
}

std::string checked_address(std::string const& address, char const* which) {
  if (!is_plain_addr_spec(address)) {
    throw std::invalid_argument(std::string("the ") + which +
                                " address is not a plain addr-spec: " + header_text(address));
  }
  return address;
}

Ref<GMimeDataWrapper> wrap_bytes(std::string_view bytes) {
  Ref<GMimeStream> stream(g_mime_stream_mem_new_with_buffer(bytes.data(), bytes.size()));
  return Ref<GMimeDataWrapper>(g_mime_data_wrapper_new_with_stream(stream.get(), GMIME_CONTENT_ENCODING_DEFAULT));
}

Ref<GMimeTextPart> text_part(char const* subtype, std::string_view text) {
  Ref<GMimeTextPart> part(g_mime_text_part_new_with_subtype(subtype));
  auto* const mime_part = reinterpret_cast<GMimePart*>(part.get());
  g_mime_text_part_set_charset(part.get(), "utf-8");
  auto const lf_text = body_text(text);
  g_mime_part_set_content(mime_part, wrap_bytes(lf_text).get());
  auto const encoding = g_mime_part_get_best_content_encoding(mime_part, GMIME_ENCODING_CONSTRAINT_7BIT);
  g_mime_part_set_content_encoding(mime_part, encoding);
  // Quoted-printable and 7bit lines pass GMime's newline filter, which writes each LF as
  // CRLF; base64 hides the line breaks from it, so they must be CRLF already (RFC 2045 6.8).
  if (encoding == GMIME_CONTENT_ENCODING_BASE64) {
    std::string crlf_text;
    crlf_text.reserve(lf_text.size() + lf_text.size() / 32);
    for (char const c : lf_text) {
      if (c == '\n') crlf_text += '\r';
      crlf_text += c;
    }
    g_mime_part_set_content(mime_part, wrap_bytes(crlf_text).get());
  }
  return part;
}

Ref<GMimePart> attachment_part(MailAttachment const& attachment) {
  Ref<GMimeContentType> type(g_mime_content_type_parse(nullptr, attachment.content_type.c_str()));
  if (!type || !g_mime_content_type_get_media_type(type.get()) || !g_mime_content_type_get_media_subtype(type.get())) {
    throw std::invalid_argument("an attachment's content type is not TYPE/SUBTYPE: " +
                                header_text(attachment.content_type));
  }
  Ref<GMimePart> part(g_mime_part_new());
  g_mime_object_set_content_type(as_object(part.get()), type.get());
  g_mime_object_set_disposition(as_object(part.get()), "attachment");
  g_mime_part_set_filename(part.get(), header_text(attachment.filename).c_str());
  auto const content = wrap_bytes(attachment.data);
  g_mime_part_set_content(part.get(), content.get());
  g_mime_part_set_content_encoding(part.get(), GMIME_CONTENT_ENCODING_BASE64);
  return part;
}

}  // namespace

bool is_plain_addr_spec(std::string_view address) {
  auto const at = address.rfind('@');
  if (at == std::string_view::npos || at == 0 || at + 1 == address.size() || address.size() > 254) return false;
  return std::none_of(address.begin(), address.end(), [](char c) {
    auto const u = static_cast<unsigned char>(c);
    return u <= 0x20 || u == 0x7f || c == '<' || c == '>' || c == ',';
  });
}

GmimeComposer::GmimeComposer() {
  init_gmime_once();
}

std::string GmimeComposer::compose(MailContent const& content) {
  auto const from = checked_address(content.from.address, "From");
  auto const to = checked_address(content.to.address, "To");
  auto const message_id = header_text(content.message_id);
  if (message_id.empty() || message_id.find(' ') != std::string::npos) {
    throw std::invalid_argument("a message needs a Message-ID without spaces");
  }

  Ref<GMimeMessage> message(g_mime_message_new(TRUE));
  g_mime_message_add_mailbox(message.get(), GMIME_ADDRESS_TYPE_FROM, header_text(content.from.name).c_str(),
                             from.c_str());
  g_mime_message_add_mailbox(message.get(), GMIME_ADDRESS_TYPE_TO, header_text(content.to.name).c_str(), to.c_str());
  g_mime_message_set_subject(message.get(), header_text(content.subject).c_str(), "utf-8");
  {
    std::unique_ptr<GDateTime, decltype(&g_date_time_unref)> date(
        g_date_time_new_from_unix_utc(content.date.time_since_epoch().count()), &g_date_time_unref);
    g_mime_message_set_date(message.get(), date.get());
  }
  g_mime_message_set_message_id(message.get(), message_id.c_str());
  // RFC 3834: every message Admit sends is made by a program, so vacation responders and the
  // like must not answer it.
  g_mime_object_set_header(as_object(message.get()), "Auto-Submitted", "auto-generated", nullptr);

  Ref<GMimeMultipart> alternative(g_mime_multipart_new_with_subtype("alternative"));
  // RFC 2046: the last alternative is the richest one a reader shows.
  g_mime_multipart_add(alternative.get(), as_object(text_part("plain", content.text).get()));
  g_mime_multipart_add(alternative.get(), as_object(text_part("html", content.html).get()));

  if (content.attachments.empty()) {
    g_mime_message_set_mime_part(message.get(), as_object(alternative.get()));
  } else {
    Ref<GMimeMultipart> mixed(g_mime_multipart_new_with_subtype("mixed"));
    g_mime_multipart_add(mixed.get(), as_object(alternative.get()));
    for (auto const& attachment : content.attachments) {
      g_mime_multipart_add(mixed.get(), as_object(attachment_part(attachment).get()));
    }
    g_mime_message_set_mime_part(message.get(), as_object(mixed.get()));
  }

  std::unique_ptr<GMimeFormatOptions, FreeFormatOptions> options(g_mime_format_options_new());
  g_mime_format_options_set_newline_format(options.get(), GMIME_NEWLINE_FORMAT_DOS);
  std::unique_ptr<char, GFree> const text(g_mime_object_to_string(as_object(message.get()), options.get()));
  return text ? std::string(text.get()) : std::string();
}

MailAddress parse_mail_address(std::string_view text) {
  init_gmime_once();
  std::string const input(text);
  bool const has_controls = std::any_of(input.begin(), input.end(), [](char c) {
    auto const u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7f;
  });
  if (has_controls) throw std::invalid_argument("a mail address must not contain control characters");
  Ref<InternetAddressList> list(internet_address_list_parse(nullptr, input.c_str()));
  if (!list || internet_address_list_length(list.get()) != 1) {
    throw std::invalid_argument("expected one mail address such as \"Admit <tickets@example.com>\", not '" + input +
                                "'");
  }
  auto* const address = internet_address_list_get_address(list.get(), 0);
  if (!INTERNET_ADDRESS_IS_MAILBOX(address)) {
    throw std::invalid_argument("expected one mail address, not a group: '" + input + "'");
  }
  auto* const mailbox = reinterpret_cast<InternetAddressMailbox*>(address);
  char const* addr = internet_address_mailbox_get_addr(mailbox);
  char const* name = internet_address_get_name(address);
  MailAddress out{.name = name ? name : "", .address = addr ? addr : ""};
  if (!is_plain_addr_spec(out.address)) {
    throw std::invalid_argument("expected a mail address such as \"Admit <tickets@example.com>\", not '" + input + "'");
  }
  return out;
}

}  // namespace admit::mail
