// toml++'s implementation, compiled into sbx from Debian's headers when
// SBX_STATIC_DEPS is on (instead of loading libtomlplusplus.so at every start).
#define TOML_IMPLEMENTATION
#include <toml++/toml.h>
