/*===- cuda_weights.c - the weights of a CUDA library on the device -------===*
 *
 * Compiled code reads weight i through xfc__device_weights[i], a global of
 * the library (the model function takes no session), so all its sessions
 * share one copy on the device: the first session uploads it (after the
 * weights file, if any, is mapped) and the last one to go frees it, when
 * no run can be reading it.
 *
 *===----------------------------------------------------------------------===*/

#include "cuda_weights.h"
#include "cuda_driver.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static size_t users; /* sessions alive */

/* Freeing happens where nothing can report a failure (session destruction
 * or an upload's clean-up after an earlier error): results are ignored. */
static void free_weights(size_t count) {
  for (size_t i = 0; i < count; ++i) {
    xfc__cu.MemFree((CUdeviceptr)(uintptr_t)xfc__device_weights[i]);
    xfc__device_weights[i] = NULL;
  }
}

static xfc_status upload(char *error, size_t size) {
  char text[256];
  for (size_t i = 0; i < xfc__num_device_weights; ++i) {
    const xfc__device_weight *source = &xfc__device_weight_sources[i];
    const void *host = source->host;
    if (!host) {
      if (source->file_index < 0 ||
          (size_t)source->file_index >= xfc__num_weights) {
        free_weights(i);
        snprintf(error, size,
                 "device weight %zu comes from weight %d of the weights "
                 "file, which has %zu",
                 i, (int)source->file_index, xfc__num_weights);
        return XFC_INTERNAL;
      }
      host = xfc__weights[source->file_index];
    }
    /* At least one byte: every weight gets its own non-null pointer. */
    CUdeviceptr pointer = 0;
    const char *call = "cuMemAlloc_v2";
    CUresult result =
        xfc__cu.MemAlloc(&pointer, source->bytes ? source->bytes : 1);
    if (result == CUDA_SUCCESS && source->bytes) {
      call = "cuMemcpyHtoD_v2";
      result = xfc__cu.MemcpyHtoD(pointer, host, source->bytes);
      if (result != CUDA_SUCCESS)
        xfc__cu.MemFree(pointer);
    }
    if (result != CUDA_SUCCESS) {
      free_weights(i);
      xfc__cuda_describe(result, call, text, sizeof text);
      snprintf(error, size,
               "cannot upload weight %zu (%llu bytes) to the device (%s)", i,
               (unsigned long long)source->bytes, text);
      return XFC_DEVICE_ERROR;
    }
    xfc__device_weights[i] = (void *)(uintptr_t)pointer;
  }
  /* A copy from pageable memory may return before its DMA is done, and the
   * sessions' streams do not wait for the legacy stream. */
  CUresult result = xfc__cu.CtxSynchronize();
  if (result != CUDA_SUCCESS) {
    free_weights(xfc__num_device_weights);
    xfc__cuda_describe(result, "cuCtxSynchronize", text, sizeof text);
    snprintf(error, size, "cannot upload the weights to the device (%s)", text);
    return XFC_DEVICE_ERROR;
  }
  return XFC_OK;
}

xfc_status xfc__cuda_weights_acquire(char *error, size_t error_size) {
  pthread_mutex_lock(&lock);
  xfc_status status = users ? XFC_OK : upload(error, error_size);
  if (status == XFC_OK)
    ++users;
  pthread_mutex_unlock(&lock);
  return status;
}

void xfc__cuda_weights_release(void) {
  pthread_mutex_lock(&lock);
  if (--users == 0)
    free_weights(xfc__num_device_weights);
  pthread_mutex_unlock(&lock);
}

int xfc__cuda_is_weight(const void *pointer) {
  /* Read without the lock: only a run calls it, and a run's session keeps
   * the table filled and unchanged. */
  for (size_t i = 0; i < xfc__num_device_weights; ++i)
    if (xfc__device_weights[i] == pointer)
      return 1;
  return 0;
}
