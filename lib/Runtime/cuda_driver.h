/*===- cuda_driver.h - the NVIDIA driver, loaded at run time --------------===*
 *
 * A library compiled for CUDA must load on machines without a GPU and say
 * why it cannot run there, so it links no CUDA library: the first session
 * dlopens libcuda.so.1 and looks up the few entry points below. The types
 * are declared here with the driver's ABI (cuda.h is not needed to build).
 *
 *===----------------------------------------------------------------------===*/

#ifndef XFC_LIB_RUNTIME_CUDA_DRIVER_H
#define XFC_LIB_RUNTIME_CUDA_DRIVER_H

#include "runtime_internal.h"

#include <stddef.h>

typedef int CUresult;
typedef int CUdevice;
typedef unsigned long long CUdeviceptr;
typedef struct CUctx_st *CUcontext;
typedef struct CUmod_st *CUmodule;
typedef struct CUfunc_st *CUfunction;
typedef struct CUstream_st *CUstream;
typedef struct CUmemPoolHandle_st *CUmemoryPool;

enum {
  CUDA_SUCCESS = 0,
  CUDA_ERROR_INVALID_VALUE = 1,
  CUDA_ERROR_OUT_OF_MEMORY = 2,
  CUDA_ERROR_STUB_LIBRARY = 34, /* the toolkit's link-time libcuda */
  CUDA_ERROR_NO_DEVICE = 100,
  CU_STREAM_NON_BLOCKING = 1,
  CU_DEVICE_ATTRIBUTE_UNIFIED_ADDRESSING = 41,
  CU_DEVICE_ATTRIBUTE_MEMORY_POOLS_SUPPORTED = 115,
  CU_MEMPOOL_ATTR_RELEASE_THRESHOLD = 4,
  CU_POINTER_ATTRIBUTE_MEMORY_TYPE = 2,
  CU_POINTER_ATTRIBUTE_DEVICE_ORDINAL = 9,
  CU_MEMORYTYPE_HOST = 1,
  CU_MEMORYTYPE_DEVICE = 2,
};

/* The entry points, named as the driver exports them (the _v2 ones where
 * cuda.h maps the plain name to a _v2 symbol). */
typedef struct {
  CUresult (*Init)(unsigned flags);
  CUresult (*GetErrorName)(CUresult error, const char **name);
  CUresult (*GetErrorString)(CUresult error, const char **text);
  CUresult (*DeviceGetCount)(int *count);
  CUresult (*DeviceGet)(CUdevice *device, int ordinal);
  CUresult (*DeviceGetAttribute)(int *value, int attribute, CUdevice device);
  CUresult (*DeviceGetName)(char *name, int length, CUdevice device);
  CUresult (*DeviceGetDefaultMemPool)(CUmemoryPool *pool, CUdevice device);
  CUresult (*MemPoolSetAttribute)(CUmemoryPool pool, int attribute,
                                  void *value);
  CUresult (*DevicePrimaryCtxRetain)(CUcontext *context, CUdevice device);
  CUresult (*CtxSetCurrent)(CUcontext context);
  CUresult (*CtxSynchronize)(void);
  CUresult (*StreamCreate)(CUstream *stream, unsigned flags);
  CUresult (*StreamSynchronize)(CUstream stream);
  CUresult (*StreamDestroy)(CUstream stream);
  CUresult (*ModuleLoadData)(CUmodule *module, const void *image);
  CUresult (*ModuleGetFunction)(CUfunction *function, CUmodule module,
                                const char *name);
  CUresult (*LaunchKernel)(CUfunction function, unsigned gridX, unsigned gridY,
                           unsigned gridZ, unsigned blockX, unsigned blockY,
                           unsigned blockZ, unsigned sharedMemBytes,
                           CUstream stream, void **params, void **extra);
  CUresult (*MemAlloc)(CUdeviceptr *pointer, size_t bytes);
  CUresult (*MemFree)(CUdeviceptr pointer);
  CUresult (*MemcpyHtoD)(CUdeviceptr to, const void *from, size_t bytes);
  CUresult (*MemcpyDtoH)(void *to, CUdeviceptr from, size_t bytes);
  CUresult (*MemAllocAsync)(CUdeviceptr *pointer, size_t bytes,
                            CUstream stream);
  CUresult (*MemFreeAsync)(CUdeviceptr pointer, CUstream stream);
  CUresult (*MemcpyAsync)(CUdeviceptr to, CUdeviceptr from, size_t bytes,
                          CUstream stream);
  CUresult (*MemcpyHtoDAsync)(CUdeviceptr to, const void *from, size_t bytes,
                              CUstream stream);
  CUresult (*MemcpyDtoHAsync)(void *to, CUdeviceptr from, size_t bytes,
                              CUstream stream);
  CUresult (*PointerGetAttribute)(void *data, int attribute,
                                  CUdeviceptr pointer);
  /* Optional (CUDA 12.3 and later): NULL when the driver lacks it. */
  CUresult (*FuncGetName)(const char **name, CUfunction function);
} xfc__cuda_api;

/* Filled by xfc__cuda_device_open; read-only afterwards. */
XFC_HIDDEN extern xfc__cuda_api xfc__cu;

/* Loads the driver, initializes it and retains the primary context of
 * device XFC_CUDA_DEVICE (default 0), once for the library; later calls
 * return the first one's result (a bad XFC_CUDA_DEVICE is retried, so a
 * caller may fix it). On failure writes why. Thread-safe. */
XFC_HIDDEN xfc_status xfc__cuda_device_open(char *error, size_t error_size);

/* The context xfc__cuda_device_open retained: every session uses it. */
XFC_HIDDEN CUcontext xfc__cuda_context(void);
/* The number of its device (XFC_CUDA_DEVICE). */
XFC_HIDDEN int xfc__cuda_device_ordinal(void);

/* Writes "CALL: NAME (description)" for a failed driver call. */
XFC_HIDDEN void xfc__cuda_describe(CUresult result, const char *call,
                                   char *text, size_t size);

#endif /* XFC_LIB_RUNTIME_CUDA_DRIVER_H */
