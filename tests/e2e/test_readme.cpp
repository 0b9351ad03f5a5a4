// Every example in README.md runs as written. The runnable examples are fenced as ```console:
//
//   ```console
//   $ build/expoflow validate tests/data/cli/several.toml   # exit 2
//   tests/data/cli/several.toml:...
//   ...
//   ```
//
// Each line starting with "$ " is a command, run by bash from the repository root with
// build/expoflow replaced by the binary under test. It must exit with 0, or with the code a
// trailing comment gives ("# exit 2"). The lines after it, up to the next command, are output it
// must print (stdout and stderr together): every one of them, in that order, as a whole line
// (trailing blanks aside); lines between them may differ or be left out ("..." marks where, and is
// not matched itself). A trailing comment with the word "slow" keeps a command out of ctest (the
// hidden test "[.slow]" runs those: build-test/tests/test_readme "[slow]"); one with "manual" is
// never run (commands that run this test suite itself).
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <regex>
#include <string>
#include <vector>

#include "../support.hpp"

using namespace expoflow::test;

namespace {

struct Command {
  int line = 0;        // 1-based line of README.md
  std::string text;    // as written after "$ "
  int exit_code = 0;   // expected
  bool slow = false, manual = false;
  std::vector<std::string> expected;  // output lines shown under it ("..." dropped)
};

std::string rstrip(std::string s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.pop_back();
  return s;
}

// The lines of a text, each without its trailing blanks.
std::vector<std::string> trimmed_lines(const std::string& text) {
  std::vector<std::string> out = split_lines(text);
  for (auto& l : out) l = rstrip(std::move(l));
  return out;
}

// The trailing comment of a command: from the last " #" that is outside quotes.
std::string trailing_comment(const std::string& cmd) {
  char quote = 0;
  std::size_t at = std::string::npos;
  for (std::size_t i = 0; i < cmd.size(); ++i) {
    const char c = cmd[i];
    if (quote) {
      if (c == quote) quote = 0;
    } else if (c == '\'' || c == '"') {
      quote = c;
    } else if (c == '#' && (i == 0 || cmd[i - 1] == ' ' || cmd[i - 1] == '\t')) {
      at = i;
      break;
    }
  }
  return at == std::string::npos ? "" : cmd.substr(at);
}

std::vector<Command> console_commands(const std::string& markdown) {
  std::vector<Command> out;
  const auto lines = trimmed_lines(markdown);
  bool in_console = false, in_other = false;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::string& l = lines[i];
    if (!in_console && !in_other && l.rfind("```", 0) == 0) {
      (l == "```console" ? in_console : in_other) = true;
      continue;
    }
    if ((in_console || in_other) && l == "```") {
      in_console = in_other = false;
      continue;
    }
    if (!in_console) continue;
    if (l.rfind("$ ", 0) == 0) {
      Command c;
      c.line = static_cast<int>(i + 1);
      c.text = l.substr(2);
      const std::string comment = trailing_comment(c.text);
      std::smatch m;
      if (std::regex_search(comment, m, std::regex(R"(\bexit (\d+)\b)"))) c.exit_code = std::stoi(m[1]);
      c.slow = std::regex_search(comment, std::regex(R"(\bslow\b)"));
      c.manual = std::regex_search(comment, std::regex(R"(\bmanual\b)"));
      out.push_back(c);
    } else if (!out.empty() && !l.empty() && l != "...") {
      out.back().expected.push_back(l);
    }
  }
  return out;
}

// build/expoflow (as a word) -> the binary under test.
std::string with_binary(const std::string& cmd) {
  return std::regex_replace(cmd, std::regex(R"((^|[\s;&|(])build/expoflow\b)"), std::string("$1") + kBinary);
}

// The first expected line not found in `output` in order, or "" when all are.
std::string first_missing(const std::vector<std::string>& expected, const std::vector<std::string>& output) {
  std::size_t at = 0;
  for (const auto& e : expected) {
    while (at < output.size() && output[at] != e) ++at;
    if (at == output.size()) return e;
    ++at;
  }
  return "";
}

// Runs `cmd` with bash from the repository root; its exit code, and in `out` its stdout and
// stderr together (`err` stays empty).
Outcome run_in_repo(const std::string& cmd) {
  const TempDir dir("readme");
  {
    std::ofstream script(dir.path / "cmd.sh");
    script << "cd '" << kSourceDir.string() << "' || exit 99\nexport EXPOFLOW_BINARY='" << kBinary << "'\n" << cmd
           << "\n";
  }
  Outcome o;
  o.code = shell("timeout 1800 bash '" + (dir.path / "cmd.sh").string() + "' >'" + (dir.path / "out.txt").string() +
                 "' 2>&1 </dev/null");
  o.out = read_text(dir.path / "out.txt");
  return o;
}

std::vector<Command> readme_commands() {
  const std::string readme = read_text(kSourceDir / "README.md");
  REQUIRE(!readme.empty());
  return console_commands(readme);
}

// A README example writes into a folder of its own under /tmp (`--out /tmp/expoflow-...`); one
// left by an earlier build holds another configuration's results and would be refused, so it is
// removed first. Nothing outside /tmp/expoflow-* is touched.
void clear_example_output(const std::string& cmd) {
  static const std::regex out(R"(--out\s+(/tmp/expoflow-[A-Za-z0-9_./-]+))");
  for (std::sregex_iterator m(cmd.begin(), cmd.end(), out), end; m != end; ++m) {
    const std::string dir = (*m)[1].str();
    if (dir.find("..") != std::string::npos) continue;
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
}

void check_command(const Command& c) {
  const std::string cmd = with_binary(c.text);
  clear_example_output(cmd);
  const Outcome o = run_in_repo(cmd);
  INFO("README.md:" << c.line << ": $ " << c.text << "\nran: " << cmd << "\noutput:\n" << o.out);
  CHECK(o.code == c.exit_code);
  const std::string missing = first_missing(c.expected, trimmed_lines(o.out));
  INFO("README shows this line, the command did not print it (in that order): " << missing);
  CHECK(missing.empty());
}

}  // namespace

TEST_CASE("README console blocks: parsing and matching", "[readme]") {
  const std::string md =
      "text\n```\n$ not a console block\n```\n```console\n$ build/expoflow --version\nexpoflow 0.1.0\n\n"
      "$ build/expoflow validate x.toml   # exit 2\nfirst\n...\nlast\n$ scripts/run  # slow: builds\n"
      "$ scripts/test  # manual\n$ echo '# exit 3'\n```\n";
  const auto cs = console_commands(md);
  REQUIRE(cs.size() == 5);
  CHECK(cs[0].text == "build/expoflow --version");
  CHECK(cs[0].line == 6);
  CHECK(cs[0].expected == std::vector<std::string>{"expoflow 0.1.0"});
  CHECK(cs[1].exit_code == 2);
  CHECK(cs[1].expected == std::vector<std::string>{"first", "last"});
  CHECK((cs[2].slow && !cs[2].manual && cs[2].expected.empty()));
  CHECK((cs[3].manual && !cs[3].slow));
  CHECK(cs[4].exit_code == 0);  // inside quotes: not a comment
  CHECK(with_binary("build/expoflow run a && build/expoflow graph b") ==
        std::string(EXPOFLOW_BINARY) + " run a && " + EXPOFLOW_BINARY + " graph b");
  CHECK(with_binary("ls mybuild/expoflow") == "ls mybuild/expoflow");
  CHECK(first_missing({"a", "c"}, {"a", "b", "c"}).empty());
  CHECK(first_missing({"c", "a"}, {"a", "b", "c"}) == "a");  // order matters
  CHECK(first_missing({"a", "d"}, {"a", "b", "c"}) == "d");
}

TEST_CASE("README console blocks run as written", "[readme]") {
  const auto commands = readme_commands();
  int run = 0;
  for (const auto& c : commands)
    if (!c.slow && !c.manual) {
      check_command(c);
      ++run;
    }
  // The README keeps runnable examples; the test must not pass by finding none.
  CHECK(run >= 3);
}

TEST_CASE("README console blocks marked slow run as written", "[.slow][readme]") {
  for (const auto& c : readme_commands())
    if (c.slow && !c.manual) check_command(c);
}
