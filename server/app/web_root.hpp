#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace hd::app {

/// Where the built web app is: `configured` ([web] root) when set, which must then hold an
/// index.html (else ConfigError); otherwise the first of web/dist of the source tree the binary
/// was built from, web/dist three levels above the binary (build/<preset>/server/helpdesk),
/// and ./web/dist that holds an index.html. nullopt when none does.
std::optional<std::filesystem::path> find_web_root(const std::string& configured);

}  // namespace hd::app
