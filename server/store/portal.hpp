#pragma once

#include <optional>
#include <string>
#include <vector>

#include "store/database.hpp"
#include "store/records.hpp"

namespace hd::store {

// The customer portal: sign-in links and customer sessions (only hashes of secrets stored).

/// A sign-in link for `customer_id`, valid until `expires_at`. Expired links are swept here.
void create_customer_link(Tx& tx, Id customer_id, const std::string& token_hash, Millis now,
                          Millis expires_at);

/// The customer a valid (unexpired) sign-in link belongs to.
std::optional<CustomerRecord> customer_for_link(Connection& db, const std::string& token_hash,
                                                Millis now);

struct CustomerSession {
  CustomerRecord customer;
  std::string csrf_hash;
};

void create_customer_session(Tx& tx, Id customer_id, const std::string& token_hash,
                             const std::string& csrf_hash, Millis now, Millis expires_at);
std::optional<CustomerSession> find_customer_session(Connection& db, const std::string& token_hash,
                                                     Millis now);
void delete_customer_session(Tx& tx, const std::string& token_hash);

/// The customer with this email, if known.
std::optional<CustomerRecord> find_customer_by_email(Connection& db, const std::string& email);

}  // namespace hd::store
