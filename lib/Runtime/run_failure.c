/*===- run_failure.c - ending a run from deep inside compiled code --------===*
 *
 * See run_failure.h.
 *
 *===----------------------------------------------------------------------===*/

#include "run_failure.h"
#include "runtime_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>

_Thread_local xfc__run *xfc__current_run;
_Thread_local jmp_buf *xfc__resume_point;

void xfc__run_begin(xfc__run *run, xfc__run **saved_run, jmp_buf **saved_point,
                    char *error, size_t error_size) {
  pthread_mutex_init(&run->lock, NULL);
  atomic_init(&run->failed, 0);
  run->status = XFC_OK;
  run->error = error;
  run->error_size = error_size;
  run->live = NULL;
  *saved_run = xfc__current_run;
  *saved_point = xfc__resume_point;
  xfc__current_run = run;
  xfc__resume_point = NULL;
}

void xfc__run_end(xfc__run *run, xfc__run *saved_run, jmp_buf *saved_point) {
  pthread_mutex_destroy(&run->lock);
  xfc__current_run = saved_run;
  xfc__resume_point = saved_point;
}

static void record(xfc_status status, const char *format, va_list args) {
  xfc__run *run = xfc__current_run;
  if (!run) {
    vfprintf(stderr, format, args);
    fputc('\n', stderr);
    return;
  }
  pthread_mutex_lock(&run->lock);
  if (run->status == XFC_OK) {
    vsnprintf(run->error, run->error_size, format, args);
    run->status = status;
    atomic_store_explicit(&run->failed, 1, memory_order_release);
  }
  pthread_mutex_unlock(&run->lock);
}

void xfc__run_unwind(void) {
  if (!xfc__current_run || !xfc__resume_point) {
    /* No run to fail: upstream's JIT runner, whose test reads the message
     * and the exit status. _exit: a pool thread may be here, and the
     * pool's destructor would wait for it. */
    fflush(stderr);
    _exit(1);
  }
  longjmp(*xfc__resume_point, 1);
}

void xfc__run_fail(xfc_status status, const char *format, ...) {
  va_list args;
  va_start(args, format);
  record(status, format, args);
  va_end(args);
  xfc__run_unwind();
}

void xfc__fail_run(const char *format, int64_t a, int64_t b) {
  xfc__run_fail(XFC_INVALID_ARGUMENT, format, (long long)a, (long long)b);
}
