// What a build may not leave behind in the directories it can write (issue 12): the
// parent's checks of every writable bind (the project) before the sandbox starts, and
// after it ends.
//
// Before: for each writable directory bind (the project, `rw = [...]`),
//  - its git metadata: .git, or the directory a .git file's `gitdir:` names when that
//    lies in a writable bind too, is bound read-only over itself; its config (and
//    config.worktree) is replaced by a sanitized copy when it holds credentials
//    (launch/git_config.hpp); GIT_OPTIONAL_LOCKS=0 keeps read-only git working;
//    the same for submodules (.gitmodules paths' PATH/.git, protected even when
//    missing; the configs in .git/modules) and an existing DIR/.git one level down in
//    the project; the targets of the config's core.hooksPath and include.path are
//    protected paths too;
//  - each [filesystem] protect entry, and each profile file and profile directory
//    (Spec::sbx.guarded_paths) below it: an existing one is bound read-only over
//    itself; a missing one is remembered;
//  - bind sources below it are opened beneath it, and the inode found is the one the
//    child must find again (MountStep::dev/ino).
// A read-only bind of a work tree gets the sanitized .git/config as well.
// Everything read-only is checked by inode in the child (sandbox/mounts.cpp), so a
// concurrent rename cannot make it protect something else.
//
// After: a remembered path that now exists was made by the build: it is removed and
// the run fails, naming it (check_after). A read-only path is looked up again, and
// another inode there (a directory above it renamed and a new one made in its place)
// fails the run too, naming it: a mount cannot keep a parent directory from being
// renamed, so this is detected, not prevented. A SIGKILL of sbx skips this; a journal in
// $XDG_RUNTIME_DIR/sbx (none without XDG_RUNTIME_DIR) lists what the run was watching,
// and the next run in the same directory fails, naming what appeared there since (it
// cannot tell the killed build's work from the user's, so it deletes nothing).
#pragma once
#include <sys/types.h>

#include <cstdint>

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "sandbox/plan.hpp"
#include "spec/spec.hpp"
#include "util/fd.hpp"

namespace sbx {

class Guard {
 public:
  // Throws sbx::Error (a protected path that is a symlink, unreadable git metadata).
  static Guard prepare(const Spec& spec, std::vector<std::string>& warnings);
  Guard() = default;
  Guard(Guard&&) = default;
  Guard& operator=(Guard&&) = default;
  ~Guard();

  // Adds the read-only steps, the checked inodes and the environment to a Plan that
  // build_plan filled (in the same arena scope).
  void apply(Plan& plan) const;
  // After the sandbox ended: what the build did to protected paths, one message each
  // (a path it created, removed; one it replaced by renaming a directory above it, left
  // as it is). Any message fails the run. Ends the journal.
  std::vector<std::string> check_after();

  struct Step {
    MountStep::Kind kind;
    std::string destination;
    std::string content;
    uint64_t dev = 0, ino = 0;
    // Protect: where it is (checked again when the run ends); none for the others.
    size_t writable = SIZE_MAX;
    std::string rel;
  };
  struct Missing {
    size_t writable;   // index into writable_
    std::string rel;   // below it
    std::string host;  // for messages
  };
  const std::vector<Step>& steps() const { return steps_; }
  const std::vector<Missing>& missing() const { return missing_; }

 private:
  struct Writable {
    UniqueFd fd;
    std::string source, destination;
    dev_t dev = 0;
    ino_t ino = 0;
    bool project = false;  // the directory sbx was started in
  };
  std::vector<Writable> writable_;
  std::vector<Step> steps_;
  std::vector<Missing> missing_;
  std::map<std::string, std::pair<uint64_t, uint64_t>> sources_;  // bind source -> dev, ino
  bool git_ = false;
  std::vector<UniqueFd> journal_;  // per writable_ (launch/guard_journal.cpp); invalid: none
  bool journal_dirty_ = false;

  void protect_git(size_t w, const std::vector<Mount>& mounts);
  // The repository whose work tree is `sub` ("": the bind itself) below writable bind w:
  // its .git, the git directory a .git file names, the paths its config names.
  void protect_repo(size_t w, const std::string& sub, const std::vector<Mount>& mounts);
  void protect_submodules(size_t w, const std::vector<Mount>& mounts);
  void protect_nested(size_t w, const std::vector<Mount>& mounts);
  // A git directory to protect, with its config files sanitized; returns its fd.
  UniqueFd protect_gitdir(size_t w, const std::string& rel, const std::vector<Mount>& mounts);
  // Content steps for the configs of the git directory `dir` (at `dest` inside) and of
  // its submodules' (modules/...).
  void sanitize_gitdir(int dir, const std::string& dest, int depth = 0);
  void sanitize_modules(int dir, const std::string& rel, const std::string& dest, int depth);
  void sanitize_read_only(const Spec& spec);
  void guard_path(size_t w, const std::string& rel, const std::vector<Mount>& mounts, const char* why);
  void clean_stale(std::vector<std::string>& warnings);
  void write_journal(std::vector<std::string>& warnings);
  void end_journal() noexcept;
};

}  // namespace sbx
