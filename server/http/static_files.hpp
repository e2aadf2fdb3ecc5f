#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "http/types.hpp"

namespace hd::http {

/// A built single-page app (or any directory of files) served from memory under one URL prefix.
/// The directory is read once at start: every regular file below it becomes an entry, with its
/// MIME type, a strong ETag and, for text-like files, brotli and gzip encodings (taken from
/// `name.br` / `name.gz` beside the file when the build wrote them, else compressed here).
/// A request can only name an entry of that table, so no path can leave the directory.
/// Thread contract: load before serving; answer() is then safe from any thread.
class StaticFiles {
 public:
  /// Serves nothing: every request under the prefix gets 503 `web_app_missing`, telling how to
  /// build it.
  StaticFiles() = default;

  /// Reads every file under `root`. `prefix` is the URL path the directory appears at, starting
  /// and ending with '/', e.g. "/app/". Files under `assets/` named like `name-HASH.ext` (how
  /// Vite writes its output) are immutable; everything else is revalidated (no-cache).
  /// Throws std::filesystem::filesystem_error when `root` can't be read.
  StaticFiles(const std::filesystem::path& root, std::string prefix);

  /// The URL prefix, e.g. "/app/".
  const std::string& prefix() const { return prefix_; }

  /// Whether a build was found (index.html present).
  bool loaded() const { return files_.count("index.html") > 0; }

  /// Files served.
  std::size_t size() const { return files_.size(); }

  /// Answers a GET or HEAD for `path` (the decoded URL path, starting with prefix()): the file,
  /// or index.html for paths that name no file and don't look like a file (the app's own routes),
  /// 304 for a matching If-None-Match, 404 for a missing asset. Throws Problem 503 when
  /// nothing is loaded.
  Response answer(const Request& request, std::string_view path) const;

 private:
  struct Entry {
    std::string content_type;
    std::string cache_control;
    std::string etag;  ///< of the identity body; encodings append -br / -gz
    std::shared_ptr<const std::string> identity, brotli, gzip;
  };

  const Entry* find(std::string_view relative) const;
  Response respond(const Request& request, const Entry& entry) const;

  std::string prefix_ = "/app/";
  std::map<std::string, Entry, std::less<>> files_;  ///< relative path ("assets/x.js") -> entry
};

/// A router handler answering from `files` (for Router::mount). `files` must outlive the router.
Handler static_handler(const StaticFiles& files);

/// The MIME type of a file name by its extension ("application/octet-stream" when unknown).
std::string_view mime_type(std::string_view file_name);

/// Whether a file name carries a content hash the way Vite writes them (`index-D4f_3a9c.js`,
/// `logo.5d41402a.svg`): the stem ends in a '-' or '.' and 8 base64url characters.
bool is_hashed_name(std::string_view file_name);

/// Picks the encoding for an Accept-Encoding header among those available: "br", "gzip" or ""
/// (identity). Honours q=0 exclusions.
std::string_view choose_encoding(std::string_view accept_encoding, bool have_br, bool have_gzip);

}  // namespace hd::http
