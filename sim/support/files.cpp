#include "support/files.hpp"

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <fmt/format.h>
#include <stdexcept>
#include <sys/stat.h>
#include <unistd.h>

namespace expoflow::support {

namespace fs = std::filesystem;

namespace {

// Whether the test hook `variable` (files.hpp) names this file.
bool requested(const char* variable, const fs::path& path) {
  const char* name = std::getenv(variable);
  return name != nullptr && path.filename() == name;
}

[[noreturn]] void fail(const std::string& what, const fs::path& path, int error) {
  throw std::runtime_error(fmt::format("cannot {} {}: {}", what, path.string(), std::strerror(error)));
}

// A name beside `path` for one of its stages ("tmp": the new content; "old": the file it replaces).
fs::path beside(const fs::path& path, const char* stage) {
  return path.parent_path() / fmt::format(".{}.{}.{}", path.filename().string(), stage, ::getpid());
}

// `content` written to a temporary name beside `path`; that name. Nothing is left on failure.
fs::path write_temporary(const fs::path& path, const std::string& content) {
  const fs::path tmp = beside(path, "tmp");
  const bool full = requested("EXPOFLOW_FAIL_WRITE", path);
  if (requested("EXPOFLOW_SIGNAL_WRITE", path)) std::raise(SIGTERM);
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (fd < 0) fail("write", path, errno);
  const char* p = content.data();
  std::size_t left = full ? content.size() / 2 : content.size();
  int error = 0;
  while (left > 0) {
    const ssize_t n = ::write(fd, p, left);
    if (n < 0 && errno == EINTR) continue;  // a signal handler ran (SIGINT, SIGTERM): go on
    if (n <= 0) {
      error = n < 0 ? errno : EIO;
      break;
    }
    p += n;
    left -= static_cast<std::size_t>(n);
  }
  if (error == 0 && full) error = ENOSPC;
  if (::close(fd) != 0 && error == 0) error = errno;
  if (error != 0) {
    ::unlink(tmp.c_str());
    fail("write", path, error);
  }
  return tmp;
}

void rename_into_place(const fs::path& tmp, const fs::path& path) {
  const int error = requested("EXPOFLOW_FAIL_RENAME", path) ? EIO : ::rename(tmp.c_str(), path.c_str()) != 0 ? errno : 0;
  if (error != 0) {
    ::unlink(tmp.c_str());
    fail("replace", path, error);
  }
}

}  // namespace

void write_atomically(const fs::path& path, const std::string& content) {
  rename_into_place(write_temporary(path, content), path);
}

void write_set_atomically(const std::vector<std::pair<fs::path, std::string>>& files) {
  std::vector<fs::path> written, kept;  // the new contents; the files they replace, by their second name
  std::vector<bool> existed;
  auto discard = [](const std::vector<fs::path>& paths) {
    for (const fs::path& p : paths)
      if (!p.empty()) ::unlink(p.c_str());
  };
  try {
    for (const auto& [path, content] : files) written.push_back(write_temporary(path, content));
    // The files replaced stay reachable under a second name until every new one is in place.
    for (const auto& file : files) {
      const fs::path& path = file.first;
      const fs::path old = beside(path, "old");
      ::unlink(old.c_str());
      bool exists = ::link(path.c_str(), old.c_str()) == 0;
      if (!exists && errno != ENOENT) {
        // A file system without hard links: a copy keeps it as well.
        std::error_code ec;
        exists = fs::copy_file(path, old, fs::copy_options::overwrite_existing, ec);
        if (!exists) fail("keep the earlier", path, ec.value());
      }
      kept.push_back(exists ? old : fs::path());
      existed.push_back(exists);
    }
  } catch (...) {
    discard(written);
    discard(kept);
    throw;
  }
  for (std::size_t i = 0; i < files.size(); ++i) {
    try {
      rename_into_place(written[i], files[i].first);
    } catch (...) {
      // Put the earlier set back: the files already replaced get their earlier content (or go, if
      // there was none), and what was not yet renamed is dropped.
      for (std::size_t j = 0; j < i; ++j) {
        if (existed[j]) ::rename(kept[j].c_str(), files[j].first.c_str());
        else ::unlink(files[j].first.c_str());
      }
      discard({written.begin() + static_cast<std::ptrdiff_t>(i) + 1, written.end()});
      discard(kept);
      throw;
    }
  }
  discard(kept);
}

std::string read_file(const fs::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) fail("read", path, errno);
  std::string out;
  char buffer[1 << 16];
  for (;;) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int error = errno;
      ::close(fd);
      fail("read", path, error);
    }
    if (n == 0) break;
    out.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return out;
}

}  // namespace expoflow::support
