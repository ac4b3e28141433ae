// Shared by the profile and spec unit tests: a temporary directory for profile files,
// fixed variables and a fixed caller, so that every message is predictable.
#pragma once
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "profile/loader.hpp"
#include "spec/from_profile.hpp"
#include "util/error.hpp"

namespace sbx::testing {

class TempDir {
 public:
  TempDir() {
    // sbx-test-*: what the integration tests' leftover checks know to be a test's own.
    std::string tmpl = (std::filesystem::temp_directory_path() / "sbx-test-unit-XXXXXX").string();
    if (!::mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }

  // Writes `name` (relative to the directory) and returns its full path.
  std::string write(const std::string& name, const std::string& content) const {
    std::string p = path_ + "/" + name;
    std::filesystem::create_directories(std::filesystem::path(p).parent_path());
    std::ofstream f(p, std::ios::binary | std::ios::trunc);
    f << content;
    if (!f) throw std::runtime_error("cannot write " + p);
    return p;
  }

 private:
  std::string path_;
};

inline Variables test_variables() {
  Variables v;
  v.values = {{"PWD", "/work/proj"}, {"HOME", "/home/u"}, {"USER", "u"}, {"UID", "1000"}, {"GID", "1000"}};
  v.env = [](const std::string& name) -> std::optional<std::string> {
    if (name == "CI_DIR") return std::string("/ci");
    if (name == "BANG") return std::string("!/usr");
    return std::nullopt;
  };
  return v;
}

inline BuildContext test_context() {
  BuildContext ctx;
  ctx.caller_uid = 1000;
  ctx.caller_gid = 1000;
  ctx.caller_user = "u";
  ctx.environ = {"PATH=/usr/bin:/bin", "HOME=/home/u", "USER=u", "LC_ALL=C.UTF-8", "LC_TIME=en_GB.UTF-8",
                 "CI_JOB_TOKEN=secret", "AWS_SECRET_ACCESS_KEY=secret", "TERM=xterm"};
  ctx.args = {"make", "-j4"};
  ctx.profile_name = "test";
  return ctx;
}

// Loads a profile file with the test variables.
inline LoadedProfile load_file(const std::string& path) { return load_profile(path, test_variables()); }

// Loads and builds; `path` is a profile file.
inline Spec build_file(const std::string& path, const BuildContext& ctx = test_context()) {
  return build_spec(load_file(path).table, ctx);
}

// The sbx::Error message f throws, or "no error".
template <typename F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace sbx::testing
