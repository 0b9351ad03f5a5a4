#pragma once
// Writing result files so that an interrupted run never leaves a half-written one: the content
// goes to a temporary name in the same folder, which is then renamed into place.
#include <filesystem>
#include <string>

namespace expoflow::support {

// Write `content` to `path` atomically (temporary file + rename). Throws std::runtime_error.
void write_atomically(const std::filesystem::path& path, const std::string& content);

}  // namespace expoflow::support
