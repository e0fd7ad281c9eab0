/*===- FakeCpuGlue.h - how the CPU runtime's tests steer the fake model ---===*/

#ifndef XFC_TEST_UNIT_FAKECPUGLUE_H
#define XFC_TEST_UNIT_FAKECPUGLUE_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* How the fake model's next run fails, if at all. */
enum {
  FAKE_NO_FAILURE,
  FAKE_BAD_INDEX,
  FAKE_HUGE_ALLOCATION,
  FAKE_BAD_INDEX_IN_LOOP,
  FAKE_HUGE_ALLOCATION_IN_LOOP,
};
extern int fake_cpu_failure;
/* Runs of the model so far. */
extern int fake_cpu_invocations;
/* The scratch buffer each failing run allocates first. */
extern const size_t fake_cpu_scratch_bytes;

#ifdef __cplusplus
}
#endif

#endif /* XFC_TEST_UNIT_FAKECPUGLUE_H */
