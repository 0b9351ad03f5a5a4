#pragma once
// Scenario files: TOML in, a merged tree out, every value remembering where it was written.
//
// Loading resolves `extends` (relative to the file that says it) and merges as DESIGN.md says:
// tables key by key; arrays of tables element by element, matched by `id` (elements with a new id
// are appended); any other value is replaced. Parameter paths name one value: keys joined by dots,
// an array-of-tables element chosen by its id in brackets: `gate[west].lanes_scale`,
// `demand.class[professional].access.metro`. The same paths serve overrides, error messages,
// calibration and sweeps.
//
// Errors never throw out of this layer: they are collected in Problems, each naming file, line,
// column, parameter path and what is wrong, so a user sees every problem of a file at once.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace expoflow::scenario {

struct SourcePos {
  std::string file;  // as given by the user (relative paths stay relative)
  std::uint32_t line = 0, column = 0;  // 1-based; 0 = unknown
};

struct Problem {
  SourcePos pos;
  std::string path;  // parameter path, may be empty
  std::string message;
};

// "file:line:col: path: message"; ":line:col" is left out when unknown, "path: " when empty.
std::string format(const Problem& p);

class Problems {
 public:
  void error(SourcePos pos, std::string path, std::string message);
  bool empty() const { return list_.empty(); }
  std::size_t size() const { return list_.size(); }
  const std::vector<Problem>& list() const { return list_; }
  // Every problem, one formatted line each, in file order (report() says how).
  std::string report() const;

 private:
  std::vector<Problem> list_;
};

// A node of the merged tree.
struct Node {
  enum class Kind { table, array, string, integer, floating, boolean, datetime };
  Kind kind = Kind::table;
  SourcePos pos;
  std::vector<std::pair<std::string, Node>> members;  // table: keys in file order
  std::vector<Node> items;                            // array
  std::string text;         // string; also the literal text of a datetime
  std::int64_t integer = 0;
  double floating = 0;
  bool boolean = false;

  // Declared here, defaulted in document.cpp: a Node holds pairs of (key, Node), and clang with
  // libstdc++ cannot check std::pair<std::string, Node> while Node is still incomplete.
  Node();
  Node(const Node&);
  Node(Node&&) noexcept;
  Node& operator=(const Node&);
  Node& operator=(Node&&) noexcept;
  ~Node();

  bool is_table() const { return kind == Kind::table; }
  bool is_array() const { return kind == Kind::array; }
  bool is_number() const { return kind == Kind::integer || kind == Kind::floating; }
  double number() const { return kind == Kind::integer ? static_cast<double>(integer) : floating; }
  const Node* find(std::string_view key) const;
  Node* find(std::string_view key);
  // A short type name for messages: "a table", "an array", "a string", "an integer", ...
  std::string type_name() const;
};

// The largest scenario file the loader reads (64 MB): a bigger one is refused before it is read,
// with its size. Hand-written scenarios are a few hundred kB at most.
inline constexpr std::uintmax_t kMaxFileBytes = 64ull * 1024 * 1024;

// Load a scenario file with its `extends` chain. Returns nothing (and adds problems) when a file
// is missing, unreadable, larger than kMaxFileBytes, not UTF-8, not valid TOML, or the chain has a cycle (the message names
// every file of the cycle). The `extends` key is not in the result. `chain`, if given, receives the
// files it extends, nearest first, named as in messages (relative to the named file's folder).
std::optional<Node> load(const std::filesystem::path& file, Problems& problems,
                         std::vector<std::string>* chain = nullptr);

// Parse a TOML document from memory (tests, overrides). `name` is used as the file in positions.
std::optional<Node> parse(std::string_view text, const std::string& name, Problems& problems);

struct PathSegment {
  std::string key;
  std::optional<std::string> id;  // `key[id]`
};
// Parse a parameter path; on error returns nothing and sets *error to what is wrong.
std::optional<std::vector<PathSegment>> parse_path(std::string_view path, std::string* error);
// The node a path names, or null.
const Node* lookup(const Node& root, std::string_view path);
Node* lookup(Node& root, std::string_view path);
// Why `path` names no value of `root` (for an assumption's or a free parameter's path): the first
// key or id on the way that is not there, with the valid ones ("... unknown id 'L99' in 'line'
// (valid: L1, L2)").
std::string missing_value(const Node& root, std::string_view path);
// A share vector: an inline table of at least two numbers that sum to 1, such as
// `class[professional].access`. Its last member is the residual: when others move, it takes
// 1 - the others, so the vector still sums to 1 (calibration and sensitivity move shares so).
struct ShareVector {
  std::string table_path;   // e.g. class[professional].access
  std::string residual_path;
  std::vector<std::string> member_paths;  // every member but the residual, in file order
};
// The share vector `path` is a member of (`a.b.c` or `a.b[c]`), or nothing when its table is not
// one; *is_residual says whether `path` names its residual.
std::optional<ShareVector> share_vector_of(const Node& root, const std::string& path, bool* is_residual = nullptr);
// Set the residual to 1 - the other members; false and a message if that would be below 0.
bool rebalance(Node& root, const ShareVector& v, std::string* error);

// Apply `path=value` (value in TOML syntax: 3, 0.5, "text", true, [1, 2]) to the tree; the value's
// position is `origin` (e.g. "--set" or a file name). Creates missing table keys, never missing
// array elements (an unknown id is an error). False and a problem on error.
bool apply_override(Node& root, std::string_view assignment, const std::string& origin,
                    Problems& problems);

// The values a key may take: lo..hi (both included) in `unit` ("s", "m", "" for none). Every number
// of a scenario has one, chosen generously (a planner's what-if at 20 times today still passes)
// but refusing what cannot be meant: a screening over a day, a walking speed of 10^-300 m/s, a
// capacity of 10^300 that overflows the integer it becomes.
struct Range {
  double lo, hi;
  std::string_view unit = "";
};

// Typed, tracked reading of one table. Every key read is remembered; finish() reports every key
// that was never read as unknown, with "did you mean 'x'?" for a near miss among the keys that
// were read (edit distance at most 2). The keys `source` and `note` (provenance and comments) are
// always allowed. Accessors report wrong types, missing required keys and violated constraints
// at the key's own position, with the full parameter path, and return the fallback (or 0 / "")
// so that reading can go on and collect every problem.
class Reader {
 public:
  Reader(const Node& table, std::string path, Problems& problems);

  const std::string& path() const { return path_; }
  const SourcePos& pos() const { return node_->pos; }
  const Node& node() const { return *node_; }
  bool has(std::string_view key) const;
  std::string key_path(std::string_view key) const;  // path + "." + key (or key at the root)

  // Numbers (integers accepted where a float is expected).
  double number(std::string_view key);                   // required
  double number(std::string_view key, double fallback);  // optional
  double positive(std::string_view key);                 // required, > 0
  double positive(std::string_view key, double fallback);
  double non_negative(std::string_view key);             // required, >= 0
  double non_negative(std::string_view key, double fallback);
  double fraction(std::string_view key);                 // required, in [0, 1]
  double fraction(std::string_view key, double fallback);
  std::int64_t count(std::string_view key);              // required integer >= 0
  std::int64_t count(std::string_view key, std::int64_t fallback);
  // Within `range`; otherwise "must be LO..HI UNIT, got V". count_in takes whole numbers only.
  double number_in(std::string_view key, Range range);  // required
  double number_in(std::string_view key, Range range, double fallback);
  std::int64_t count_in(std::string_view key, Range range);  // required
  std::int64_t count_in(std::string_view key, Range range, std::int64_t fallback);
  // Report `v` (one value of `key`: an array element, a schedule step) when outside `range`.
  // `what` prefixes the message ("element 3: "). True when it is within.
  bool check_range(std::string_view key, double v, Range range, std::string_view what = "");
  std::string string(std::string_view key);
  std::string string(std::string_view key, std::string fallback);
  bool boolean(std::string_view key, bool fallback);
  // One of `allowed`; otherwise an error listing them.
  std::string choice(std::string_view key, const std::vector<std::string>& allowed,
                     std::string fallback);
  std::vector<double> numbers(std::string_view key);  // required array of numbers
  std::vector<double> numbers(std::string_view key, std::vector<double> fallback);
  std::vector<std::string> strings(std::string_view key, std::vector<std::string> fallback = {});
  // An inline table (or table) of numbers, e.g. shares = { metro = 0.4, taxi = 0.1 }, in file
  // order. Values must be numbers >= 0.
  std::vector<std::pair<std::string, double>> number_map(std::string_view key);

  // Clock times of a day "HH:MM" (or "HH:MM:SS") -> seconds since midnight; 24:00 allowed.
  double clock(std::string_view key);
  double clock(std::string_view key, double fallback);
  // A moment of the scenario, "dN HH:MM" (day N, 1-based) -> seconds since day 1 00:00.
  double moment(std::string_view key);
  double moment(std::string_view key, double fallback);

  std::optional<Reader> table(std::string_view key);  // nothing if absent; error if not a table
  // An array of tables. Each element's path is `key[id]` when it has a string `id`, else
  // `key[index]`; duplicate ids are reported.
  std::vector<Reader> tables(std::string_view key);

  // Report a problem about `key` of this table (at the key's position if present, else the
  // table's), or about the table itself when key is empty.
  void error(std::string_view key, std::string message);
  Problems& problems() { return *problems_; }

  // Report unknown keys. Call once, after everything was read.
  void finish();

 private:
  const Node* get(std::string_view key);  // marks the key as read
  // A required key that is absent: reported (and marked read). True if so.
  bool missing(std::string_view key);
  // A time written as text, `form` ("a clock time \"HH:MM\"") read by `parse` within `range`.
  double time_text(std::string_view key, double fallback, std::string_view form, std::string_view range,
                   std::optional<double> (*parse)(std::string_view));
  const Node* node_;
  std::string path_;
  Problems* problems_;
  std::vector<std::string> read_;
};

// An id: not empty, letters, digits, '_', '-' and '.' only (no comma, quote or space that would
// break a CSV file). A plain folder name: the same, and not starting with '.'.
bool is_plain_id(std::string_view text);
bool is_plain_folder_name(std::string_view text);

// Parse "HH:MM[:SS]" and "dN HH:MM[:SS]"; nothing on a malformed text.
std::optional<double> parse_clock(std::string_view text);
std::optional<double> parse_moment(std::string_view text);

}  // namespace expoflow::scenario
