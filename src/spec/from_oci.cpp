#include "spec/from_oci.hpp"

#include "util/error.hpp"

namespace sbx {

Spec spec_from_bundle(const std::string& bundle_dir) {
  throw Error("--bundle " + bundle_dir + ": running OCI bundles is not available in this build yet");
}

}  // namespace sbx
