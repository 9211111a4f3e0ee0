#pragma once

#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "api/http_types.hpp"

namespace admit::http {

/// Serves the built web app (web/dist) at "/": hashed assets cached for a year, index.html
/// revalidated every time, precompressed .br/.gz siblings when the client accepts them,
/// ETags, and index.html for any other path so deep links work. Nothing outside the folder
/// is ever served. Files are read once and kept in memory (the app is small).
class StaticFiles {
 public:
  explicit StaticFiles(std::filesystem::path const& root);

  /// Whether there is an app to serve.
  bool enabled() const { return !root_.empty(); }
  /// The response for a GET or HEAD of `path` (percent-encoded), or nullopt when the path
  /// belongs to the API and must 404 there.
  std::optional<api::Response> serve(std::string_view path, std::string_view accept_encoding,
                                     std::string_view if_none_match);

 private:
  struct File {
    std::string body;
    std::string etag;
  };
  File const* load(std::filesystem::path const& file);

  std::filesystem::path root_;
  std::mutex mutex_;
  std::unordered_map<std::string, std::optional<File>> cache_;
};

}  // namespace admit::http
