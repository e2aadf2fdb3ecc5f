#include "store/ticket_replay.hpp"

#include <boost/json/parse.hpp>

namespace hd::store {
namespace json = boost::json;

domain::TicketLife replay_life(const std::vector<EventRecord>& events,
                               const domain::Calendar& calendar) {
  domain::TicketLife life;
  for (const auto& event : events) {
    if (event.type == domain::EventType::created) {
      const json::value data = json::parse(event.data);
      const auto* outbound = data.as_object().if_contains("outbound");
      life = domain::start_life(event.at, outbound && outbound->as_bool());
    } else if (event.type == domain::EventType::message) {
      const json::value data = json::parse(event.data);
      const auto& o = data.as_object();
      const auto author = domain::parse_actor_kind(o.at("author").as_string());
      domain::on_message(life, {event.at, *author, o.at("internal").as_bool()}, calendar);
    } else if (event.type == domain::EventType::status) {
      const json::value data = json::parse(event.data);
      const auto to = domain::parse_status(data.as_object().at("to").as_string());
      // A customer's message already moved the ticket; its status event then repeats the move.
      domain::on_status(life, *to, event.at, calendar);
    }
  }
  return life;
}

}  // namespace hd::store
