#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace hd::mail {

/// The kind-specific content of a mail: subject, both bodies and the headers that belong to
/// the kind. The caller adds addresses and threading (thread_into_ticket) to make a Mail.
/// Every value from a struct below is escaped in `html` (and only there: `text` is plain).
struct RenderedMail {
  std::string subject;  ///< carries the ticket tag when the mail is about a ticket
  std::string text;     ///< text/plain; every link is written out in full
  std::string html;     ///< text/html; a complete document with inline styles
  /// Auto-Submitted for mails no person wrote (RFC 3834: out-of-office replies stay quiet),
  /// List-Unsubscribe where there is an opt-out link.
  std::vector<std::pair<std::string, std::string>> headers;
};

/// To the customer when a ticket is opened: the acknowledgement, with a link to follow it.
struct TicketReceived {
  std::int64_t ticket_id = 0;
  std::string subject;        ///< the ticket's subject as the customer wrote it
  std::string customer_name;  ///< may be empty: the greeting is then neutral
  std::string portal_url;     ///< the customer's magic link to this ticket; empty: no link
};

/// To the customer: an agent's public reply.
struct AgentReply {
  std::int64_t ticket_id = 0;
  std::string subject;
  std::string agent_name;
  std::string body;        ///< plain text as the agent typed it; line breaks are kept
  std::string portal_url;  ///< the customer's magic link to this ticket; empty: no link
};

/// To the customer after a resolution (satisfaction check), and its one reminder.
struct SurveyInvitation {
  std::int64_t ticket_id = 0;
  std::string subject;
  std::string customer_name;
  std::string survey_url;   ///< each rating links to survey_url with "score=1".."score=5" added
  std::string opt_out_url;  ///< stops all surveys for this customer; also List-Unsubscribe
  std::string portal_url;   ///< the customer's magic link to this ticket; empty: no link
};

/// To a customer who asked for access to their tickets.
struct MagicLink {
  std::string customer_name;
  std::string link_url;   ///< signs the customer in
  std::string valid_for;  ///< e.g. "24 hours"; empty: not mentioned
};

/// To the agent (or team) of a ticket that a dissatisfied customer reopened.
struct AgentNotification {
  std::int64_t ticket_id = 0;
  std::string subject;
  std::string agent_name;
  std::string customer_name;
  std::optional<int> score;  ///< the CSAT answer 1..5, when the survey carried one
  std::string comment;       ///< the customer's words, plain text; may be empty
  std::string ticket_url;    ///< the ticket in the agents' app; empty: no link
};

/// To the assignee or a supervisor of a ticket whose SLA target is close to or past its due time.
struct SlaAlert {
  std::int64_t ticket_id = 0;
  std::string subject;
  std::string agent_name;
  bool breach = false;     ///< false: a warning
  std::string target;      ///< first_response | next_reply | resolution
  std::string due;         ///< the due time as people read it, e.g. "2026-12-01 14:00 UTC"
  std::string ticket_url;  ///< the ticket in the agents' app; empty: no link
};

/// The five CSAT answers in order, 1 first, as the mails label them (KPIS.md: "How satisfied
/// are you with the help you received?", 1-5).
inline constexpr std::array<std::string_view, 5> kRatingLabels{"Very dissatisfied", "Dissatisfied",
                                                               "Neither satisfied nor dissatisfied",
                                                               "Satisfied", "Very satisfied"};

/// `url` with the query parameter "score=`score`" added ('?' or '&' as the URL needs).
std::string rating_url(const std::string& url, int score);

/// Renderers. Pure functions of their input: no clock, no I/O; callable from any thread.
RenderedMail render_ticket_received(const TicketReceived& in);
RenderedMail render_agent_reply(const AgentReply& in);
RenderedMail render_satisfaction_check(const SurveyInvitation& in);
RenderedMail render_survey_reminder(const SurveyInvitation& in);
RenderedMail render_magic_link(const MagicLink& in);
RenderedMail render_agent_notification(const AgentNotification& in);
RenderedMail render_sla_alert(const SlaAlert& in);

}  // namespace hd::mail
