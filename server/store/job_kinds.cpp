#include "store/job_kinds.hpp"

#include <boost/describe/class.hpp>
#include <boost/json.hpp>
#include <stdexcept>

#include "store/jobs_store.hpp"

namespace hd::store {

// The JSON of each payload is derived from these descriptions: one list of fields per kind.
BOOST_DESCRIBE_STRUCT(SatisfactionCheck, (), (ticket_id, episode))
BOOST_DESCRIBE_STRUCT(SurveyReminder, (), (survey_id))
BOOST_DESCRIBE_STRUCT(SurveyExpire, (), (survey_id))
BOOST_DESCRIBE_STRUCT(NotifyDissatisfied, (), (ticket_id, survey_id))
BOOST_DESCRIBE_STRUCT(NotifyAgent, (), (ticket_id, survey_id, user_id))
BOOST_DESCRIBE_STRUCT(MailTicketReceived, (), (ticket_id))
BOOST_DESCRIBE_STRUCT(MailAgentReply, (), (ticket_id, message_id))
BOOST_DESCRIBE_STRUCT(MailMagicLink, (), (customer_id))
BOOST_DESCRIBE_STRUCT(SlaWatch, (), (ticket_id, target, kind, due_at))
BOOST_DESCRIBE_STRUCT(SlaRecompute, (), ())
BOOST_DESCRIBE_STRUCT(NotifySla, (), (ticket_id, user_id, target, kind, due_at))

namespace {

std::string key(JobKind kind, std::initializer_list<std::int64_t> parts) {
  std::string k(to_string(kind));
  for (auto part : parts) (k += ':') += std::to_string(part);
  return k;
}

}  // namespace

std::string_view to_string(JobKind kind) {
  return kJobKindNames[std::size_t(kind)];
}

std::optional<JobKind> parse_job_kind(std::string_view name) {
  for (std::size_t i = 0; i < kJobKindNames.size(); ++i)
    if (name == kJobKindNames[i]) return static_cast<JobKind>(i);
  return std::nullopt;
}

std::string unique_key(const SatisfactionCheck& p, Millis) {
  return key(p.kKind, {p.ticket_id, p.episode});
}
std::string unique_key(const SurveyReminder& p, Millis) {
  return key(p.kKind, {p.survey_id});
}
std::string unique_key(const SurveyExpire& p, Millis) {
  return key(p.kKind, {p.survey_id});
}
std::string unique_key(const NotifyDissatisfied& p, Millis) {
  return key(p.kKind, {p.survey_id});
}
std::string unique_key(const NotifyAgent& p, Millis) {
  return key(p.kKind, {p.survey_id, p.user_id});
}
std::string unique_key(const MailTicketReceived& p, Millis) {
  return key(p.kKind, {p.ticket_id});
}
std::string unique_key(const MailAgentReply& p, Millis) {
  return key(p.kKind, {p.message_id});
}
std::string unique_key(const MailMagicLink& p, Millis now) {
  return key(p.kKind, {p.customer_id, now});
}

std::string sla_watch_key_prefix(Id ticket_id) {
  return key(JobKind::sla_watch, {ticket_id}) + ":";
}
std::string unique_key(const SlaWatch& p, Millis) {
  return sla_watch_key_prefix(p.ticket_id) + p.target + ":" + p.kind + ":" +
         std::to_string(p.due_at);
}
std::string unique_key(const SlaRecompute& p, Millis) {
  return std::string(to_string(p.kKind)) + ":" + p.edit;
}
std::string unique_key(const NotifySla& p, Millis) {
  return key(p.kKind, {p.ticket_id}) + ":" + p.target + ":" + p.kind + ":" +
         std::to_string(p.due_at) + ":" + std::to_string(p.user_id);
}

template <class Payload>
std::string payload_json(const Payload& payload) {
  return boost::json::serialize(boost::json::value_from(payload));
}

template <class Payload>
Payload parse_payload(std::string_view json) {
  boost::system::error_code ec;
  const auto value = boost::json::parse(json, ec);
  if (!ec) {
    auto payload = boost::json::try_value_to<Payload>(value);
    if (payload) return *payload;
  }
  throw std::invalid_argument("the payload of a " + std::string(to_string(Payload::kKind)) +
                              " job is not valid: " + std::string(json));
}

template <class Payload>
bool enqueue(Tx& tx, const Payload& payload, Millis run_at, Millis now) {
  return queue_job(tx, to_string(Payload::kKind), payload_json(payload), run_at,
                   unique_key(payload, now), now);
}

template <class Payload>
void cancel(Tx& tx, const Payload& payload, Millis now) {
  cancel_job(tx, unique_key(payload, now), now);
}

// Every kind, instantiated here so that the description macros stay in this one file.
#define HD_JOB_KIND(Payload)                                           \
  template std::string payload_json<Payload>(const Payload&);          \
  template Payload parse_payload<Payload>(std::string_view);           \
  template bool enqueue<Payload>(Tx&, const Payload&, Millis, Millis); \
  template void cancel<Payload>(Tx&, const Payload&, Millis);
HD_JOB_KIND(SatisfactionCheck)
HD_JOB_KIND(SurveyReminder)
HD_JOB_KIND(SurveyExpire)
HD_JOB_KIND(NotifyDissatisfied)
HD_JOB_KIND(NotifyAgent)
HD_JOB_KIND(MailTicketReceived)
HD_JOB_KIND(MailAgentReply)
HD_JOB_KIND(MailMagicLink)
HD_JOB_KIND(SlaWatch)
HD_JOB_KIND(SlaRecompute)
HD_JOB_KIND(NotifySla)
#undef HD_JOB_KIND

}  // namespace hd::store
