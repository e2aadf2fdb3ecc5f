#pragma once

#include <optional>
#include <string>

#include "api/page_layout.hpp"
#include "api/services.hpp"
#include "store/surveys.hpp"

namespace hd::api {

/// The HTML of the customer's survey pages: no login, no script, fast on a phone, accessible.
/// Every value that a person wrote is escaped by the template engine.

/// The questions, with `score` (1-5) chosen in advance when the mail's button said so.
std::string survey_form_html(const store::SurveyContext& survey, const std::string& action,
                             std::optional<int> score, const domain::SurveySettings& options,
                             const std::string& error);

}  // namespace hd::api
