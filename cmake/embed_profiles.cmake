# Generates a C++ source holding every profiles/*.toml as a string, in name order.
# (The installed copies under share/sbx/profiles keep their comments for readers.)
file(GLOB files ${DIR}/*.toml)
list(SORT files)
set(body "")
foreach(f ${files})
  get_filename_component(name ${f} NAME_WE)
  file(READ ${f} text)
  string(FIND "${text}" ")sbxprofile\"" bad)
  if(NOT bad EQUAL -1)
    message(FATAL_ERROR "${f} contains the raw-string delimiter")
  endif()
  # Comment-only lines are blanked, not removed, so that line:col in messages stay
  # right, and the parser skips them faster: the shipped profiles are half comments,
  # and this is ~1/4 of the default profile's parse time on every `sbx run`. A profile
  # with multi-line strings is embedded as it is: a "#" line there is not a comment.
  string(FIND "${text}" "'''" ml1)
  string(FIND "${text}" "\"\"\"" ml2)
  if(ml1 EQUAL -1 AND ml2 EQUAL -1)
    string(REGEX REPLACE "^[ \t]*#[^\n]*" "" text "${text}")
    string(REGEX REPLACE "\n[ \t]*#[^\n]*" "\n" text "${text}")
  endif()
  string(APPEND body "    {\"${name}\", R\"sbxprofile(${text})sbxprofile\"},\n")
endforeach()
file(WRITE ${OUT}.tmp "// Generated from profiles/*.toml by cmake/embed_profiles.cmake. Do not edit.\n#include \"profile/source.hpp\"\n\nnamespace sbx {\n\nconst std::vector<EmbeddedProfile>& embedded_profiles() {\n  static const std::vector<EmbeddedProfile> profiles = {\n${body}  };\n  return profiles;\n}\n\n}  // namespace sbx\n")
file(COPY_FILE ${OUT}.tmp ${OUT} ONLY_IF_DIFFERENT)
