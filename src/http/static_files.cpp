#include "http/static_files.hpp"

#include <fstream>
#include <sstream>

#include "api/problem.hpp"
#include "api/router.hpp"

namespace admit::http {
namespace {

std::string_view content_type(std::filesystem::path const& file) {
  auto const ext = file.extension().string();
  if (ext == ".html") return "text/html; charset=utf-8";
  if (ext == ".js" || ext == ".mjs") return "text/javascript; charset=utf-8";
  if (ext == ".css") return "text/css; charset=utf-8";
  if (ext == ".json" || ext == ".webmanifest") return "application/json";
  if (ext == ".svg") return "image/svg+xml";
  if (ext == ".png") return "image/png";
  if (ext == ".jpg" || ext == ".jpeg") return "image/jpeg";
  if (ext == ".webp") return "image/webp";
  if (ext == ".ico") return "image/x-icon";
  if (ext == ".woff2") return "font/woff2";
  if (ext == ".txt") return "text/plain; charset=utf-8";
  if (ext == ".wasm") return "application/wasm";
  return "application/octet-stream";
}

bool accepts(std::string_view accept_encoding, std::string_view coding) {
  return accept_encoding.find(coding) != std::string_view::npos;
}

bool is_api_path(std::string_view path) {
  for (std::string_view prefix : {"/api/", "/.well-known/"}) {
    if (path.starts_with(prefix)) return true;
  }
  return path == "/api" || path == "/healthz" || path == "/readyz" || path == "/metrics";
}

}  // namespace

StaticFiles::StaticFiles(std::filesystem::path const& root) {
  std::error_code ec;
  if (!root.empty() && std::filesystem::is_regular_file(root / "index.html", ec)) {
    root_ = std::filesystem::canonical(root, ec);
  }
}

StaticFiles::File const* StaticFiles::load(std::filesystem::path const& file) {
  std::lock_guard lock(mutex_);
  auto [it, inserted] = cache_.try_emplace(file.string());
  if (inserted) {
    std::error_code ec;
    if (std::filesystem::is_regular_file(file, ec)) {
      std::ifstream in(file, std::ios::binary);
      std::ostringstream content;
      content << in.rdbuf();
      auto const size = std::filesystem::file_size(file, ec);
      auto const stamp = std::filesystem::last_write_time(file, ec).time_since_epoch().count();
      it->second = File{content.str(), "\"" + std::to_string(size) + "-" + std::to_string(stamp) + "\""};
    }
  }
  return it->second ? &*it->second : nullptr;
}

std::optional<api::Response> StaticFiles::serve(std::string_view path, std::string_view accept_encoding,
                                                std::string_view if_none_match) {
  if (!enabled() || is_api_path(path)) return std::nullopt;
  auto decoded = api::percent_decode(path);
  if (!decoded || decoded->find('\0') != std::string::npos) return std::nullopt;

  // Resolve inside the root only: "..", symlinks and absolute tricks all end up outside the
  // canonical root and are refused.
  std::filesystem::path relative = std::filesystem::path(*decoded).relative_path();
  std::error_code ec;
  auto candidate = std::filesystem::weakly_canonical(root_ / relative, ec);
  auto const inside =
      !ec && std::mismatch(root_.begin(), root_.end(), candidate.begin(), candidate.end()).first == root_.end();
  bool const is_file = inside && std::filesystem::is_regular_file(candidate, ec);
  bool const is_asset = relative.string().starts_with("assets/");
  if (!is_file) {
    // A missing hashed asset is a real 404; any other path is a route of the app.
    if (is_asset || relative.has_extension()) {
      return api::problem(404, "not-found", "Not found", "No file lives at this path.");
    }
    candidate = root_ / "index.html";
  }

  auto const* plain = load(candidate);
  if (!plain) return api::problem(404, "not-found", "Not found", "No file lives at this path.");
  api::Response response{
      .status = 200, .content_type = std::string(content_type(candidate)), .body = {}, .headers = {}};
  bool const immutable = candidate.parent_path().filename() == "assets";
  response.with_header("Cache-Control", immutable ? "public, max-age=31536000, immutable" : "no-cache");
  response.with_header("Vary", "Accept-Encoding");
  response.with_header("ETag", plain->etag);
  if (!if_none_match.empty() && if_none_match == plain->etag) {
    response.status = 304;
    return response;
  }
  File const* chosen = plain;
  for (auto const& [coding, suffix] : {std::pair{"br", ".br"}, std::pair{"gzip", ".gz"}}) {
    if (!accepts(accept_encoding, coding)) continue;
    if (auto const* compressed = load(candidate.string() + suffix)) {
      chosen = compressed;
      response.with_header("Content-Encoding", coding);
      break;
    }
  }
  response.body = chosen->body;
  if (candidate.filename() == "index.html") {
    // Stripe.js (checkout with the stripe provider) loads from js.stripe.com, draws the card form
    // in its own frames and talks to api.stripe.com: the hosts Stripe's CSP guide lists.
    response.with_header("Content-Security-Policy",
                         "default-src 'self'; script-src 'self' https://js.stripe.com https://*.js.stripe.com; "
                         "frame-src https://js.stripe.com https://*.js.stripe.com https://hooks.stripe.com; "
                         "img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; "
                         "connect-src 'self' https://api.stripe.com; media-src 'self' blob:; frame-ancestors 'none'");
  }
  return response;
}

}  // namespace admit::http
