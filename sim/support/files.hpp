#pragma once
// Writing result files so that an interrupted run never leaves a half-written one: the content
// goes to a temporary name in the same folder, which is then renamed into place.
//
// Test hook: with the environment variable EXPOFLOW_FAIL_WRITE=NAME, writing a file whose name
// (last path component) is NAME stops half-way and fails as a full disk would. The tests use it
// to see what a failed write leaves in an output folder (tests/e2e/test_outputs.cpp).
// With EXPOFLOW_SIGNAL_WRITE=NAME, the process sends itself SIGTERM as it starts writing a file
// named NAME: a signal that arrives while the results are written (tests/e2e/test_cli.cpp).
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace expoflow::support {

// Write `content` to `path` atomically (temporary file + rename). Throws std::runtime_error.
void write_atomically(const std::filesystem::path& path, const std::string& content);

// Write files that belong together (a result set): every content goes to its temporary first,
// and only when all are written are they renamed into place, so a failed write leaves the
// earlier set as it was. Throws std::runtime_error.
void write_set_atomically(const std::vector<std::pair<std::filesystem::path, std::string>>& files);

}  // namespace expoflow::support
