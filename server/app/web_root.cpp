#include "app/web_root.hpp"

#include "app/config.hpp"

namespace hd::app {
namespace fs = std::filesystem;

std::optional<fs::path> find_web_root(const std::string& configured) {
  std::error_code ec;
  if (!configured.empty()) {
    if (!fs::exists(fs::path(configured) / "index.html", ec))
      throw ConfigError("web.root: '" + configured +
                        "' holds no index.html (build the web app, or leave web.root empty)");
    return fs::path(configured);
  }
  std::vector<fs::path> candidates;
#ifdef HD_SOURCE_DIR
  candidates.push_back(fs::path(HD_SOURCE_DIR) / "web" / "dist");
#endif
  if (const auto exe = fs::read_symlink("/proc/self/exe", ec); !ec)
    candidates.push_back(exe.parent_path() / ".." / ".." / ".." / "web" / "dist");
  candidates.push_back(fs::current_path(ec) / "web" / "dist");
  for (const auto& dir : candidates)
    if (fs::exists(dir / "index.html", ec)) return fs::weakly_canonical(dir, ec);
  return std::nullopt;
}

}  // namespace hd::app
