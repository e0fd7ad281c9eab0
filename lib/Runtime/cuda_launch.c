/*===- cuda_launch.c - what compiled host code calls on CUDA --------------===*
 *
 * MLIR's GPU runtime ABI (mgpu*) and the allocator of generated code
 * (_mlir_memref_to_llvm_*), over the driver, for the run in progress on
 * the calling thread (cuda_launch.h). Everything is ordered on the
 * session's stream; the run synchronizes once at its end, and a copy to
 * the host synchronizes because the host may read it at once.
 *
 * Embedded GPU binaries are registered by global constructors when the
 * library is loaded, before any session and possibly on a machine without
 * a driver, so registering only records them; the first launch that needs
 * a module loads it into the context.
 *
 * All of it is hidden: two xfc libraries in one process (one maybe for
 * the CPU, with its own allocator) each bind their own.
 *
 *===----------------------------------------------------------------------===*/

#include "cuda_launch.h"

#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

_Thread_local xfc__cuda_run *xfc__cuda_current;

int xfc__cuda_check(xfc__cuda_run *run, CUresult result, const char *call,
                    const char *subject) {
  if (result == CUDA_SUCCESS)
    return 1;
  if (run && run->status == XFC_OK) {
    char what[256];
    if (subject)
      snprintf(what, sizeof what, "%s (%s)", call, subject);
    else
      snprintf(what, sizeof what, "%s", call);
    xfc__cuda_describe(result, what, run->error, run->error_size);
    run->status = XFC_DEVICE_ERROR;
  }
  return 0;
}

void xfc__cuda_fail(xfc__cuda_run *run, xfc_status status, const char *format,
                    ...) {
  if (!run || run->status != XFC_OK)
    return;
  va_list args;
  va_start(args, format);
  vsnprintf(run->error, run->error_size, format, args);
  va_end(args);
  run->status = status;
}

void *xfc__cuda_alloc(xfc__cuda_run *run, size_t bytes) {
  if (!run)
    return NULL;
  CUdeviceptr pointer = 0;
  if (!xfc__cuda_check(
          run, xfc__cu.MemAllocAsync(&pointer, bytes ? bytes : 1, run->stream),
          "cuMemAllocAsync", NULL))
    return NULL;
  return (void *)(uintptr_t)pointer;
}

void xfc__cuda_free(xfc__cuda_run *run, void *pointer) {
  if (!run || !pointer)
    return;
  xfc__cuda_check(
      run, xfc__cu.MemFreeAsync((CUdeviceptr)(uintptr_t)pointer, run->stream),
      "cuMemFreeAsync", NULL);
}

/* An allocation of the compiled code, on its run's list. */
static void *generated_alloc(size_t size) {
  xfc__cuda_run *run = xfc__cuda_current;
  if (!run)
    return NULL;
  if (run->num_live == run->live_capacity) {
    size_t capacity = run->live_capacity ? 2 * run->live_capacity : 64;
    void **grown = realloc(run->live, capacity * sizeof *grown);
    if (!grown) {
      xfc__cuda_fail(run, XFC_OUT_OF_MEMORY, "out of memory");
      return NULL;
    }
    run->live = grown;
    run->live_capacity = capacity;
  }
  void *pointer = xfc__cuda_alloc(run, size);
  if (pointer)
    run->live[run->num_live++] = pointer;
  return pointer;
}

static void generated_free(void *pointer) {
  xfc__cuda_run *run = xfc__cuda_current;
  if (!run || !pointer)
    return;
  /* Buffers die mostly in the reverse order of their birth. */
  for (size_t i = run->num_live; i-- > 0;)
    if (run->live[i] == pointer) {
      run->live[i] = run->live[--run->num_live];
      break;
    }
  xfc__cuda_free(run, pointer);
}

void xfc__cuda_release_generated(xfc__cuda_run *run) {
  for (size_t i = 0; i < run->num_live; ++i)
    xfc__cuda_free(run, run->live[i]);
  xfc__cuda_keep_generated(run);
}

void xfc__cuda_keep_generated(xfc__cuda_run *run) {
  free(run->live);
  run->live = NULL;
  run->num_live = run->live_capacity = 0;
}

/* The allocator of generated code: device memory. Outside a run (which the
 * generated code never is) there is no stream to order on: NULL. */
XFC_HIDDEN void *_mlir_memref_to_llvm_alloc(size_t size) {
  return generated_alloc(size);
}

XFC_HIDDEN void *_mlir_memref_to_llvm_aligned_alloc(size_t alignment,
                                                    size_t size) {
  /* The pool's allocations are aligned to at least 256 bytes. */
  if (alignment > 256) {
    xfc__cuda_fail(xfc__cuda_current, XFC_INTERNAL,
                   "the compiled code asked for device memory aligned to %zu "
                   "bytes; the runtime gives 256",
                   alignment);
    return NULL;
  }
  return generated_alloc(size);
}

XFC_HIDDEN void _mlir_memref_to_llvm_free(void *ptr) { generated_free(ptr); }

/* A registered binary; `module` once loaded. */
typedef struct kernel {
  struct kernel *next;
  CUfunction function;
  char name[];
} kernel;

typedef struct {
  const void *data;
  size_t size;
  CUmodule module;
  kernel *kernels; /* the functions looked up so far */
} module_record;

/* Guards loading modules and their kernel lists. */
static pthread_mutex_t modules_lock = PTHREAD_MUTEX_INITIALIZER;

XFC_HIDDEN void *mgpuModuleLoad(void *data, size_t size) {
  module_record *record = calloc(1, sizeof *record);
  if (record) {
    record->data = data;
    record->size = size;
  }
  return record; /* NULL (out of memory) fails the first launch instead */
}

/* Runs from a global destructor, at dlclose or process exit, when the
 * driver may already be shut down: forgets the record without calling it.
 * A module that was loaded stays in the context until the process ends. */
XFC_HIDDEN void mgpuModuleUnload(void *module) {
  module_record *record = module;
  if (!record)
    return;
  pthread_mutex_lock(&modules_lock);
  while (record->kernels) {
    kernel *next = record->kernels->next;
    free(record->kernels);
    record->kernels = next;
  }
  pthread_mutex_unlock(&modules_lock);
  free(record);
}

/* cuModuleLoadData reads a cubin or fatbin by its header and PTX as a
 * NUL-terminated string, which an embedded PTX blob need not be. */
static CUresult load_module(module_record *record) {
  const unsigned char *bytes = record->data;
  bool elf = record->size >= 4 && memcmp(bytes, "\177ELF", 4) == 0;
  bool fatbin = record->size >= 4 && bytes[0] == 0x50 && bytes[1] == 0xed &&
                bytes[2] == 0x55 && bytes[3] == 0xba;
  CUmodule module = NULL;
  CUresult result;
  if (elf || fatbin || (record->size && bytes[record->size - 1] == '\0')) {
    result = xfc__cu.ModuleLoadData(&module, record->data);
  } else {
    char *text = malloc(record->size + 1);
    if (!text)
      return CUDA_ERROR_OUT_OF_MEMORY;
    memcpy(text, bytes, record->size);
    text[record->size] = '\0';
    result = xfc__cu.ModuleLoadData(&module, text);
    free(text); /* compiled at load: the driver keeps no pointer to it */
  }
  if (result == CUDA_SUCCESS)
    record->module = module;
  return result;
}

/* Returns the kernel's record (name and function), which only
 * mgpuLaunchKernel reads: its errors can name the kernel. */
XFC_HIDDEN void *mgpuModuleGetFunction(void *module, const char *name) {
  xfc__cuda_run *run = xfc__cuda_current;
  module_record *record = module;
  if (!run || run->status != XFC_OK)
    return NULL;
  if (!record) {
    xfc__cuda_fail(run, XFC_OUT_OF_MEMORY,
                   "out of memory registering the GPU binary of kernel '%s'",
                   name);
    return NULL;
  }
  pthread_mutex_lock(&modules_lock);
  kernel *found = NULL;
  if (record->module ||
      xfc__cuda_check(run, load_module(record), "cuModuleLoadData", name)) {
    for (found = record->kernels; found; found = found->next)
      if (strcmp(found->name, name) == 0)
        break;
  }
  if (record->module && !found) {
    size_t length = strlen(name);
    found = malloc(sizeof *found + length + 1);
    if (!found) {
      xfc__cuda_fail(run, XFC_OUT_OF_MEMORY, "out of memory");
    } else {
      memcpy(found->name, name, length + 1);
      if (xfc__cuda_check(
              run,
              xfc__cu.ModuleGetFunction(&found->function, record->module, name),
              "cuModuleGetFunction", name)) {
        found->next = record->kernels;
        record->kernels = found;
      } else {
        free(found);
        found = NULL;
      }
    }
  }
  pthread_mutex_unlock(&modules_lock);
  return found;
}

/* The session's stream: the compiled code's work joins the run's order. */
XFC_HIDDEN void *mgpuStreamCreate(void) {
  return xfc__cuda_current ? xfc__cuda_current->stream : NULL;
}

XFC_HIDDEN void mgpuStreamSynchronize(void *stream) {}

XFC_HIDDEN void mgpuStreamDestroy(void *stream) {}

XFC_HIDDEN void mgpuLaunchKernel(void *function, intptr_t gridX, intptr_t gridY,
                                 intptr_t gridZ, intptr_t blockX,
                                 intptr_t blockY, intptr_t blockZ, int32_t smem,
                                 void *stream, void **params, void **extra,
                                 size_t paramsCount) {
  xfc__cuda_run *run = xfc__cuda_current;
  kernel *k = function;
  if (!run || run->status != XFC_OK || !k)
    return;
  if (gridX == 0 || gridY == 0 || gridZ == 0)
    return; /* an empty grid: nothing to do, and the driver rejects it */
  const intptr_t dims[] = {gridX, gridY, gridZ, blockX, blockY, blockZ};
  for (size_t i = 0; i < sizeof dims / sizeof *dims; ++i)
    if (dims[i] < 0 || (uintmax_t)dims[i] > UINT_MAX) {
      xfc__cuda_fail(run, XFC_DEVICE_ERROR,
                     "cannot launch kernel '%s': grid %lldx%lldx%lld, block "
                     "%lldx%lldx%lld",
                     k->name, (long long)gridX, (long long)gridY,
                     (long long)gridZ, (long long)blockX, (long long)blockY,
                     (long long)blockZ);
      return;
    }
  xfc__cuda_check(run,
                  xfc__cu.LaunchKernel(k->function, (unsigned)gridX,
                                       (unsigned)gridY, (unsigned)gridZ,
                                       (unsigned)blockX, (unsigned)blockY,
                                       (unsigned)blockZ, (unsigned)smem,
                                       run->stream, params, extra),
                  "cuLaunchKernel", k->name);
}

XFC_HIDDEN void *mgpuMemAlloc(uint64_t size, void *stream, bool isHostShared) {
  if (isHostShared) {
    xfc__cuda_fail(xfc__cuda_current, XFC_INTERNAL,
                   "the compiled code asked for host-shared (managed) "
                   "memory, which the runtime does not use");
    return NULL;
  }
  if (size > SIZE_MAX) {
    xfc__cuda_fail(xfc__cuda_current, XFC_OUT_OF_MEMORY,
                   "cannot allocate %llu bytes", (unsigned long long)size);
    return NULL;
  }
  return generated_alloc((size_t)size);
}

XFC_HIDDEN void mgpuMemFree(void *ptr, void *stream) { generated_free(ptr); }

XFC_HIDDEN void mgpuMemcpy(void *dst, void *src, size_t size, void *stream) {
  xfc__cuda_run *run = xfc__cuda_current;
  if (!run || run->status != XFC_OK || size == 0)
    return;
  if (xfc__cuda_check(run,
                      xfc__cu.MemcpyAsync((CUdeviceptr)(uintptr_t)dst,
                                          (CUdeviceptr)(uintptr_t)src, size,
                                          run->stream),
                      "cuMemcpyAsync", NULL))
    xfc__cuda_check(run, xfc__cu.StreamSynchronize(run->stream),
                    "cuStreamSynchronize", "after cuMemcpyAsync");
}
