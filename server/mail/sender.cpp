#include "mail/sender.hpp"

namespace hd::mail {

// Out of line, so that the vtable has one home.
Sender::~Sender() = default;

}  // namespace hd::mail
