/*===- bf16.c - f32 to bf16 where the CPU has no instruction for it --------===*
 *
 * LLVM lowers a truncation of f32 to bf16 to a call of __truncsfbf2 on CPUs
 * without AVX512-BF16 (AVX2 machines, --cpu=x86-64-v3); compiler-rt has it,
 * but Debian 12's libgcc, which clang links, does not. Libraries keep their
 * own copy (not exported).
 *
 *===----------------------------------------------------------------------===*/

#include <stdint.h>
#include <string.h>

__bf16 __truncsfbf2(float value);

/* Rounds to nearest, ties to even, as the hardware conversion does; a NaN
 * stays a (quiet) NaN. */
__bf16 __truncsfbf2(float value) {
  uint32_t bits;
  memcpy(&bits, &value, sizeof bits);
  uint16_t half;
  if ((bits & 0x7fffffffu) > 0x7f800000u)
    half = (uint16_t)((bits >> 16) | 0x40u);
  else
    half = (uint16_t)((bits + 0x7fffu + ((bits >> 16) & 1u)) >> 16);
  __bf16 result;
  memcpy(&result, &half, sizeof result);
  return result;
}
