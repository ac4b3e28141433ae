// `sbx export --bundle DIR`: DIR/config.json plus DIR/rootfs, laid out so that runc and
// crun give the workload the same view as `sbx run` with the same profile.
//
// sbx builds its root on an empty tmpfs, creating mount points and the profile's
// symlinks on demand. runc and crun bind DIR/rootfs instead, so the bundle's rootfs is
// the skeleton of that tmpfs: a directory for every mount destination (an empty file
// for a bind of a file), and the symlinks (Spec.sbx.symlinks, e.g. /bin -> usr/bin).
//
// What runc cannot express is adapted in the exported copy of the Spec (see
// bundle_spec), never in the caller's Spec:
//   - optional binds whose source is absent at export time are left out (runc has no
//     "skip if absent"; sbx would skip them on this host too);
//   - a recursive bind's ro, nosuid, nodev, noexec get their recursive forms rro,
//     rnosuid, rnodev, rnoexec (runc >= 1.1, crun): sbx applies them to every submount,
//     runc and crun apply the plain forms to the top mount only;
//   - the built-in seccomp-notify listener ([seccomp.notify]) becomes SCMP_ACT_LOG
//     (action "allow": allowed, logged by the kernel's audit) or SCMP_ACT_ERRNO
//     (action "deny"), since a runtime needs an external agent for SCMP_ACT_NOTIFY.
#pragma once
#include <string>

#include "spec/spec.hpp"

namespace sbx {

// The Spec as the bundle carries it (the adaptations above). Pure: no filesystem
// writes; reads the host only to check which optional bind sources exist.
Spec bundle_spec(const Spec& spec);

// Writes DIR/config.json and DIR/rootfs. DIR may exist; a rootfs entry that is in the
// way (a file where a directory must be, a different symlink) is an error. Throws
// sbx::Error.
void write_bundle(const Spec& spec, const std::string& dir);

}  // namespace sbx
