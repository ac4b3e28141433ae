#include "harness.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <stdexcept>

namespace sbx::test {

namespace fs = std::filesystem;

bool running_as_root() { return ::geteuid() == 0; }
uid_t test_uid() { return running_as_root() ? 65534 : ::getuid(); }
gid_t test_gid() { return running_as_root() ? 65534 : ::getgid(); }

namespace {

std::vector<std::string> g_cleanup;

void cleanup() {
  for (const auto& d : g_cleanup) {
    std::error_code ec;
    fs::remove_all(d, ec);
  }
}

std::string scratch_root() {
  static std::string root = [] {
    char tmpl[] = "/tmp/sbx-test-XXXXXX";
    if (!::mkdtemp(tmpl)) throw std::runtime_error("mkdtemp failed");
    ::chmod(tmpl, 0755);
    g_cleanup.push_back(tmpl);
    std::atexit(cleanup);
    return std::string(tmpl);
  }();
  return root;
}

void chown_to_test_user(const std::string& path) {
  if (running_as_root() && ::lchown(path.c_str(), test_uid(), test_gid()) != 0)
    throw std::runtime_error("chown " + path + ": " + std::strerror(errno));
}

}  // namespace

const std::string& sbx_binary() {
  static std::string path = [] {
    // The build tree may sit below a directory nobody cannot enter (/root): copy the
    // binary to a world-readable place when we will drop privileges.
    if (!running_as_root()) return std::string(SBX_BINARY);
    std::string dst = scratch_root() + "/sbx";
    fs::copy_file(SBX_BINARY, dst, fs::copy_options::overwrite_existing);
    ::chmod(dst.c_str(), 0755);
    return dst;
  }();
  return path;
}

std::string make_temp_dir(const std::string& tag) {
  std::string tmpl = scratch_root() + "/" + tag + "-XXXXXX";
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back('\0');
  if (!::mkdtemp(buf.data())) throw std::runtime_error("mkdtemp failed");
  std::string dir(buf.data());
  ::chmod(dir.c_str(), 0755);
  chown_to_test_user(dir);
  return dir;
}

void write_file(const std::string& path, const std::string& content, int mode) {
  {
    std::ofstream f(path, std::ios::trunc);
    f << content;
    if (!f) throw std::runtime_error("cannot write " + path);
  }
  ::chmod(path.c_str(), static_cast<mode_t>(mode));
  chown_to_test_user(path);
}

std::string read_file(const std::string& path) {
  std::ifstream f(path);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

namespace {
const std::string& scratch_tmp() {
  static std::string dir = [] {
    std::string d = scratch_root() + "/tmp";
    ::mkdir(d.c_str(), 0700);
    chown_to_test_user(d);
    return d;
  }();
  return dir;
}
}  // namespace

Result run(const std::vector<std::string>& argv, const RunOptions& opts) {
  std::string cwd = opts.cwd.empty() ? make_temp_dir() : opts.cwd;
  std::vector<std::string> env;
  if (!opts.clear_env) {
    const char* path = std::getenv("PATH");
    env.push_back(std::string("PATH=") + (path ? path : "/usr/local/bin:/usr/bin:/bin"));
    env.push_back("HOME=" + scratch_root() + "/home");
    env.push_back("USER=" + std::string(running_as_root() ? "nobody" : (std::getenv("USER") ? std::getenv("USER") : "")));
    env.push_back("LANG=C.UTF-8");
    // Temporary files of what runs outside a sandbox (cc's, say) stay in the scratch
    // root too: the Fault* tests count new files in /tmp as a sandbox's leftovers.
    env.push_back("TMPDIR=" + scratch_tmp());
    if (const char* xdg = std::getenv("XDG_CONFIG_HOME")) env.push_back(std::string("XDG_CONFIG_HOME=") + xdg);
  }
  // opts.env overrides the base entries of the same name.
  for (const auto& kv : opts.env) {
    std::string name = kv.substr(0, kv.find('=') + 1);
    std::erase_if(env, [&](const std::string& e) { return e.compare(0, name.size(), name) == 0; });
    env.push_back(kv);
  }

  int out_pipe[2], err_pipe[2], in_pipe[2];
  if (::pipe2(out_pipe, O_CLOEXEC) || ::pipe2(err_pipe, O_CLOEXEC) || ::pipe2(in_pipe, O_CLOEXEC))
    throw std::runtime_error("pipe failed");
  std::vector<char*> cargv, cenv;
  for (const auto& a : argv) cargv.push_back(const_cast<char*>(a.c_str()));
  cargv.push_back(nullptr);
  for (const auto& e : env) cenv.push_back(const_cast<char*>(e.c_str()));
  cenv.push_back(nullptr);

  pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    ::setpgid(0, 0);
    ::dup2(in_pipe[0], 0);
    ::dup2(out_pipe[1], 1);
    ::dup2(err_pipe[1], 2);
    for (int fd : opts.inherit_fds) ::fcntl(fd, F_SETFD, 0);
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    if (::chdir(cwd.c_str()) != 0) ::_exit(120);
    if (running_as_root() && !opts.privileged) {
      if (::setgroups(0, nullptr) != 0 || ::setresgid(65534, 65534, 65534) != 0 ||
          ::setresuid(65534, 65534, 65534) != 0)
        ::_exit(121);
    }
    ::execvpe(cargv[0], cargv.data(), cenv.data());
    ::_exit(errno == ENOENT ? 127 : 126);
  }
  ::close(out_pipe[1]);
  ::close(err_pipe[1]);
  ::close(in_pipe[0]);
  if (!opts.input.empty()) {
    ssize_t w = ::write(in_pipe[1], opts.input.data(), opts.input.size());
    (void)w;
  }
  ::close(in_pipe[1]);

  Result r;
  auto deadline = std::chrono::steady_clock::now() + opts.timeout;
  struct pollfd pfds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
  int open_count = 2;
  while (open_count > 0) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      r.timed_out = true;
      ::kill(-pid, SIGKILL);
      ::kill(pid, SIGKILL);
      break;
    }
    int n = ::poll(pfds, 2, static_cast<int>(left.count()));
    if (n < 0 && errno == EINTR) continue;
    for (int i = 0; i < 2; ++i) {
      if (pfds[i].fd < 0 || !pfds[i].revents) continue;
      char buf[8192];
      ssize_t got = ::read(pfds[i].fd, buf, sizeof buf);
      if (got <= 0) {
        ::close(pfds[i].fd);
        pfds[i].fd = -1;
        --open_count;
      } else {
        (i == 0 ? r.out : r.err).append(buf, static_cast<size_t>(got));
      }
    }
  }
  for (auto& p : pfds)
    if (p.fd >= 0) ::close(p.fd);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  r.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return r;
}

Result sbx(const std::vector<std::string>& args, const RunOptions& opts) {
  std::vector<std::string> argv = {sbx_binary()};
  argv.insert(argv.end(), args.begin(), args.end());
  return run(argv, opts);
}

Result sbx_sh(const std::string& script, const std::vector<std::string>& run_args, const RunOptions& opts) {
  std::vector<std::string> args = {"run"};
  args.insert(args.end(), run_args.begin(), run_args.end());
  args.insert(args.end(), {"--", "/bin/sh", "-c", script});
  return sbx(args, opts);
}

std::vector<std::string> list_dir(const std::string& d) {
  std::vector<std::string> out;
  if (DIR* dd = ::opendir(d.c_str())) {
    while (auto* e = ::readdir(dd))
      if (std::string(e->d_name) != "." && std::string(e->d_name) != "..") out.push_back(e->d_name);
    ::closedir(dd);
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace sbx::test
