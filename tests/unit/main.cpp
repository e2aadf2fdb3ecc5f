// The unit suite's entry point: doctest's runner, plus two checks that keep the suite honest.
// A run fails when it ran fewer test cases than the sources declare (`--hd-expect-cases=N`,
// counted by tests/unit/CMakeLists.txt), or none at all, and when a test case finished without
// a single assertion (a test that cannot fail).
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

/// What the listener saw; written by doctest's runner thread, read by main() after run().
struct RunRecord {
  unsigned ran = 0;
  unsigned registered = 0;
  std::vector<std::string> without_assertions;
};
RunRecord g_record;

/// Listens to the run (it prints nothing itself) and records what main() checks afterwards.
struct RunGuard : doctest::IReporter {
  explicit RunGuard(const doctest::ContextOptions& /*options*/) {}

  void report_query(const doctest::QueryData& /*query*/) override {}
  void test_run_start() override {}
  void test_run_end(const doctest::TestRunStats& stats) override {
    g_record.ran = stats.numTestCasesPassingFilters;
    g_record.registered = stats.numTestCases;
  }
  void test_case_start(const doctest::TestCaseData& data) override { current_ = &data; }
  void test_case_reenter(const doctest::TestCaseData& /*data*/) override {}
  void test_case_end(const doctest::CurrentTestCaseStats& stats) override {
    if (stats.numAssertsCurrentTest == 0 && current_ != nullptr) {
      g_record.without_assertions.emplace_back(std::string(current_->m_file.c_str()) + ":" +
                                               std::to_string(current_->m_line) + ": " +
                                               current_->m_name);
    }
  }
  void test_case_exception(const doctest::TestCaseException& /*e*/) override {}
  void subcase_start(const doctest::SubcaseSignature& /*signature*/) override {}
  void subcase_end() override {}
  void log_assert(const doctest::AssertData& /*data*/) override {}
  void log_message(const doctest::MessageData& /*data*/) override {}
  void test_case_skipped(const doctest::TestCaseData& /*data*/) override {}

 private:
  const doctest::TestCaseData* current_ = nullptr;  // safe to keep, doctest's docs say
};

constexpr const char* kExpectFlag = "--hd-expect-cases=";

}  // namespace

REGISTER_LISTENER("hd_run_guard", 1, RunGuard);

int main(int argc, char** argv) {
  // Our own flag is taken out before doctest sees the command line.
  long expected = -1;
  std::vector<char*> args;
  for (int i = 0; i < argc; ++i) {
    if (std::strncmp(argv[i], kExpectFlag, std::strlen(kExpectFlag)) == 0) {
      expected = std::strtol(argv[i] + std::strlen(kExpectFlag), nullptr, 10);
    } else {
      args.push_back(argv[i]);
    }
  }
  doctest::Context context(static_cast<int>(args.size()), args.data());
  const int rc = context.run();
  if (context.shouldExit()) return rc;  // --help, --list-test-cases, ...

  int failures = 0;
  if (g_record.ran == 0) {
    std::fprintf(stderr, "hd_unit_tests: no test case ran (%u registered)\n", g_record.registered);
    ++failures;
  }
  if (expected >= 0 && g_record.ran < static_cast<unsigned long>(expected)) {
    std::fprintf(stderr,
                 "hd_unit_tests: ran %u test cases, but the sources declare %ld (%u registered)\n",
                 g_record.ran, expected, g_record.registered);
    ++failures;
  }
  for (const std::string& name : g_record.without_assertions) {
    std::fprintf(stderr, "hd_unit_tests: test case without a single assertion: %s\n", name.c_str());
    ++failures;
  }
  return rc != 0 ? rc : (failures != 0 ? 1 : 0);
}
