/* random SIZE_MIB PASSES: writes an array a cache line at a time, then in each pass
 * reads 8 words of as many pages as the array has, each picked at random (with
 * replacement, from a fixed seed): about 63% of the pages in a pass (common.h). */
#include "common.h"

int main(int argc, char **argv) {
  return random_program("random", arg_mib(argc, argv, 1, 8), arg_long(argc, argv, 2, 3));
}
