#include "app/history_cli.hpp"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <future>
#include <iostream>
#include <utility>

#include "api/history_json.hpp"
#include "domain/calendar.hpp"
#include "store/bulk_load.hpp"
#include "store/history_export.hpp"
#include "store/history_store.hpp"
#include "store/migrations.hpp"
#include "store/sla_store.hpp"
#include "store/tickets.hpp"

namespace hd::app {
namespace {

using Clock = std::chrono::steady_clock;

// Progress on standard error: a redrawn bar on a terminal, a line per batch otherwise.
class Progress {
 public:
  explicit Progress(std::uintmax_t total_bytes)
      : total_(total_bytes), tty_(isatty(STDERR_FILENO) != 0), start_(Clock::now()) {}

  void update(std::uintmax_t bytes, long tickets, bool last) {
    const double seconds = std::chrono::duration<double>(Clock::now() - start_).count() + 1e-9;
    const double rate = static_cast<double>(tickets) / seconds;
    const double fraction = total_ ? static_cast<double>(bytes) / static_cast<double>(total_) : 1;
    const double left = fraction > 0 ? seconds * (1 - fraction) / fraction : 0;
    char text[160];
    if (tty_) {
      const int width = 30, filled = static_cast<int>(fraction * width);
      std::string bar(static_cast<std::size_t>(filled), '#');
      bar.resize(width, ' ');
      std::snprintf(text, sizeof text, "\r[%s] %3.0f%%  %ld tickets  %.0f/s  %.0fs left ",
                    bar.c_str(), fraction * 100, tickets, rate, left);
      std::cerr << text << (last ? "\n" : "") << std::flush;
    } else {
      std::snprintf(text, sizeof text, "imported %ld tickets (%.0f%%), %.0f tickets/s, %.0fs left",
                    tickets, fraction * 100, rate, left);
      std::cerr << text << "\n";
    }
  }

 private:
  std::uintmax_t total_;
  bool tty_;
  Clock::time_point start_;
};

// An import into an empty database builds the indexes it set aside (store/bulk_load.hpp) once,
// at the end, however it ends; if the process dies first, the next start builds them.
class IndexesSetAside {
 public:
  explicit IndexesSetAside(store::Database& db)
      : db_(db),
        set_aside_(
            db.write_blocking([](store::Tx& tx) { return store::bulk_load::set_aside(tx); })) {}
  ~IndexesSetAside() { put_back(); }
  IndexesSetAside(const IndexesSetAside&) = delete;
  IndexesSetAside& operator=(const IndexesSetAside&) = delete;

  void put_back() {
    if (!std::exchange(set_aside_, false)) return;
    std::cerr << "building the indexes of the imported tickets\n";
    const auto started = Clock::now();
    try {
      store::bulk_load::put_back(db_.options());
    } catch (const std::exception& e) {
      std::cerr << "error: building the indexes failed (the next start tries again): " << e.what()
                << "\n";
      return;
    }
    std::cerr << "built the indexes in "
              << std::chrono::duration<double>(Clock::now() - started).count() << " s\n";
  }

 private:
  store::Database& db_;
  bool set_aside_;
};

}  // namespace

int import_history_file(const Config& config, const std::string& file, int batch_size) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    std::cerr << "error: cannot read " << file << "\n";
    return 2;
  }
  in.seekg(0, std::ios::end);
  const auto total = static_cast<std::uintmax_t>(in.tellg());
  in.seekg(0);
  domain::SystemClock clock;
  store::DbOptions options = config.db;
  options.writer_cache_kib = store::kBulkCacheKib;
  store::Database db(options);
  store::migrate(db, clock.now_ms());
  store::history::Directory people(
      db.read_blocking([](store::Connection& c) { return store::history::Directory(c); }));
  // Business time before the SLA replay: the always-open calendar; each ticket's SLA policy
  // then recounts it in its own calendar (IMPORT.md).
  const domain::AlwaysOpenCalendar business;
  store::SlaCatalog sla;
  const store::TicketPolicy policy{config.survey.delay_ms, &business, &sla};
  IndexesSetAside indexes(db);
  Progress progress(total);

  long imported = 0, skipped = 0, submitted = 0;
  int line_number = 0;
  std::string line;
  std::vector<api::history::LineError> errors;
  std::future<store::history::BatchResult> writing;
  // Parsing the next batch overlaps with writing the last one.
  auto collect = [&]() -> bool {
    if (!writing.valid()) return true;
    try {
      const auto result = writing.get();
      people.learn(result.created);
      imported += result.imported;
      skipped += static_cast<long>(result.skipped.size());
      for (const auto& [at_line, external_id] : result.skipped)
        std::cerr << "line " << at_line << ": external_id \"" << external_id
                  << "\" was imported before: left unchanged\n";
    } catch (const std::exception& e) {
      std::cerr << "error: writing a batch failed: " << e.what() << "\n";
      return false;
    }
    return true;
  };
  for (bool done = false; !done;) {
    std::vector<store::history::ImportTicket> batch;
    batch.reserve(static_cast<std::size_t>(batch_size));
    const int first_line = line_number + 1;
    while (static_cast<int>(batch.size()) < batch_size && std::getline(in, line)) {
      ++line_number;
      if (line.find_first_not_of(" \t\r") == std::string::npos) continue;  // blank lines
      store::history::ImportTicket t;
      if (auto error = api::history::parse_ticket(line, line_number, people, business, t))
        errors.push_back(std::move(*error));
      else
        batch.push_back(std::move(t));
    }
    done = !in;
    if (!collect()) return 1;
    if (!errors.empty()) {
      for (std::size_t i = 0; i < errors.size() && i < 20; ++i) {
        const auto& e = errors[i];
        std::cerr << "line " << e.line << (e.field.empty() ? "" : ", field " + e.field) << ": "
                  << e.message << "\n";
      }
      if (errors.size() > 20) std::cerr << "... and " << errors.size() - 20 << " more\n";
      std::cerr << "error: lines " << first_line << "-" << line_number
                << " were not imported (a batch is all-or-nothing); " << imported
                << " tickets from earlier lines were\n";
      return 1;
    }
    if (batch.empty()) break;
    submitted += static_cast<long>(batch.size());
    auto pending = people.take_pending();
    const auto now = clock.now_ms();
    writing = std::async(std::launch::async, [&db, &people, &policy, pending = std::move(pending),
                                              batch = std::move(batch), now]() mutable {
      return db.write_blocking([&](store::Tx& tx) {
        return store::history::write_batch(tx, people, pending, batch, now, policy);
      });
    });
    progress.update(done ? total : static_cast<std::uintmax_t>(in.tellg()), submitted, false);
  }
  if (!collect()) return 1;
  progress.update(total, imported + skipped, true);
  indexes.put_back();
  db.stop();
  std::cout << "imported " << imported << " tickets";
  if (skipped) std::cout << ", " << skipped << " left unchanged (external_id seen before)";
  std::cout << "\n";
  return 0;
}

}  // namespace hd::app

namespace hd::app {

int export_history_file(const Config& config, const std::string& file) {
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  if (!out) {
    std::cerr << "error: cannot write " << file << "\n";
    return 2;
  }
  domain::SystemClock clock;
  store::Database db(config.db);
  store::migrate(db, clock.now_ms());
  const long written = db.read_blocking([&](store::Connection& c) {
    return store::history::export_history(c, [&](std::string_view line) {
      out.write(line.data(), static_cast<std::streamsize>(line.size()));
      out.put('\n');
    });
  });
  out.close();
  if (!out) {
    std::cerr << "error: writing " << file << " failed\n";
    return 1;
  }
  db.stop();
  std::cout << "exported " << written << " tickets to " << file << "\n";
  return 0;
}

}  // namespace hd::app
