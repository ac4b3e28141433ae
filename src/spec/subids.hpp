// Subordinate id ranges (/etc/subuid, /etc/subgid, see subuid(5)) and how they extend
// the sandbox's id mappings when a profile sets [namespaces] subordinate_ids = true.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "spec/spec.hpp"

namespace sbx {

struct SubidRange {
  uint32_t start = 0;
  uint32_t count = 0;
};

// Ranges for the user (by name or by numeric uid) in a subuid/subgid file.
std::vector<SubidRange> read_subid_ranges(const std::string& file, const std::string& user, uint32_t uid);
std::vector<SubidRange> parse_subid_ranges(const std::string& text, const std::string& user, uint32_t uid);

// Given the one-id mapping {inside -> caller}, fills the ids around it from the first
// range: inside ids [0, inside) and (inside, ...) map onto the range in order.
// Throws sbx::Error when the user has no range in `file`.
void add_subordinate_mappings(std::vector<IdMapping>& maps, const std::vector<SubidRange>& ranges,
                              const std::string& file, const std::string& user);

}  // namespace sbx
