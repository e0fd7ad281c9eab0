/*===- cpu_check.c - whether this CPU runs the library's code -------------===*
 *
 * xfc compiles for one CPU (--cpu, by default the compiling machine's) and
 * lists, in the glue, the instruction set extensions the code may use with
 * where CPUID reports each. A session is refused on a CPU that lacks any,
 * instead of the process dying of an illegal instruction somewhere in the
 * model. CPUID rather than __builtin_cpu_supports: the latter only knows
 * the extensions of the C runtime it was built with.
 *
 *===----------------------------------------------------------------------===*/

#include "runtime_internal.h"

#include <stdio.h>
#include <string.h>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>

/* The register state the OS enables (XCR0); 0 without XSAVE. */
static uint64_t enabled_state(void) {
  unsigned a, b, c, d;
  if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & bit_OSXSAVE))
    return 0;
  uint32_t low, high;
  __asm__ volatile("xgetbv" : "=a"(low), "=d"(high) : "c"(0));
  return ((uint64_t)high << 32) | low;
}

static int has_feature(const xfc__cpu_feature *f, uint64_t state) {
  unsigned regs[4];
  if (!__get_cpuid_count(f->leaf, f->subleaf, &regs[0], &regs[1], &regs[2],
                         &regs[3]))
    return 0;
  return (regs[f->reg] >> f->bit & 1) && (state & f->state) == f->state;
}
#else
static uint64_t enabled_state(void) { return 0; }
static int has_feature(const xfc__cpu_feature *f, uint64_t state) { return 0; }
#endif

xfc_status xfc__check_cpu(char *error, size_t error_size) {
  uint64_t state = enabled_state();
  char missing[512] = "";
  size_t used = 0;
  for (size_t i = 0; i < xfc__num_cpu_features; ++i)
    if (!has_feature(&xfc__cpu_features[i], state) && used < sizeof missing)
      used += (size_t)snprintf(missing + used, sizeof missing - used, "%s%s",
                               used ? ", " : "", xfc__cpu_features[i].name);
  if (!used)
    return XFC_OK;
  snprintf(error, error_size,
           "this library's code (compiled for CPU '%s') uses instructions "
           "this CPU lacks: %s (compile it with --cpu=native on this "
           "machine, or --cpu=x86-64-v3 for any x86-64 CPU with AVX2)",
           xfc__cpu_name, missing);
  return XFC_UNSUPPORTED_CPU;
}
