/*===- xfc_runtime.h - the C interface of libraries xfc compiles -----------===*
 *
 * Every `model.so` written by `xfc MODEL -o model.so` exports these
 * functions, and no other symbol. A session runs the model; sessions are
 * independent, so threads may run separate sessions of one library at once.
 * Every call that can fail returns a status, and the session's message says
 * what went wrong, naming the tensor involved.
 *
 * A library compiled with --c-prefix=NAME exports NAME_session_create,
 * NAME_run, ... instead; its header declares them under those names, and
 * the types below, which every xfc library shares, once: headers of
 * several libraries may be included together.
 *
 *===----------------------------------------------------------------------===*/

#ifndef XFC_RUNTIME_XFC_RUNTIME_TYPES_H
#define XFC_RUNTIME_XFC_RUNTIME_TYPES_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Element types, numbered as ONNX's TensorProto.DataType. */
typedef enum {
  XFC_FLOAT32 = 1,
  XFC_UINT8 = 2,
  XFC_INT8 = 3,
  XFC_UINT16 = 4,
  XFC_INT16 = 5,
  XFC_INT32 = 6,
  XFC_INT64 = 7,
  XFC_BOOL = 9,
  XFC_FLOAT16 = 10,
  XFC_FLOAT64 = 11,
  XFC_UINT32 = 12,
  XFC_UINT64 = 13,
  XFC_BFLOAT16 = 16
} xfc_dtype;

enum { XFC_MAX_RANK = 8 };

/* A dense row-major tensor. Inputs are read where `data` points; outputs
 * point into memory the session owns (host memory, or device memory after
 * xfc_run_on_device) until its next run returns, so they may be that run's
 * inputs, or until its destruction. */
typedef struct {
  xfc_dtype dtype;
  int32_t rank;
  int64_t shape[XFC_MAX_RANK];
  void *data;
} xfc_tensor;

typedef enum {
  XFC_OK = 0,
  XFC_INVALID_ARGUMENT = 1, /* wrong dtype, rank, size, count or pointer */
  XFC_OUT_OF_MEMORY = 2,
  XFC_INTERNAL = 3,
  XFC_WEIGHTS_ERROR = 4,  /* the weights file is missing, unreadable or not
                             this library's */
  XFC_DEVICE_ERROR = 5,   /* a library compiled for CUDA found no usable
                             driver or device, or a driver call failed */
  XFC_UNSUPPORTED_CPU = 6 /* the library's code uses instructions this CPU
                             lacks (xfc --cpu): the message names them */
} xfc_status;

typedef struct xfc_session xfc_session;

#ifdef __cplusplus
}
#endif

#endif /* XFC_RUNTIME_XFC_RUNTIME_TYPES_H */

#ifndef XFC_RUNTIME_XFC_RUNTIME_H
#define XFC_RUNTIME_XFC_RUNTIME_H

#ifdef __cplusplus
extern "C" {
#endif

/* A library compiled with --weights=external maps NAME.weights, found
 * beside the library, when its first session is created, and checks it
 * against what it was compiled with. A library compiled for CUDA loads the
 * NVIDIA driver (libcuda.so.1) then, runs on device XFC_CUDA_DEVICE
 * (default 0) and uploads its weights once for all its sessions. A library
 * whose code needs instruction set extensions the running CPU lacks
 * returns XFC_UNSUPPORTED_CPU, naming them. On failure
 * *session is NULL and xfc_session_error(NULL) says why. */
xfc_status xfc_session_create(xfc_session **session);
void xfc_session_destroy(xfc_session *session);

/* Runs the model on `inputs` (in the order of xfc_input_name) and fills
 * `outputs`. On failure, xfc_session_error says why: besides inputs that
 * do not fit the model, an index out of range in the data
 * (XFC_INVALID_ARGUMENT, naming the ONNX node) or an intermediate too
 * large for memory (XFC_OUT_OF_MEMORY). A failed run's buffers are freed,
 * and the session runs on. */
xfc_status xfc_run(xfc_session *session, const xfc_tensor *inputs,
                   size_t num_inputs, xfc_tensor *outputs, size_t num_outputs);

/* Like xfc_run, but the tensors live on the library's device. Each input's
 * data is device memory, read in place without a copy (CUDA: memory of the
 * library's GPU from cuMemAlloc, cudaMalloc or their stream-ordered forms
 * in the same process, written completely before the call); an input with
 * no elements may have any data, NULL included. Each output is left in its
 * own device buffer, never an input's, a weight's or another output's, that
 * the session owns as above (work queued on other streams must be done
 * reading it by then). When the function returns, the outputs are
 * complete. XFC_INVALID_ARGUMENT names an input that is not device memory
 * of that GPU, where the driver can tell. For a library compiled for the
 * CPU the device is the host: the same as xfc_run. */
xfc_status xfc_run_on_device(xfc_session *session, const xfc_tensor *inputs,
                             size_t num_inputs, xfc_tensor *outputs,
                             size_t num_outputs);

/* The message of the session's last failure ("" after a success); with
 * NULL, why the calling thread's last xfc_session_create failed. */
const char *xfc_session_error(const xfc_session *session);

/* The threads this library's parallel work runs on, the calling thread
 * included; all its sessions share them. By default, the number of online
 * cores, or XFC_NUM_THREADS when that is a whole number from 1 to 1024
 * (other values are ignored); read when first needed. Setting waits for
 * parallel work in flight; 0 restores the default. XFC_INVALID_ARGUMENT
 * outside [0, 1024] and from inside parallel work. */
xfc_status xfc_set_num_threads(int32_t num_threads);
int32_t xfc_num_threads(void);

/* What the model takes and returns. A dimension of -1 is symbolic: its
 * name (xfc_*_dim_name) is the model's, and inputs sharing a name must
 * agree on its size. */
size_t xfc_num_inputs(void);
size_t xfc_num_outputs(void);
const char *xfc_input_name(size_t index);
const char *xfc_output_name(size_t index);
xfc_dtype xfc_input_dtype(size_t index);
xfc_dtype xfc_output_dtype(size_t index);
int32_t xfc_input_rank(size_t index);
int32_t xfc_output_rank(size_t index);
int64_t xfc_input_dim(size_t index, int32_t dim);
int64_t xfc_output_dim(size_t index, int32_t dim);
const char *xfc_input_dim_name(size_t index, int32_t dim);

#ifdef __cplusplus
}
#endif

#endif /* XFC_RUNTIME_XFC_RUNTIME_H */
