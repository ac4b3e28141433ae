#include "spec/bundle.hpp"

#include <filesystem>
#include <fstream>

#include "spec/oci_json.hpp"
#include "util/error.hpp"

namespace sbx {

void write_bundle(const Spec& spec, const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::create_directories(fs::path(dir) / "rootfs", ec);
  if (ec) throw Error("--bundle: cannot create " + dir + "/rootfs: " + ec.message());
  std::ofstream f(fs::path(dir) / "config.json");
  f << to_oci_json(spec).dump(2) << "\n";
  if (!f) throw Error("--bundle: cannot write " + dir + "/config.json");
}

}  // namespace sbx
