/* Loads a library xfc compiled from make_affine_model.py's model with
 * dlopen, runs it on random input and checks Y = X W + B (relative error
 * 1e-5). Usage: run_model LIBRARY.so */

#include <dlfcn.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <xfc/Version.h>
#include <xfc_runtime.h>

enum { BATCH = 3, IN = 4, OUT = 3 };

static void *library;

static void *symbol(const char *name) {
  void *address = dlsym(library, name);
  if (!address) {
    fprintf(stderr, "run_model: %s\n", dlerror());
    exit(1);
  }
  return address;
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: run_model LIBRARY.so\n");
    return 2;
  }
  if (strcmp(XFC_VERSION_STRING, EXPECTED_VERSION) != 0) {
    fprintf(stderr, "run_model: xfc/Version.h says %s, the package %s\n",
            XFC_VERSION_STRING, EXPECTED_VERSION);
    return 1;
  }
  library = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
  if (!library) {
    fprintf(stderr, "run_model: %s\n", dlerror());
    return 1;
  }
  __typeof__(xfc_session_create) *create = symbol("xfc_session_create");
  __typeof__(xfc_session_destroy) *destroy = symbol("xfc_session_destroy");
  __typeof__(xfc_session_error) *error = symbol("xfc_session_error");
  __typeof__(xfc_run) *run = symbol("xfc_run");

  unsigned seed = (unsigned)time(NULL) ^ (unsigned)getpid();
  srand(seed);
  float x[BATCH][IN];
  for (int b = 0; b < BATCH; ++b)
    for (int i = 0; i < IN; ++i)
      x[b][i] = (float)(2.0 * rand() / RAND_MAX - 1.0);

  xfc_session *session;
  if (create(&session) != XFC_OK) {
    fprintf(stderr, "run_model: %s\n", error(NULL));
    return 1;
  }
  xfc_tensor input = {XFC_FLOAT32, 2, {BATCH, IN}, x};
  xfc_tensor output;
  if (run(session, &input, 1, &output, 1) != XFC_OK) {
    fprintf(stderr, "run_model: %s\n", error(session));
    return 1;
  }
  if (output.dtype != XFC_FLOAT32 || output.rank != 2 ||
      output.shape[0] != BATCH || output.shape[1] != OUT) {
    fprintf(stderr, "run_model: Y has the wrong type or shape\n");
    return 1;
  }
  const float *y = output.data;
  double worst = 0;
  for (int b = 0; b < BATCH; ++b)
    for (int j = 0; j < OUT; ++j) {
      double want = 0.125 * j;
      for (int i = 0; i < IN; ++i)
        want += x[b][i] * (0.25 * (i + 1) - 0.5 * j);
      double relative = fabs(y[b * OUT + j] - want) / (1.0 + fabs(want));
      worst = relative > worst ? relative : worst;
    }
  destroy(session);
  printf("xfc %s: Y = X W + B within %.1e (seed %u)\n", XFC_VERSION_STRING,
         worst, seed);
  return worst <= 1e-5 ? 0 : 1;
}
