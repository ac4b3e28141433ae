// Real workloads under the default seccomp baseline: the filter refuses clone3 (ENOSYS),
// io_uring (ENOSYS), namespaces and more; builds must not notice. Each test does in
// the sandbox what a CI job does: compile with make + cc, run Python with threads and
// subprocesses, commit with git, run node with worker threads and its file APIs.
#include <gtest/gtest.h>

#include "harness.hpp"

namespace sbx::test {

namespace {

bool have(const std::string& tool) { return run({"/bin/sh", "-c", "command -v " + tool}).status == 0; }

RunOptions in_project(const std::string& dir) {
  RunOptions o;
  o.cwd = dir;
  o.timeout = std::chrono::seconds(120);
  return o;
}

}  // namespace

TEST(SeccompWorkloads, MakeAndCcBuildAThreadedProgramInParallel) {
  std::string dir = make_temp_dir();
  write_file(dir + "/Makefile",
             "all: app\n"
             "app: main.o work.o\n\tcc -pthread -o $@ main.o work.o\n"
             "%.o: %.c\n\tcc -O2 -pthread -c -o $@ $<\n");
  write_file(dir + "/work.c",
             "#include <pthread.h>\n"
             "static void* work(void* p) { long* n = p; for (int i = 0; i < 1000; ++i) *n += i; return 0; }\n"
             "long run_threads(int k) { pthread_t t[32]; long v[32] = {0}, s = 0;\n"
             "  for (int i = 0; i < k; ++i) if (pthread_create(&t[i], 0, work, &v[i])) return -1;\n"
             "  for (int i = 0; i < k; ++i) { pthread_join(t[i], 0); s += v[i]; } return s; }\n");
  write_file(dir + "/main.c",
             "#include <stdio.h>\nlong run_threads(int);\n"
             "int main(void) { printf(\"sum=%ld\\n\", run_threads(32)); return 0; }\n");
  Result r = sbx({"run", "--", "/bin/sh", "-c", "make -j2 && ./app"}, in_project(dir));
  ASSERT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("sum=15984000"), std::string::npos) << r.out;
}

TEST(SeccompWorkloads, Python3ThreadsSubprocessesAndMultiprocessing) {
  if (!have("/usr/bin/python3")) GTEST_SKIP() << "no /usr/bin/python3";
  std::string dir = make_temp_dir();
  write_file(dir + "/t.py",
             "import concurrent.futures, multiprocessing, subprocess, tempfile, os, socket\n"
             "with concurrent.futures.ThreadPoolExecutor(8) as ex:\n"
             "    assert sum(ex.map(lambda x: x * x, range(100))) == 328350\n"
             "assert subprocess.run(['sh', '-c', 'echo sub'], capture_output=True).stdout == b'sub\\n'\n"
             "def sq(x): return x * x\n"
             "if __name__ == '__main__':\n"
             "    with multiprocessing.Pool(2) as p:\n"
             "        assert p.map(sq, range(10))[9] == 81\n"
             "    with tempfile.NamedTemporaryFile(dir='.') as f:\n"
             "        f.write(b'x'); f.flush(); os.fsync(f.fileno())\n"
             "    a, b = socket.socketpair(); a.send(b'p'); assert b.recv(1) == b'p'\n"
             "    print('python ok')\n");
  Result r = sbx({"run", "--", "/usr/bin/python3", "t.py"}, in_project(dir));
  EXPECT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_EQ(r.out, "python ok\n") << r.err;
}

TEST(SeccompWorkloads, GitInitCommitLogAndGc) {
  if (!have("git")) GTEST_SKIP() << "no git";
  std::string dir = make_temp_dir();
  Result r = sbx({"run", "--", "/bin/sh", "-c",
                  "set -e; git init -q repo && cd repo && echo a > f && git add f && "
                  "git -c user.name=t -c user.email=t@e commit -qm one && git gc -q && "
                  "git log --format=%s && git status --porcelain | wc -l"},
                 in_project(dir));
  EXPECT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_EQ(r.out, "one\n0\n") << r.err;
}

TEST(SeccompWorkloads, NodeWorkerThreadsChildProcessesAndFiles) {
  if (!have("node")) GTEST_SKIP() << "no node";
  std::string dir = make_temp_dir();
  // libuv tries io_uring for file operations and falls back on ENOSYS.
  write_file(dir + "/t.js",
             "const { Worker } = require('worker_threads');\n"
             "const cp = require('child_process'); const fs = require('fs/promises');\n"
             "(async () => {\n"
             "  const w = new Worker('require(\"worker_threads\").parentPort.postMessage(6*7)', { eval: true });\n"
             "  const v = await new Promise(r => w.on('message', r));\n"
             "  await fs.writeFile('out.txt', 'data'); const d = await fs.readFile('out.txt', 'utf8');\n"
             "  const s = cp.execFileSync('sh', ['-c', 'echo sub']).toString();\n"
             "  console.log(v, d, s.trim());\n"
             "})();\n");
  Result r = sbx({"run", "--", "node", "t.js"}, in_project(dir));
  EXPECT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_EQ(r.out, "42 data sub\n") << r.err;
}

TEST(SeccompWorkloads, NpmRunsAScriptOffline) {
  if (!have("npm")) GTEST_SKIP() << "no npm";
  std::string dir = make_temp_dir();
  write_file(dir + "/package.json", R"({"name":"t","version":"1.0.0","scripts":{"hello":"node -e \"console.log('npm ok')\""}})");
  Result r = sbx({"run", "--", "npm", "run", "--silent", "--offline", "hello"}, in_project(dir));
  EXPECT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_EQ(r.out, "npm ok\n") << r.err;
}

}  // namespace sbx::test
