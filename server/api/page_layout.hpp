#pragma once

#include <kainjow/mustache.hpp>
#include <string>

#include "http/problem.hpp"
#include "http/types.hpp"

namespace hd::api {

/// The public HTML pages (survey, contact form, customer portal): one layout, no script, styles
/// inline (the Content-Security-Policy allows nothing else), escaped values only.

/// Renders `content_template` (mustache) inside the layout, titled `title`.
std::string render_page(const std::string& title, const std::string& content_template,
                        kainjow::mustache::data values);

/// A short page with a heading and a sentence (thanks, expired link, opted out, ...), and an
/// optional form with one button posting to `action`.
std::string message_html(const std::string& title, const std::string& text,
                         const std::string& action = {}, const std::string& button = {});

/// An HTML answer with the headers every public page carries.
http::Response html_response(const http::Request& request, http::beast_http::status status,
                             std::string body);
http::Response html_response(unsigned http_version, bool keep_alive,
                             http::beast_http::status status, std::string body);

/// The one HTML page for a refused request on the public pages: its status, a title that
/// fits the status, the problem's detail, and its headers (e.g. Retry-After).
http::Response problem_page(unsigned http_version, bool keep_alive, const http::Problem& problem);

}  // namespace hd::api
