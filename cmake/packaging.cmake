# Packaging with CPack: a Debian package of everything `cmake --install` lays out
# (bin/sbx, share/sbx/profiles, the man pages, the bash, zsh and fish completions).
#
#   cmake -S . -B build -DCMAKE_BUILD_TYPE=Release && cmake --build build
#   cpack --config build/CPackConfig.cmake -B build/package    # build/package/sbx_*.deb
#
# Needs dpkg-dev (dpkg-shlibdeps computes Depends from the binary's libraries) and file.
# Included from the top-level CMakeLists.txt, after the install() rules.
#
# cpack packages what is built and does not build first (nor does `make install`):
# build, then package. So a packaging test that runs cpack never rebuilds the tree
# (and the test binary) under the running test suite.
set(CMAKE_SKIP_INSTALL_ALL_DEPENDENCY TRUE)
set(SBX_PACKAGE_MAINTAINER "sbx maintainers <sbx-maintainers@example.invalid>"
    CACHE STRING "Maintainer field of the .deb: \"Name <email>\"")

set(CPACK_GENERATOR "DEB")
set(CPACK_PACKAGE_NAME "sbx")
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_CONTACT "${SBX_PACKAGE_MAINTAINER}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "rootless sandbox for untrusted builds, configured by TOML profiles")
set(CPACK_PACKAGE_DESCRIPTION
    "sbx runs a command, typically an untrusted build (npm ci, pip install, cargo build,
make), in new user, mount, pid, network, IPC, UTS and cgroup namespaces under a seccomp
filter, without setuid helpers or root. A TOML profile says what the command may see:
by default the host's system directories read-only, the project read-write, a fresh
home directory, no network, and a cleared environment. Profiles for CI builds, npm,
pip, cargo and make are included; sbx export prints the equivalent OCI config.json.")
set(CPACK_PACKAGING_INSTALL_PREFIX "/usr")
set(CPACK_STRIP_FILES ON)

set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${SBX_PACKAGE_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_SECTION "utils")
set(CPACK_DEBIAN_PACKAGE_PRIORITY "optional")
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# newuidmap/newgidmap, for profiles that set [namespaces] subordinate_ids.
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "uidmap")
set(CPACK_DEBIAN_FILE_NAME "DEB-DEFAULT")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)

include(CPack)
