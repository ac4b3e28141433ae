#include "spec/features.hpp"

#include "util/error.hpp"

namespace sbx {

nlohmann::json features_json() { throw Error("`sbx features` is not available in this build yet"); }

}  // namespace sbx
