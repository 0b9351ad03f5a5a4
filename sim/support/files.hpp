#pragma once
// Writing result files so that an interrupted or failed run never leaves a half-written one: the
// content goes to a temporary name in the same folder, which is then renamed into place; a set of
// files that belong together (a run's summary.json, counts.csv, queues.csv, ...) is replaced as a
// whole or not at all. Every error names the file and says why (the system's reason).
//
// Test hooks: with the environment variable EXPOFLOW_FAIL_WRITE=NAME, writing a file whose name
// (last path component) is NAME stops half-way and fails as a full disk would (ENOSPC); with
// EXPOFLOW_FAIL_RENAME=NAME, renaming the written file NAME into place fails (EIO). The tests use
// them to see what a failed write leaves in an output folder (tests/e2e/test_outputs.cpp).
// With EXPOFLOW_SIGNAL_WRITE=NAME, the process sends itself SIGTERM as it starts writing a file
// named NAME: a signal that arrives while the results are written (tests/e2e/test_cli.cpp).
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace expoflow::support {

// Write `content` to `path` atomically (temporary file + rename). Throws std::runtime_error.
void write_atomically(const std::filesystem::path& path, const std::string& content);

// Write files that belong together (a result set), all in one folder, as a whole or not at all:
// every content goes to its temporary first; when all are written, the files they replace are
// kept under a second name (a hard link, or a copy) while the temporaries are renamed into place,
// and if a rename fails the renamed ones are put back. A failed write thus leaves the earlier set
// as it was. Throws std::runtime_error.
void write_set_atomically(const std::vector<std::pair<std::filesystem::path, std::string>>& files);

// The bytes of a file. Throws std::runtime_error naming the file and the reason.
std::string read_file(const std::filesystem::path& path);

}  // namespace expoflow::support
