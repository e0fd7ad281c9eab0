/*===- cuda_weights.h - the weights of a CUDA library on the device -------===*/

#ifndef XFC_LIB_RUNTIME_CUDA_WEIGHTS_H
#define XFC_LIB_RUNTIME_CUDA_WEIGHTS_H

#include "runtime_internal.h"

/* For a new session, with the library's context current: the first one
 * uploads xfc__device_weight_sources into xfc__device_weights (after
 * xfc__weights_acquire). On failure writes why and uploads nothing. */
XFC_HIDDEN xfc_status xfc__cuda_weights_acquire(char *error, size_t error_size);
/* A session is gone (context current): the last one frees the weights. */
XFC_HIDDEN void xfc__cuda_weights_release(void);
/* Whether `pointer` is a device weight (which a run must not free when the
 * model returns it as an output). */
XFC_HIDDEN int xfc__cuda_is_weight(const void *pointer);

#endif /* XFC_LIB_RUNTIME_CUDA_WEIGHTS_H */
