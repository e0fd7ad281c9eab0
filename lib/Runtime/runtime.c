/*===- runtime.c - sessions, input checks and outputs of xfc libraries ----===*
 *
 * Plain C, no LLVM or MLIR: linked into every library xfc writes. It checks
 * every input against the model's table before the compiled code sees it,
 * so bad input is an error status with a message, never a crash. Where the
 * tensors live and how the model runs is the target's part (target_cpu.c,
 * target_cuda.c).
 *
 *===----------------------------------------------------------------------===*/

#include "runtime_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct xfc_session {
  char error[512];
  void *target; /* the target's state (target_cpu.c, target_cuda.c) */
  /* Two sets of xfc__num_outputs slots: the last run's outputs' buffers
   * (from `current` on) and room for the next run's. */
  void **allocations;
  size_t current;
  size_t num_allocations;
  int on_device; /* whether xfc_run_on_device left them */
};

static xfc_status fail(xfc_session *session, xfc_status status,
                       const char *format, ...) {
  va_list args;
  va_start(args, format);
  vsnprintf(session->error, sizeof session->error, format, args);
  va_end(args);
  return status;
}

static const char *dtype_name(xfc_dtype dtype) {
  switch (dtype) {
  case XFC_FLOAT32:
    return "float32";
  case XFC_UINT8:
    return "uint8";
  case XFC_INT8:
    return "int8";
  case XFC_UINT16:
    return "uint16";
  case XFC_INT16:
    return "int16";
  case XFC_UINT32:
    return "uint32";
  case XFC_UINT64:
    return "uint64";
  case XFC_INT32:
    return "int32";
  case XFC_INT64:
    return "int64";
  case XFC_BOOL:
    return "bool";
  case XFC_FLOAT16:
    return "float16";
  case XFC_FLOAT64:
    return "float64";
  case XFC_BFLOAT16:
    return "bfloat16";
  }
  return "an unknown dtype";
}

size_t xfc__dtype_bytes(xfc_dtype dtype) {
  switch (dtype) {
  case XFC_UINT8:
  case XFC_INT8:
  case XFC_BOOL:
    return 1;
  case XFC_UINT16:
  case XFC_INT16:
  case XFC_FLOAT16:
  case XFC_BFLOAT16:
    return 2;
  case XFC_FLOAT32:
  case XFC_INT32:
  case XFC_UINT32:
    return 4;
  case XFC_INT64:
  case XFC_UINT64:
  case XFC_FLOAT64:
    return 8;
  }
  return 0;
}

static void release_outputs(xfc_session *session) {
  void **allocations = session->allocations + session->current;
  for (size_t i = 0; i < session->num_allocations; ++i) {
    /* Two outputs may share a buffer: free each once. */
    int seen = 0;
    for (size_t j = 0; j < i; ++j)
      seen |= allocations[j] == allocations[i];
    if (!seen && allocations[i])
      xfc__target_free_output(session->target, session->on_device,
                              allocations[i]);
  }
  session->num_allocations = 0;
}

/* Why this thread's last xfc_session_create failed: there is no session
 * to hold the message. */
static _Thread_local char create_error[512];

xfc_status xfc_session_create(xfc_session **session) {
  create_error[0] = '\0';
  if (!session) {
    snprintf(create_error, sizeof create_error, "session is a null pointer");
    return XFC_INVALID_ARGUMENT;
  }
  *session = NULL;
  xfc_status status = xfc__check_cpu(create_error, sizeof create_error);
  if (status != XFC_OK)
    return status;
  xfc_session *s = calloc(1, sizeof *s);
  if (s)
    s->allocations = calloc(xfc__num_outputs ? 2 * xfc__num_outputs : 1,
                            sizeof *s->allocations);
  if (!s || !s->allocations) {
    free(s);
    snprintf(create_error, sizeof create_error, "out of memory");
    return XFC_OUT_OF_MEMORY;
  }
  status = xfc__weights_acquire(create_error, sizeof create_error);
  if (status != XFC_OK) {
    free(s->allocations);
    free(s);
    return status;
  }
  status =
      xfc__target_session_create(&s->target, create_error, sizeof create_error);
  if (status != XFC_OK) {
    xfc__weights_release();
    free(s->allocations);
    free(s);
    return status;
  }
  *session = s;
  return XFC_OK;
}

void xfc_session_destroy(xfc_session *session) {
  if (!session)
    return;
  release_outputs(session);
  xfc__target_session_destroy(session->target);
  free(session->allocations);
  free(session);
  xfc__weights_release();
}

const char *xfc_session_error(const xfc_session *session) {
  return session ? session->error : create_error;
}

/* The largest input in bytes: far beyond any memory, and with room for
 * the compiled code's index arithmetic on it. */
static const uint64_t kMaxInputBytes = (uint64_t)1 << 62;

/* "[2, 3]": the tensor's shape for a message. */
static void format_shape(const xfc_tensor *tensor, char *text, size_t size) {
  size_t used = (size_t)snprintf(text, size, "[");
  for (int32_t d = 0; d < tensor->rank && used < size; ++d)
    used += (size_t)snprintf(text + used, size - used, "%s%lld", d ? ", " : "",
                             (long long)tensor->shape[d]);
  if (used < size)
    snprintf(text + used, size - used, "]");
}

/* Checks one input against the table; symbolic sizes must agree with the
 * sizes the same name got from earlier inputs. */
static xfc_status check_input(xfc_session *session, size_t index,
                              const xfc_tensor *tensor, const char **names,
                              int64_t *sizes, size_t *num_names) {
  const xfc__io_info *info = &xfc__inputs[index];
  if (tensor->dtype != info->dtype)
    return fail(session, XFC_INVALID_ARGUMENT,
                "input '%s' has dtype %s, but the model takes %s", info->name,
                dtype_name(tensor->dtype), dtype_name(info->dtype));
  if (tensor->rank != info->rank)
    return fail(session, XFC_INVALID_ARGUMENT,
                "input '%s' has rank %d, but the model takes rank %d",
                info->name, (int)tensor->rank, (int)info->rank);
  /* The product wraps to anything, 0 included, once it overflows: an
   * empty tensor is one with a zero dimension. */
  uint64_t count = 1;
  int overflow = 0, empty = 0;
  for (int32_t d = 0; d < info->rank; ++d) {
    int64_t size = tensor->shape[d];
    if (size < 0)
      return fail(session, XFC_INVALID_ARGUMENT,
                  "input '%s' has negative size %lld in dimension %d",
                  info->name, (long long)size, (int)d);
    if (info->dims[d] >= 0 && size != info->dims[d])
      return fail(session, XFC_INVALID_ARGUMENT,
                  "input '%s' has size %lld in dimension %d, but the model "
                  "fixes it to %lld",
                  info->name, (long long)size, (int)d,
                  (long long)info->dims[d]);
    const char *name = info->dim_names[d];
    if (info->dims[d] < 0 && name[0]) {
      size_t k = 0;
      while (k < *num_names && strcmp(names[k], name) != 0)
        ++k;
      if (k == *num_names) {
        names[k] = name;
        sizes[k] = size;
        ++*num_names;
      } else if (sizes[k] != size) {
        return fail(session, XFC_INVALID_ARGUMENT,
                    "input '%s' has %s = %lld in dimension %d, but an earlier "
                    "input has %s = %lld",
                    info->name, name, (long long)size, (int)d, name,
                    (long long)sizes[k]);
      }
    }
    overflow |= __builtin_mul_overflow(count, (uint64_t)size, &count);
    empty |= size == 0;
  }
  uint64_t bytes = 0;
  if (!empty && (overflow ||
                 __builtin_mul_overflow(
                     count, (uint64_t)xfc__dtype_bytes(info->dtype), &bytes) ||
                 bytes > kMaxInputBytes)) {
    char shape[XFC_MAX_RANK * 22 + 2];
    format_shape(tensor, shape, sizeof shape);
    return fail(session, XFC_INVALID_ARGUMENT,
                "input '%s' of shape %s is too large: more than 2^62 bytes",
                info->name, shape);
  }
  if (!empty && !tensor->data)
    return fail(session, XFC_INVALID_ARGUMENT, "input '%s' has no data",
                info->name);
  return XFC_OK;
}

/* xfc_run and xfc_run_on_device: the same checks, then the target. */
static xfc_status run(xfc_session *session, int on_device,
                      const xfc_tensor *inputs, size_t num_inputs,
                      xfc_tensor *outputs, size_t num_outputs) {
  if (!session)
    return XFC_INVALID_ARGUMENT;
  session->error[0] = '\0';
  if (num_inputs != xfc__num_inputs)
    return fail(session, XFC_INVALID_ARGUMENT,
                "the model takes %zu inputs, not %zu", xfc__num_inputs,
                num_inputs);
  if (num_outputs != xfc__num_outputs)
    return fail(session, XFC_INVALID_ARGUMENT,
                "the model returns %zu outputs, not %zu", xfc__num_outputs,
                num_outputs);
  if ((num_inputs && !inputs) || (num_outputs && !outputs))
    return fail(session, XFC_INVALID_ARGUMENT,
                "inputs or outputs is a null pointer");
  const char *names[XFC_MAX_RANK * 16];
  int64_t sizes[XFC_MAX_RANK * 16];
  size_t num_names = 0;
  for (size_t i = 0; i < num_inputs; ++i) {
    if (num_names + XFC_MAX_RANK > sizeof sizes / sizeof *sizes)
      num_names = 0; /* too many names to cross-check: keep going */
    xfc_status status =
        check_input(session, i, &inputs[i], names, sizes, &num_names);
    if (status != XFC_OK)
      return status;
  }
  size_t next = session->current ? 0 : xfc__num_outputs;
  xfc_status status = xfc__target_run(session->target, on_device, inputs,
                                      outputs, session->allocations + next,
                                      session->error, sizeof session->error);
  /* Only now: the last run's outputs may have been this one's inputs. */
  release_outputs(session);
  if (status == XFC_OK) {
    session->current = next;
    session->num_allocations = num_outputs;
    session->on_device = on_device;
  }
  return status;
}

xfc_status xfc_run(xfc_session *session, const xfc_tensor *inputs,
                   size_t num_inputs, xfc_tensor *outputs, size_t num_outputs) {
  return run(session, 0, inputs, num_inputs, outputs, num_outputs);
}

xfc_status xfc_run_on_device(xfc_session *session, const xfc_tensor *inputs,
                             size_t num_inputs, xfc_tensor *outputs,
                             size_t num_outputs) {
  return run(session, 1, inputs, num_inputs, outputs, num_outputs);
}

size_t xfc_num_inputs(void) { return xfc__num_inputs; }
size_t xfc_num_outputs(void) { return xfc__num_outputs; }

static const xfc__io_info *input_info(size_t index) {
  return index < xfc__num_inputs ? &xfc__inputs[index] : NULL;
}
static const xfc__io_info *output_info(size_t index) {
  return index < xfc__num_outputs ? &xfc__outputs[index] : NULL;
}

const char *xfc_input_name(size_t i) {
  return input_info(i) ? input_info(i)->name : NULL;
}
const char *xfc_output_name(size_t i) {
  return output_info(i) ? output_info(i)->name : NULL;
}
xfc_dtype xfc_input_dtype(size_t i) {
  return input_info(i) ? input_info(i)->dtype : (xfc_dtype)0;
}
xfc_dtype xfc_output_dtype(size_t i) {
  return output_info(i) ? output_info(i)->dtype : (xfc_dtype)0;
}
int32_t xfc_input_rank(size_t i) {
  return input_info(i) ? input_info(i)->rank : -1;
}
int32_t xfc_output_rank(size_t i) {
  return output_info(i) ? output_info(i)->rank : -1;
}
int64_t xfc_input_dim(size_t i, int32_t d) {
  const xfc__io_info *info = input_info(i);
  return info && d >= 0 && d < info->rank ? info->dims[d] : 0;
}
int64_t xfc_output_dim(size_t i, int32_t d) {
  const xfc__io_info *info = output_info(i);
  return info && d >= 0 && d < info->rank ? info->dims[d] : 0;
}
const char *xfc_input_dim_name(size_t i, int32_t d) {
  const xfc__io_info *info = input_info(i);
  return info && d >= 0 && d < info->rank ? info->dim_names[d] : NULL;
}
