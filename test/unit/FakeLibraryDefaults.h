/*===- FakeLibraryDefaults.h - what every fake glue defines alike ---------===*
 *
 * The parts of a library's generated glue that the fake libraries of the
 * runtime's unit tests share: no weights file and code
 * for any x86-64 CPU (no extension to check). Included once by each fake
 * glue, which is linked into its own test program.
 *
 *===----------------------------------------------------------------------===*/

#ifndef XFC_TEST_UNIT_FAKELIBRARYDEFAULTS_H
#define XFC_TEST_UNIT_FAKELIBRARYDEFAULTS_H

void *xfc__weights[1];
const uint64_t xfc__weight_sizes[1] = {0};
const size_t xfc__num_weights = 0;
const uint64_t xfc__weights_id = 0;
const int xfc__weights_in_library = 0;

const xfc__cpu_feature xfc__cpu_features[1];
const size_t xfc__num_cpu_features = 0;
const char xfc__cpu_name[] = "x86-64";

#endif /* XFC_TEST_UNIT_FAKELIBRARYDEFAULTS_H */
