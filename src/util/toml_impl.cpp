// toml++'s implementation, compiled into sbx from Debian's headers when
// SBX_STATIC_DEPS is on (sbx is then one static PIE: no libtomlplusplus.so to load).
#define TOML_IMPLEMENTATION
#include <toml++/toml.h>
