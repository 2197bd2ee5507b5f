// libFuzzer's driver entry (compiler-rt, linked by -sanitize=fuzzer). A fuzz target calls it
// from its own main: SwiftPM renames an executable's main, so libFuzzer's main never runs.
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));
