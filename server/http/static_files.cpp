#include "http/static_files.hpp"

#include <brotli/encode.h>
#include <zlib.h>

#include <fstream>
#include <iterator>
#include <sstream>

#include "http/problem.hpp"

namespace hd::http {
namespace fs = std::filesystem;

namespace {

constexpr const char* kImmutable = "public, max-age=31536000, immutable";
constexpr const char* kRevalidate = "no-cache";
constexpr std::size_t kCompressAbove = 512;  // smaller files gain nothing worth a header

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw fs::filesystem_error("cannot read", path, std::make_error_code(std::errc::io_error));
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

bool compressible(std::string_view type) {
  return type.starts_with("text/") || type.starts_with("application/javascript") ||
         type.starts_with("application/json") || type.starts_with("application/manifest") ||
         type.starts_with("image/svg") || type.starts_with("application/wasm");
}

std::optional<std::string> gzip(const std::string& data) {
  z_stream z{};
  if (deflateInit2(&z, 9, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) != Z_OK) return std::nullopt;
  std::string out(deflateBound(&z, static_cast<uLong>(data.size())) + 32, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  const int rc = deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  if (rc != Z_STREAM_END) return std::nullopt;
  return out;
}

std::optional<std::string> brotli(const std::string& data) {
  std::size_t size = BrotliEncoderMaxCompressedSize(data.size());
  if (size == 0) return std::nullopt;
  std::string out(size, '\0');
  // Quality 9: close to the best for scripts, and fast enough at start-up for a few MB.
  if (!BrotliEncoderCompress(9, BROTLI_DEFAULT_WINDOW, BROTLI_MODE_TEXT, data.size(),
                             reinterpret_cast<const uint8_t*>(data.data()), &size,
                             reinterpret_cast<uint8_t*>(out.data())))
    return std::nullopt;
  out.resize(size);
  return out;
}

// FNV-1a, 64 bits: stable across runs, so ETags survive a restart with the same build.
std::string content_tag(const std::string& data) {
  std::uint64_t h = 14695981039346656037ull;
  for (unsigned char c : data) {
    h ^= c;
    h *= 1099511628211ull;
  }
  char buf[24];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return std::string(buf) + "-" + std::to_string(data.size());
}

// The q-value of `coding` in an Accept-Encoding header: -1 when absent, else 0..1.
double q_of(std::string_view header, std::string_view coding) {
  double star = -1;
  std::size_t start = 0;
  while (start < header.size()) {
    auto end = header.find(',', start);
    if (end == std::string_view::npos) end = header.size();
    std::string_view item = header.substr(start, end - start);
    start = end + 1;
    const auto semi = item.find(';');
    std::string_view name = item.substr(0, semi);
    while (!name.empty() && name.front() == ' ') name.remove_prefix(1);
    while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
    double q = 1;
    if (semi != std::string_view::npos) {
      const auto qpos = item.find("q=", semi);
      if (qpos != std::string_view::npos) q = std::atof(std::string(item.substr(qpos + 2)).c_str());
    }
    std::string lowered(name);
    for (auto& ch : lowered) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    if (lowered == coding) return q;
    if (lowered == "*") star = q;
  }
  return star;
}

// Whether an If-None-Match header lists `etag` (or is "*").
bool etag_matches(std::string_view header, std::string_view etag) {
  return header.find('*') != std::string_view::npos || header.find(etag) != std::string_view::npos;
}

// A path with an empty, "." or ".." segment (or a NUL) names nothing here: answered 404 rather
// than the app, so that probing for traversal learns nothing.
bool is_suspicious(std::string_view relative) {
  if (relative.find('\0') != std::string_view::npos ||
      relative.find('\\') != std::string_view::npos)
    return true;
  std::size_t start = 0;
  while (start <= relative.size()) {
    const auto end = std::min(relative.find('/', start), relative.size());
    const auto segment = relative.substr(start, end - start);
    const bool last = end == relative.size();
    if ((segment.empty() && !last) || segment == "." || segment == "..") return true;
    start = end + 1;
  }
  return false;
}

bool looks_like_file(std::string_view relative) {
  const auto slash = relative.rfind('/');
  const auto last = slash == std::string_view::npos ? relative : relative.substr(slash + 1);
  return last.find('.') != std::string_view::npos;
}

boost::asio::awaitable<Response> serve_file(const StaticFiles* files, Context ctx) {
  co_return files->answer(ctx.request, ctx.url.path());
}

}  // namespace

Handler static_handler(const StaticFiles& files) {
  const StaticFiles* f = &files;
  return [f](Context ctx) { return serve_file(f, std::move(ctx)); };
}

std::string_view mime_type(std::string_view name) {
  static const std::pair<std::string_view, std::string_view> kTypes[] = {
      {".html", "text/html; charset=utf-8"},
      {".js", "application/javascript; charset=utf-8"},
      {".mjs", "application/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json"},
      {".map", "application/json"},
      {".webmanifest", "application/manifest+json"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".jpg", "image/jpeg"},
      {".jpeg", "image/jpeg"},
      {".gif", "image/gif"},
      {".webp", "image/webp"},
      {".avif", "image/avif"},
      {".ico", "image/x-icon"},
      {".woff2", "font/woff2"},
      {".woff", "font/woff"},
      {".ttf", "font/ttf"},
      {".otf", "font/otf"},
      {".txt", "text/plain; charset=utf-8"},
      {".xml", "application/xml"},
      {".wasm", "application/wasm"},
  };
  const auto dot = name.rfind('.');
  if (dot != std::string_view::npos) {
    std::string ext(name.substr(dot));
    for (auto& ch : ext) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    for (const auto& [e, type] : kTypes)
      if (e == ext) return type;
  }
  return "application/octet-stream";
}

bool is_hashed_name(std::string_view name) {
  const auto slash = name.rfind('/');
  if (slash != std::string_view::npos) name.remove_prefix(slash + 1);
  const auto dot = name.rfind('.');
  if (dot == std::string_view::npos) return false;
  const std::string_view stem = name.substr(0, dot);
  if (stem.size() < 10) return false;
  const char sep = stem[stem.size() - 9];
  if (sep != '-' && sep != '.') return false;
  for (char c : stem.substr(stem.size() - 8))
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-') return false;
  return true;
}

std::string_view choose_encoding(std::string_view accept, bool have_br, bool have_gzip) {
  const double br = have_br ? q_of(accept, "br") : -1;
  const double gz = have_gzip ? q_of(accept, "gzip") : -1;
  if (br > 0 && br >= gz) return "br";
  if (gz > 0) return "gzip";
  return "";
}

StaticFiles::StaticFiles(const fs::path& root, std::string prefix) : prefix_(std::move(prefix)) {
  for (auto it = fs::recursive_directory_iterator(root); it != fs::recursive_directory_iterator();
       ++it) {
    if (!it->is_regular_file()) continue;
    const fs::path& path = it->path();
    const std::string ext = path.extension().string();
    // Precompressed siblings are read with their file, not served under their own name.
    if ((ext == ".br" || ext == ".gz") && fs::exists(fs::path(path).replace_extension())) continue;
    std::string relative = fs::relative(path, root).generic_string();
    Entry entry;
    entry.content_type = mime_type(relative);
    const bool immutable = relative.starts_with("assets/") && is_hashed_name(relative);
    entry.cache_control = immutable ? kImmutable : kRevalidate;
    auto body = std::make_shared<std::string>(read_file(path));
    entry.etag = content_tag(*body);
    if (compressible(entry.content_type) && body->size() > kCompressAbove) {
      const fs::path br_file = path.string() + ".br", gz_file = path.string() + ".gz";
      std::optional<std::string> br =
          fs::exists(br_file) ? std::optional(read_file(br_file)) : brotli(*body);
      std::optional<std::string> gz =
          fs::exists(gz_file) ? std::optional(read_file(gz_file)) : gzip(*body);
      if (br && br->size() < body->size())
        entry.brotli = std::make_shared<const std::string>(std::move(*br));
      if (gz && gz->size() < body->size())
        entry.gzip = std::make_shared<const std::string>(std::move(*gz));
    }
    entry.identity = std::move(body);
    files_.emplace(std::move(relative), std::move(entry));
  }
}

const StaticFiles::Entry* StaticFiles::find(std::string_view relative) const {
  const auto it = files_.find(relative);
  return it == files_.end() ? nullptr : &it->second;
}

Response StaticFiles::answer(const Request& request, std::string_view path) const {
  if (!loaded())
    throw Problem(503, "web_app_missing",
                  "The agents' web app is not built. Build it with `cmake --build --preset dev "
                  "--target web` (or `npm ci && npm run build` in web/), then restart.");
  std::string_view relative = path.substr(std::min(path.size(), prefix_.size()));
  if (is_suspicious(relative)) throw Problem(404, "not_found", "No file at this path.");
  const Entry* entry = relative.empty() ? find("index.html") : find(relative);
  if (!entry && !relative.empty() && relative.back() == '/') {
    std::string index(relative);
    entry = find(index + "index.html");
  }
  // An app route (no extension) gets the app; a missing file stays missing, so that a stale
  // script reference fails loudly instead of parsing HTML as JavaScript.
  if (!entry && !looks_like_file(relative)) entry = find("index.html");
  if (!entry) throw Problem(404, "not_found", "No file at this path.");
  return respond(request, *entry);
}

Response StaticFiles::respond(const Request& request, const Entry& entry) const {
  const auto encoding = choose_encoding(request[beast_http::field::accept_encoding],
                                        entry.brotli != nullptr, entry.gzip != nullptr);
  const std::string* body = entry.identity.get();
  std::string etag = "\"" + entry.etag;
  if (encoding == "br") {
    body = entry.brotli.get();
    etag += "-br";
  } else if (encoding == "gzip") {
    body = entry.gzip.get();
    etag += "-gz";
  }
  etag += "\"";

  const bool not_modified = etag_matches(request[beast_http::field::if_none_match], etag);
  Response res{not_modified ? beast_http::status::not_modified : beast_http::status::ok,
               request.version()};
  res.keep_alive(request.keep_alive());
  res.set(beast_http::field::etag, etag);
  res.set(beast_http::field::cache_control, entry.cache_control);
  if (entry.brotli || entry.gzip) res.set(beast_http::field::vary, "Accept-Encoding");
  res.set("X-Content-Type-Options", "nosniff");
  if (not_modified) return res;
  res.set(beast_http::field::content_type, entry.content_type);
  if (!encoding.empty()) res.set(beast_http::field::content_encoding, encoding);
  if (entry.content_type.starts_with("text/html")) {
    // The app's page: scripts and styles only from here (the build ships everything), no framing.
    res.set("Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
            "frame-ancestors 'none'; base-uri 'self'; form-action 'self'");
    res.set("Referrer-Policy", "same-origin");
  }
  if (request.method() == beast_http::verb::head) {
    res.content_length(body->size());
  } else {
    res.body() = *body;
    res.prepare_payload();
  }
  return res;
}

}  // namespace hd::http
