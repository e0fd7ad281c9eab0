/* Baselines for bench/gemm_vs_peak.py: the machine's f32 FMA peak and its
 * read bandwidth, measured with T threads.
 *
 *   cpu_peaks fma T    -> GFLOP/s of independent 512-bit (or 256-bit) FMAs
 *   cpu_peaks read T   -> GB/s of summing a 512 MB array
 *
 * Hand-written on purpose: these are what generated kernels are measured
 * against, not kernels xfc uses. */
#include <immintrin.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifdef __AVX512F__
typedef __m512 vec;
#define LANES 16
#define FMA _mm512_fmadd_ps
#define SET1 _mm512_set1_ps
#define ADD _mm512_add_ps
#define LOAD _mm512_loadu_ps
#define SUM _mm512_reduce_add_ps
#else
typedef __m256 vec;
#define LANES 8
#define FMA _mm256_fmadd_ps
#define SET1 _mm256_set1_ps
#define ADD _mm256_add_ps
#define LOAD _mm256_loadu_ps
static float SUM(__m256 v) {
  float x[8];
  _mm256_storeu_ps(x, v);
  return x[0] + x[1] + x[2] + x[3] + x[4] + x[5] + x[6] + x[7];
}
#endif

enum { CHAINS = 12 };
static const long FMA_STEPS = 100000000;
static const size_t READ_FLOATS = (size_t)128 << 20; /* 512 MB */
static float *data;
static int threads;
static volatile float sink;

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + 1e-9 * t.tv_nsec;
}

static void *fma_work(void *arg) {
  vec a[CHAINS], x = SET1(1.0000001f), y = SET1(1e-7f);
  for (int i = 0; i < CHAINS; ++i)
    a[i] = SET1((float)i);
  for (long s = 0; s < FMA_STEPS / CHAINS; ++s)
    for (int i = 0; i < CHAINS; ++i)
      a[i] = FMA(a[i], x, y);
  float r = 0;
  for (int i = 0; i < CHAINS; ++i)
    r += SUM(a[i]);
  sink = r;
  return arg;
}

static void *read_work(void *arg) {
  long t = (long)arg;
  size_t part = READ_FLOATS / threads, begin = t * part;
  vec s0 = SET1(0), s1 = SET1(0), s2 = SET1(0), s3 = SET1(0);
  for (size_t i = begin; i < begin + part; i += 4 * LANES) {
    s0 = ADD(s0, LOAD(data + i));
    s1 = ADD(s1, LOAD(data + i + LANES));
    s2 = ADD(s2, LOAD(data + i + 2 * LANES));
    s3 = ADD(s3, LOAD(data + i + 3 * LANES));
  }
  sink = SUM(ADD(ADD(s0, s1), ADD(s2, s3)));
  return arg;
}

static double run(void *(*work)(void *)) {
  pthread_t ids[256];
  double start = now();
  for (long t = 0; t < threads; ++t)
    pthread_create(&ids[t], NULL, work, (void *)t);
  for (int t = 0; t < threads; ++t)
    pthread_join(ids[t], NULL);
  return now() - start;
}

int main(int argc, char **argv) {
  if (argc != 3 || (threads = atoi(argv[2])) < 1 || threads > 256) {
    fprintf(stderr, "usage: cpu_peaks fma|read THREADS\n");
    return 2;
  }
  if (!strcmp(argv[1], "fma")) {
    double best = 1e30;
    for (int rep = 0; rep < 3; ++rep) {
      double s = run(fma_work);
      best = s < best ? s : best;
    }
    printf("%.2f\n", 2.0 * LANES * FMA_STEPS / CHAINS * CHAINS * threads /
                         best / 1e9);
    return 0;
  }
  data = aligned_alloc(64, READ_FLOATS * sizeof(float));
  for (size_t i = 0; i < READ_FLOATS; ++i)
    data[i] = 1.0f;
  double best = 1e30;
  for (int rep = 0; rep < 5; ++rep) {
    double s = run(read_work);
    best = s < best ? s : best;
  }
  printf("%.2f\n", READ_FLOATS * sizeof(float) / best / 1e9);
  return 0;
}
