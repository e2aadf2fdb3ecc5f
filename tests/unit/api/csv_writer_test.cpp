#include "api/csv_writer.hpp"

#include <doctest/doctest.h>

#include <limits>
#include <map>
#include <sstream>

#include "api/kpis_csv.hpp"

using namespace hd::api;

TEST_CASE("csv: RFC 4180 quoting, CRLF rows, empty cells for nothing") {
  CsvWriter out;
  out.text("plain").text("a,b").text("say \"hi\"").text("two\nlines").end_row();
  out.integer(42).integer(std::nullopt).number(12.5).number(std::nullopt).boolean(true).end_row();
  CHECK(out.take() ==
        "plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\"\r\n"
        "42,,12.5,,true\r\n");
  CHECK(out.size() == 0);  // taken
}

TEST_CASE("csv: a text cell a spreadsheet would run is made text; numbers keep their sign") {
  CsvWriter out;
  out.text("=SUM(A1)").text("+1").text("-x").text("@cmd").text("=1,2").end_row();
  out.number(-12).integer(-3).end_row();
  CHECK(out.take() == "'=SUM(A1),'+1,'-x,'@cmd,\"'=1,2\"\r\n-12,-3\r\n");
}

TEST_CASE("csv: a non-finite number is an empty cell, not 'nan'") {
  CsvWriter out;
  out.number(std::numeric_limits<double>::quiet_NaN()).number(0.1).end_row();
  CHECK(out.take() == ",0.1\r\n");
}

TEST_CASE("kpi csv: one row per figure, named like targets, with n, interval and target") {
  CsvWriter out;
  write_kpi_csv_header(out);
  const std::string header = out.take();
  CHECK(header ==
        "group_by,group_id,group_name,period,start,end,figure,value,n,ci_low,ci_high,target,met,"
        "low_confidence\r\n");

  hd::domain::kpi::Figures f;
  f.first_response.n = 2;
  f.first_response.median = 1500;
  f.first_response.p90 = 3000;
  f.first_response.mean = 2250.0;
  f.sla_first_response.n = 40;
  f.sla_first_response.hits = 30;
  f.sla_first_response.percent = 75.0;
  f.sla_first_response.ci = {60.0, 85.0};
  f.volume = 7;
  const CsvTargets targets = [](const std::string& figure) -> std::optional<CsvTarget> {
    if (figure == "sla.first_response") return CsvTarget{90, false};
    if (figure == "first_response.calendar.median") return CsvTarget{2, true};
    return std::nullopt;
  };
  write_kpi_csv_rows(out, {"team", "3", "Billing", "total", "a", "b"}, f, targets);
  std::istringstream rows(out.take());
  std::map<std::string, std::string> by_figure;
  for (std::string line; std::getline(rows, line);) {
    REQUIRE(line.back() == '\r');
    line.pop_back();
    const auto figure_at = std::string("team,3,Billing,total,a,b,").size();
    REQUIRE(line.starts_with("team,3,Billing,total,a,b,"));
    const auto comma = line.find(',', figure_at);
    by_figure[line.substr(figure_at, comma - figure_at)] = line.substr(comma + 1);
  }
  CHECK(by_figure.size() == 8 * 3 + 6 + 3 + 6);
  CHECK(by_figure["first_response.calendar.median"] == "1.5,2,,,2,true,true");
  CHECK(by_figure["first_response.calendar.p90"] == "3,2,,,,,true");
  CHECK(by_figure["first_response.calendar.mean"] == "2.25,2,,,,,true");
  CHECK(by_figure["first_response.business.median"] == ",0,,,,,true");
  CHECK(by_figure["sla.first_response"] == "75,40,60,85,90,false,false");
  CHECK(by_figure["sla.resolution"] == ",0,,,,,true");
  CHECK(by_figure["volume"] == "7,7,,,,,false");  // a count, not a sample
  CHECK(by_figure["backlog.age.max"] == ",0,,,,,false");
}
