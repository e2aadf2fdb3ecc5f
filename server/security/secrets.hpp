#pragma once

#include <string>
#include <string_view>

namespace hd::security {

/// Secrets and passwords through libsodium. REQUIRES: sodium_init() succeeded (app/ does it
/// first thing). Thread-safe.

/// 32 random bytes as URL-safe base64: session, CSRF, API, survey and sign-in secrets.
std::string random_secret();

/// The stored form of a secret: BLAKE2b-256 of it (secrets have full entropy: no salt needed).
std::string hash_secret(std::string_view secret);

/// Argon2id (libsodium's interactive limits) in its self-describing string form.
/// CPU- and memory-heavy: call it off the I/O threads.
std::string hash_password(std::string_view password);
bool verify_password(const std::string& stored_hash, std::string_view password);

}  // namespace hd::security
