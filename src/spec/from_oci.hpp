// An existing OCI bundle (config.json) -> Spec, for `sbx run --bundle DIR`. Fields sbx
// does not support are refused with a precise error (the JSON path), never ignored;
// so are properties sbx does not know (runtime-spec says to ignore unknown properties:
// sbx refuses them instead, since an unknown field may be a restriction it would drop).
//
// The bundle's root filesystem: sbx builds its root on an empty tmpfs. Until the
// launcher can bind a directory as the base of the new root, the rootfs is adopted
// entry by entry (adopt_rootfs): each top-level directory or file of DIR/rootfs is bound
// at the same place (read-only when root.readonly), each top-level symlink is recreated,
// and an entry that only holds mount points of the bundle (what `sbx export --bundle`
// writes) is left to sbx to create. Missing mount points are created in DIR/rootfs
// before the run, as runc and crun do.
#pragma once
#include <sys/types.h>

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "spec/spec.hpp"

namespace sbx {

struct OciContext {
  std::string where;        // for messages: "DIR/config.json"
  std::string bundle_dir;   // relative bind sources and root.path resolve against it
  uid_t caller_uid = 0;     // whose ids the user namespace must map
  gid_t caller_gid = 0;
};

// What spec_from_oci_json accepts, for `sbx features`.
struct OciSupport {
  std::vector<std::string> namespaces, mount_types, mount_options, mount_option_keys;
  std::vector<std::string> seccomp_actions, seccomp_operators, seccomp_archs, seccomp_flags;
};
const OciSupport& oci_support();

// The config's fields -> Spec; no filesystem access. root.path becomes absolute (in
// Spec.root.path). Throws sbx::Error "WHERE: JSON.PATH: what is wrong".
Spec spec_from_oci_json(const nlohmann::json& config, const OciContext& ctx);

// Prepends to spec.mounts / spec.sbx.symlinks what makes DIR/rootfs the sandbox's
// root (see above), creating missing mount points in it. Throws sbx::Error.
void adopt_rootfs(Spec& spec, const std::string& where);

// Reads DIR/config.json; root.path is resolved relative to DIR. Throws sbx::Error.
Spec spec_from_bundle(const std::string& bundle_dir);

}  // namespace sbx
