#include "spec/subids.hpp"

#include <fstream>
#include <sstream>

#include "util/error.hpp"
#include "util/strings.hpp"

namespace sbx {

std::vector<SubidRange> parse_subid_ranges(const std::string& text, const std::string& user, uint32_t uid) {
  std::vector<SubidRange> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    auto f = split(line, ':');
    if (f.size() != 3) continue;
    if (f[0] != user && f[0] != std::to_string(uid)) continue;
    try {
      unsigned long start = std::stoul(f[1]);
      unsigned long count = std::stoul(f[2]);
      if (count == 0 || start > UINT32_MAX || count > UINT32_MAX - start) continue;
      out.push_back({static_cast<uint32_t>(start), static_cast<uint32_t>(count)});
    } catch (const std::exception&) {
      continue;
    }
  }
  return out;
}

std::vector<SubidRange> read_subid_ranges(const std::string& file, const std::string& user, uint32_t uid) {
  std::ifstream f(file);
  if (!f) return {};
  std::stringstream ss;
  ss << f.rdbuf();
  return parse_subid_ranges(ss.str(), user, uid);
}

void add_subordinate_mappings(std::vector<IdMapping>& maps, const std::vector<SubidRange>& ranges,
                              const std::string& file, const std::string& user) {
  if (ranges.empty())
    throw Error("[namespaces] subordinate_ids: user '" + user + "' has no range in " + file +
                " (add one with `usermod --add-subuids 100000-165535 --add-subgids 100000-165535 " + user + "`)");
  const SubidRange& r = ranges.front();
  uint32_t inside = maps.front().container_id;
  uint32_t below = std::min(inside, r.count);
  if (below > 0) maps.push_back({0, r.start, below});
  uint32_t rest = r.count - below;
  if (rest > 0 && inside < UINT32_MAX - 1) {
    uint32_t room = UINT32_MAX - 1 - inside;
    maps.push_back({inside + 1, r.start + below, std::min(rest, room)});
  }
}

}  // namespace sbx
