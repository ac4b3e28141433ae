// Sleeps for argv[1] milliseconds (default 1000): the workload of the memory section,
// so that the sandbox's own processes can be sampled from outside while it runs.
#include <stdlib.h>
#include <time.h>
int main(int argc, char** argv) {
  long ms = argc > 1 ? atol(argv[1]) : 1000;
  struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
  while (nanosleep(&ts, &ts) != 0) {}
  return 0;
}
