#include "support/files.hpp"

#include <csignal>
#include <cstdlib>
#include <fmt/format.h>
#include <fstream>
#include <stdexcept>
#include <unistd.h>

namespace expoflow::support {

namespace fs = std::filesystem;

namespace {

// EXPOFLOW_FAIL_WRITE (files.hpp): the write of this file fails half-way.
bool fails_by_request(const fs::path& path) {
  const char* name = std::getenv("EXPOFLOW_FAIL_WRITE");
  return name != nullptr && path.filename() == name;
}

// `content` written to a temporary name beside `path`; that name. Nothing is left on failure.
fs::path write_temporary(const fs::path& path, const std::string& content) {
  const fs::path tmp = path.parent_path() / fmt::format(".{}.tmp.{}", path.filename().string(), ::getpid());
  const bool fail = fails_by_request(path);
  if (const char* name = std::getenv("EXPOFLOW_SIGNAL_WRITE"); name != nullptr && path.filename() == name)
    std::raise(SIGTERM);
  std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
  if (!out) throw std::runtime_error(fmt::format("cannot write {}", tmp.string()));
  out.write(content.data(), static_cast<std::streamsize>(fail ? content.size() / 2 : content.size()));
  out.flush();
  if (!out || fail) {
    out.close();
    fs::remove(tmp);
    throw std::runtime_error(fmt::format("cannot write {}{}", tmp.string(), fail ? " (EXPOFLOW_FAIL_WRITE)" : ""));
  }
  return tmp;
}

void rename_into_place(const fs::path& tmp, const fs::path& path) {
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) {
    fs::remove(tmp);
    throw std::runtime_error(fmt::format("cannot rename {} to {}: {}", tmp.string(), path.string(), ec.message()));
  }
}

}  // namespace

void write_atomically(const fs::path& path, const std::string& content) {
  rename_into_place(write_temporary(path, content), path);
}

void write_set_atomically(const std::vector<std::pair<fs::path, std::string>>& files) {
  std::vector<fs::path> written;
  try {
    for (const auto& [path, content] : files) written.push_back(write_temporary(path, content));
  } catch (...) {
    std::error_code ec;
    for (const fs::path& tmp : written) fs::remove(tmp, ec);
    throw;
  }
  for (std::size_t i = 0; i < files.size(); ++i) rename_into_place(written[i], files[i].first);
}

}  // namespace expoflow::support
