// SLA policies: ordered, versioned rules (admin writes; all staff read), and a ticket's SLA
// explanation.
#include <charconv>

#include "api/auth.hpp"
#include "api/handler_support.hpp"
#include "api/json_input.hpp"
#include "api/routes.hpp"
#include "api/sla_representation.hpp"
#include "store/job_kinds.hpp"
#include "store/people.hpp"
#include "store/sla_store.hpp"

namespace hd::api {
namespace {
namespace bh = http::beast_http;
namespace json = boost::json;
using domain::Millis;
using domain::Role;

constexpr int kMaxTargetMinutes = 366 * 1440;
constexpr std::size_t kMaxConditionValues = 100;
constexpr std::size_t kMaxEscalationSteps = 20;

std::optional<std::int64_t> if_match(const http::Context& ctx) {
  auto header = ctx.request[bh::field::if_match];
  if (header.empty()) return std::nullopt;
  if (header.starts_with("W/")) header.remove_prefix(2);
  if (header.size() >= 2 && header.front() == '"' && header.back() == '"')
    header = header.substr(1, header.size() - 2);
  std::int64_t version = 0;
  const auto [end, ec] = std::from_chars(header.data(), header.data() + header.size(), version);
  if (ec != std::errc{} || end != header.data() + header.size())
    throw http::Problem(412, "version_mismatch", "If-Match is not an ETag of this policy.");
  return version;
}

/// Reads `conditions` (replacing all of them) into `p`.
void read_conditions(JsonInput& in, domain::SlaPolicy& p) {
  const auto* conditions = in.object("conditions");
  if (!conditions) return;
  p.conditions = {};
  for (const auto& [key, value] : *conditions) {
    const std::string field = "conditions." + std::string(key);
    if (key != "priority" && key != "team_id" && key != "channel" && key != "organization") {
      in.fail(field, "is not a known condition: use priority, team_id, channel, organization");
      continue;
    }
    if (value.is_null()) continue;
    if (!value.is_array() || value.as_array().size() > kMaxConditionValues) {
      in.fail(field,
              "must be an array of at most " + std::to_string(kMaxConditionValues) + " values");
      continue;
    }
    for (const auto& item : value.as_array()) {
      if (key == "team_id") {
        if (!item.is_int64() || item.as_int64() <= 0)
          in.fail(field, "must hold positive team ids");
        else
          p.conditions.team_ids.push_back(item.as_int64());
        continue;
      }
      if (!item.is_string() || item.as_string().empty() || item.as_string().size() > 254) {
        in.fail(field, "must hold strings of 1 to 254 characters");
        continue;
      }
      const std::string text(item.as_string());
      if (key == "priority") {
        if (auto v = domain::parse_priority(text))
          p.conditions.priorities.push_back(*v);
        else
          in.fail(field, "'" + text + "' is not a priority: use low, normal, high, urgent");
      } else if (key == "channel") {
        if (auto v = domain::parse_channel(text))
          p.conditions.channels.push_back(*v);
        else
          in.fail(field, "'" + text + "' is not a channel: use email, web, phone, chat, api");
      } else {
        p.conditions.organizations.push_back(text);
      }
    }
  }
}

/// Reads `targets` into `p`: a key given sets (null clears) that target, others stay.
void read_targets(JsonInput& in, domain::SlaPolicy& p, bool replace) {
  const auto* targets = in.object("targets");
  if (!targets) return;
  if (replace) p.targets = {};
  for (const auto& [key, value] : *targets) {
    const std::string field = "targets." + std::string(key);
    std::optional<int>* slot = key == "first_response" ? &p.targets.first_response
                               : key == "next_reply"   ? &p.targets.next_reply
                               : key == "resolution"   ? &p.targets.resolution
                                                       : nullptr;
    if (!slot) {
      in.fail(field, "is not a known target: use first_response, next_reply, resolution");
      continue;
    }
    if (value.is_null()) {
      slot->reset();
      continue;
    }
    if (!value.is_int64() || value.as_int64() < 1 || value.as_int64() > kMaxTargetMinutes) {
      in.fail(field, "must be a whole number of business minutes from 1 to " +
                         std::to_string(kMaxTargetMinutes));
      continue;
    }
    *slot = static_cast<int>(value.as_int64());
  }
}

/// Reads `escalations` (replacing all of them) into `p`: each step names when it fires, an
/// optional target, and at least one action.
void read_escalations(JsonInput& in, domain::SlaPolicy& p) {
  const auto* steps = in.array("escalations");
  if (!steps) return;
  p.escalations.clear();
  if (steps->size() > kMaxEscalationSteps)
    in.fail("escalations", "must hold at most " + std::to_string(kMaxEscalationSteps) + " steps");
  for (std::size_t n = 0; n < steps->size() && n < kMaxEscalationSteps; ++n) {
    const std::string field = "escalations[" + std::to_string(n) + "]";
    if (!(*steps)[n].is_object()) {
      in.fail(field, "must be an object");
      continue;
    }
    domain::EscalationStep step;
    bool ok = true;
    auto bad = [&](const std::string& key, const std::string& why) {
      in.fail(field + "." + key, why);
      ok = false;
    };
    auto text = [](const json::value& v) {
      return v.is_string() ? std::string(v.as_string()) : "";
    };
    auto id = [&](const std::string& key, const json::value& v) -> std::optional<std::int64_t> {
      if (v.is_null()) return std::nullopt;
      if (!v.is_int64() || v.as_int64() <= 0) bad(key, "must be a positive id or null");
      return v.is_int64() ? std::optional(v.as_int64()) : std::nullopt;
    };
    const auto& object = (*steps)[n].as_object();
    if (!object.contains("when")) bad("when", "is required: warning or breach");
    for (const auto& [key, value] : object) {
      if (key == "when") {
        step.when = text(value);
        if (step.when != "warning" && step.when != "breach")
          bad("when", "must be warning or breach");
      } else if (key == "target") {
        step.target = text(value);
        if (!value.is_null() && step.target != "first_response" && step.target != "next_reply" &&
            step.target != "resolution")
          bad("target", "must be first_response, next_reply, resolution or null (any)");
      } else if (key == "priority") {
        if (value.is_null()) continue;
        step.priority = domain::parse_priority(text(value));
        if (!step.priority) bad("priority", "must be low, normal, high or urgent");
      } else if (key == "team_id") {
        step.team_id = id(std::string(key), value);
      } else if (key == "assignee_id") {
        step.assignee_id = id(std::string(key), value);
      } else {
        bad(std::string(key),
            "is not a known field: use when, target, priority, team_id, assignee_id");
      }
    }
    if (ok && !step.priority && !step.team_id && !step.assignee_id)
      bad("priority", "a step needs at least one action: priority, team_id or assignee_id");
    if (ok) p.escalations.push_back(std::move(step));
  }
}

/// Refuses a policy that names a team or user that does not exist (or is deactivated).
void check_references(store::Connection& db, const domain::SlaPolicy& p) {
  auto team_exists = [&](std::int64_t team) {
    const auto found = store::find_team(db, team);
    return found && found->active;
  };
  for (const auto team : p.conditions.team_ids)
    if (!store::find_team(db, team))
      throw domain::Refusal(domain::errc::invalid_argument,
                            "Team " + std::to_string(team) + " does not exist.",
                            "conditions.team_id");
  for (std::size_t n = 0; n < p.escalations.size(); ++n) {
    const auto& step = p.escalations[n];
    const std::string field = "escalations[" + std::to_string(n) + "].";
    if (step.team_id && !team_exists(*step.team_id))
      throw domain::Refusal(
          domain::errc::invalid_argument,
          "Team " + std::to_string(*step.team_id) + " does not exist or is deactivated.",
          field + "team_id");
    if (step.assignee_id) {
      const auto user = store::find_user(db, *step.assignee_id);
      if (!user || !user->active)
        throw domain::Refusal(
            domain::errc::invalid_argument,
            "User " + std::to_string(*step.assignee_id) + " does not exist or is deactivated.",
            field + "assignee_id");
    }
  }
}

void queue_recompute(store::Tx& tx, const std::string& what, Millis now) {
  store::enqueue(tx, store::SlaRecompute{what}, now, now);
}

http::Response policy_reply(const http::Context& ctx, bh::status status,
                            const store::PolicyRecord& p) {
  auto res = reply(ctx, status, policy_json(p));
  res.set(bh::field::etag, etag(p.policy.version));
  return res;
}

boost::asio::awaitable<store::PolicyRecord> load_policy(Services* s, store::Id id) {
  auto find = [id](store::Connection& db) { return store::find_policy(db, id); };
  co_return co_await read_found(s, std::move(find), "Policy", id);
}

boost::asio::awaitable<http::Response> list_policies(Services* s, http::Context ctx) {
  co_await authorize(*s, ctx, Role::agent);
  auto load = [](store::Connection& db) { return store::list_policies(db); };
  auto policies = co_await s->db.read(std::move(load));
  co_return reply(ctx, bh::status::ok, items_json(policies, policy_json));
}

boost::asio::awaitable<http::Response> get_policy(Services* s, http::Context ctx) {
  co_await authorize(*s, ctx, Role::agent);
  const auto policy = co_await load_policy(s, path_id(ctx));
  co_return policy_reply(ctx, bh::status::ok, policy);
}

boost::asio::awaitable<http::Response> create_policy(Services* s, http::Context ctx) {
  co_await authorize(*s, ctx, Role::admin);
  JsonInput in(ctx.request);
  domain::SlaPolicy p;
  p.name = in.required_text("name", 1, 100);
  const auto calendar = in.nullable_id("calendar_id");
  p.calendar_id = calendar && *calendar ? **calendar : 1;  // the default calendar of 0004
  p.position = in.integer("position", 0, 1'000'000).value_or(0);
  read_conditions(in, p);
  read_targets(in, p, true);
  read_escalations(in, p);
  in.finish();
  auto insert = [p, now = s->clock.now_ms()](store::Tx& tx) {
    check_references(tx.connection(), p);
    auto saved = store::create_policy(tx, p, now);
    queue_recompute(tx, "policy:" + std::to_string(saved.policy.id) + ":1", now);
    return saved;
  };
  auto saved = co_await write(s, std::move(insert));
  auto res = policy_reply(ctx, bh::status::created, saved);
  res.set(bh::field::location, "/api/v1/sla-policies/" + std::to_string(saved.policy.id));
  co_return res;
}

boost::asio::awaitable<http::Response> update_policy(Services* s, http::Context ctx) {
  co_await authorize(*s, ctx, Role::admin);
  const auto id = path_id(ctx);
  const auto expected = if_match(ctx);
  const auto current = co_await load_policy(s, id);
  JsonInput in(ctx.request);
  domain::SlaPolicy p = current.policy;
  if (auto name = in.text("name", 1, 100)) p.name = *name;
  if (auto calendar = in.nullable_id("calendar_id")) {
    if (!*calendar)
      in.fail("calendar_id", "must be a calendar id");
    else
      p.calendar_id = **calendar;
  }
  if (auto position = in.integer("position", 0, 1'000'000)) {
    if (p.is_default)
      in.fail("position", "the default policy always comes last");
    else
      p.position = *position;
  }
  if (p.is_default && in.root().contains("conditions"))
    in.fail("conditions", "the default policy applies when no other does: it has no conditions");
  else
    read_conditions(in, p);
  read_targets(in, p, false);
  read_escalations(in, p);
  in.finish();
  auto change = [p, version = expected.value_or(current.policy.version),
                 now = s->clock.now_ms()](store::Tx& tx) {
    check_references(tx.connection(), p);
    auto saved = store::update_policy(tx, p, version, now);
    queue_recompute(
        tx, "policy:" + std::to_string(p.id) + ":" + std::to_string(saved.policy.version), now);
    return saved;
  };
  auto saved = co_await write(s, std::move(change));
  co_return policy_reply(ctx, bh::status::ok, saved);
}

boost::asio::awaitable<http::Response> delete_policy(Services* s, http::Context ctx) {
  co_await authorize(*s, ctx, Role::admin);
  const auto id = path_id(ctx);
  auto remove = [id, now = s->clock.now_ms()](store::Tx& tx) {
    store::delete_policy(tx, id);
    queue_recompute(tx, "policy_deleted:" + std::to_string(id), now);
    return true;
  };
  co_await write(s, std::move(remove));
  co_return http::Response{bh::status::no_content, ctx.request.version()};
}

}  // namespace

void add_sla_policy_routes(http::Router& router, Services& services) {
  route(router, bh::verb::get, "/api/v1/sla-policies", services, list_policies);
  route(router, bh::verb::post, "/api/v1/sla-policies", services, create_policy);
  route(router, bh::verb::get, "/api/v1/sla-policies/{id}", services, get_policy);
  route(router, bh::verb::patch, "/api/v1/sla-policies/{id}", services, update_policy);
  route(router, bh::verb::delete_, "/api/v1/sla-policies/{id}", services, delete_policy);
}

}  // namespace hd::api
