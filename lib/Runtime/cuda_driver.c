/*===- cuda_driver.c - loading the NVIDIA driver and opening the device ---===*
 *
 * Nothing here runs before the first session: loading a library compiled
 * for CUDA never touches the driver, so it loads (and answers the metadata
 * functions) anywhere, and xfc_session_create is where a machine without
 * a driver or GPU gets its message.
 *
 * The library uses one device, XFC_CUDA_DEVICE (read by the first session
 * that opens it), through its primary context: the one the CUDA runtime and
 * frameworks in the same process share, so device pointers mean the same
 * to them. It is retained for the life of the process.
 *
 *===----------------------------------------------------------------------===*/

#include "cuda_driver.h"

#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

xfc__cuda_api xfc__cu;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static void *driver;    /* libcuda.so.1, never closed */
static int initialized; /* cuInit succeeded */
static int opened;      /* the device's context is ready */
static CUcontext context;
static int device_ordinal;

static xfc_status report(char *error, size_t size, const char *format, ...) {
  va_list args;
  va_start(args, format);
  vsnprintf(error, size, format, args);
  va_end(args);
  return XFC_DEVICE_ERROR;
}

void xfc__cuda_describe(CUresult result, const char *call, char *text,
                        size_t size) {
  const char *name = NULL, *description = NULL;
  if (xfc__cu.GetErrorName &&
      xfc__cu.GetErrorName(result, &name) != CUDA_SUCCESS)
    name = NULL;
  if (xfc__cu.GetErrorString &&
      xfc__cu.GetErrorString(result, &description) != CUDA_SUCCESS)
    description = NULL;
  if (name && description)
    snprintf(text, size, "%s: %s (%s)", call, name, description);
  else if (result == CUDA_ERROR_STUB_LIBRARY) /* it names no errors */
    snprintf(text, size,
             "%s: CUDA_ERROR_STUB_LIBRARY (the libcuda.so.1 found is the "
             "CUDA toolkit's link-time library, not a driver)",
             call);
  else
    snprintf(text, size, "%s: CUDA error %d", call, (int)result);
}

/* Looks up every entry point; fails naming the first one missing. */
static xfc_status load_driver(char *error, size_t size) {
  if (driver)
    return XFC_OK;
  void *handle = dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    const char *why = dlerror();
    return report(error, size,
                  "this library was compiled for CUDA and needs an NVIDIA "
                  "driver: cannot load libcuda.so.1 (%s)",
                  why ? why : "no reason given");
  }
  xfc__cuda_api api = {0};
  struct {
    void **slot;
    const char *name;
  } entries[] = {
#define XFC_ENTRY(field, symbol) {(void **)&api.field, symbol}
      XFC_ENTRY(Init, "cuInit"),
      XFC_ENTRY(GetErrorName, "cuGetErrorName"),
      XFC_ENTRY(GetErrorString, "cuGetErrorString"),
      XFC_ENTRY(DeviceGetCount, "cuDeviceGetCount"),
      XFC_ENTRY(DeviceGet, "cuDeviceGet"),
      XFC_ENTRY(DeviceGetAttribute, "cuDeviceGetAttribute"),
      XFC_ENTRY(DeviceGetName, "cuDeviceGetName"),
      XFC_ENTRY(DeviceGetDefaultMemPool, "cuDeviceGetDefaultMemPool"),
      XFC_ENTRY(MemPoolSetAttribute, "cuMemPoolSetAttribute"),
      XFC_ENTRY(DevicePrimaryCtxRetain, "cuDevicePrimaryCtxRetain"),
      XFC_ENTRY(CtxSetCurrent, "cuCtxSetCurrent"),
      XFC_ENTRY(CtxSynchronize, "cuCtxSynchronize"),
      XFC_ENTRY(StreamCreate, "cuStreamCreate"),
      XFC_ENTRY(StreamSynchronize, "cuStreamSynchronize"),
      XFC_ENTRY(StreamDestroy, "cuStreamDestroy_v2"),
      XFC_ENTRY(ModuleLoadData, "cuModuleLoadData"),
      XFC_ENTRY(ModuleGetFunction, "cuModuleGetFunction"),
      XFC_ENTRY(LaunchKernel, "cuLaunchKernel"),
      XFC_ENTRY(MemAlloc, "cuMemAlloc_v2"),
      XFC_ENTRY(MemFree, "cuMemFree_v2"),
      XFC_ENTRY(MemcpyHtoD, "cuMemcpyHtoD_v2"),
      XFC_ENTRY(MemcpyDtoH, "cuMemcpyDtoH_v2"),
      XFC_ENTRY(MemAllocAsync, "cuMemAllocAsync"),
      XFC_ENTRY(MemFreeAsync, "cuMemFreeAsync"),
      XFC_ENTRY(MemcpyAsync, "cuMemcpyAsync"),
      XFC_ENTRY(MemcpyHtoDAsync, "cuMemcpyHtoDAsync_v2"),
      XFC_ENTRY(MemcpyDtoHAsync, "cuMemcpyDtoHAsync_v2"),
      XFC_ENTRY(PointerGetAttribute, "cuPointerGetAttribute"),
#undef XFC_ENTRY
  };
  for (size_t i = 0; i < sizeof entries / sizeof *entries; ++i) {
    *entries[i].slot = dlsym(handle, entries[i].name);
    if (!*entries[i].slot) {
      dlclose(handle);
      return report(error, size,
                    "the NVIDIA driver (libcuda.so.1) is too old: it lacks "
                    "%s (stream-ordered allocation needs CUDA 11.2 or later)",
                    entries[i].name);
    }
  }
  api.FuncGetName =
      (CUresult (*)(const char **, CUfunction))dlsym(handle, "cuFuncGetName");
  xfc__cu = api;
  driver = handle;
  return XFC_OK;
}

/* XFC_CUDA_DEVICE as an ordinal, checked against the devices there are. */
static xfc_status pick_device(CUdevice *device, int *picked, char *error,
                              size_t size) {
  char text[256];
  int count = 0;
  CUresult result = xfc__cu.DeviceGetCount(&count);
  if (result != CUDA_SUCCESS) {
    xfc__cuda_describe(result, "cuDeviceGetCount", text, sizeof text);
    return report(error, size, "cannot count the CUDA devices (%s)", text);
  }
  if (count == 0)
    return report(error, size, "no CUDA device (cuDeviceGetCount: 0)");
  long ordinal = 0;
  const char *value = getenv("XFC_CUDA_DEVICE");
  if (value && *value) {
    char *end;
    errno = 0;
    ordinal = strtol(value, &end, 10);
    if (errno || *end || ordinal < 0)
      return report(error, size,
                    "XFC_CUDA_DEVICE is '%s', not a device number (0 to %d)",
                    value, count - 1);
    if (ordinal >= count)
      return report(error, size,
                    "XFC_CUDA_DEVICE is %ld, but there %s %d CUDA device%s "
                    "(0 to %d)",
                    ordinal, count == 1 ? "is" : "are", count,
                    count == 1 ? "" : "s", count - 1);
  }
  result = xfc__cu.DeviceGet(device, (int)ordinal);
  if (result != CUDA_SUCCESS) {
    xfc__cuda_describe(result, "cuDeviceGet", text, sizeof text);
    return report(error, size, "cannot open CUDA device %ld (%s)", ordinal,
                  text);
  }
  *picked = (int)ordinal;
  return XFC_OK;
}

/* The device's properties the runtime relies on, then its primary context
 * and a memory pool that keeps freed memory for the next run instead of
 * handing it back at every synchronization (the default threshold is 0). */
static xfc_status open_device(char *error, size_t size) {
  char text[256];
  CUdevice device;
  int ordinal;
  xfc_status status = pick_device(&device, &ordinal, error, size);
  if (status != XFC_OK)
    return status;
  char name[128] = "?";
  if (xfc__cu.DeviceGetName(name, (int)sizeof name, device) != CUDA_SUCCESS)
    snprintf(name, sizeof name, "?");
  const struct {
    int attribute;
    const char *what;
  } needed[] = {
      {CU_DEVICE_ATTRIBUTE_UNIFIED_ADDRESSING, "unified addressing"},
      {CU_DEVICE_ATTRIBUTE_MEMORY_POOLS_SUPPORTED,
       "stream-ordered allocation (memory pools)"},
  };
  for (size_t i = 0; i < sizeof needed / sizeof *needed; ++i) {
    int value = 0;
    CUresult result =
        xfc__cu.DeviceGetAttribute(&value, needed[i].attribute, device);
    if (result != CUDA_SUCCESS) {
      xfc__cuda_describe(result, "cuDeviceGetAttribute", text, sizeof text);
      return report(error, size, "cannot query CUDA device '%s' (%s)", name,
                    text);
    }
    if (!value)
      return report(error, size, "CUDA device '%s' does not support %s", name,
                    needed[i].what);
  }
  CUmemoryPool pool;
  uint64_t threshold = UINT64_MAX;
  const char *call = "cuDeviceGetDefaultMemPool";
  CUresult result = xfc__cu.DeviceGetDefaultMemPool(&pool, device);
  if (result == CUDA_SUCCESS) {
    call = "cuMemPoolSetAttribute";
    result = xfc__cu.MemPoolSetAttribute(
        pool, CU_MEMPOOL_ATTR_RELEASE_THRESHOLD, &threshold);
  }
  if (result == CUDA_SUCCESS) {
    call = "cuDevicePrimaryCtxRetain";
    result = xfc__cu.DevicePrimaryCtxRetain(&context, device);
  }
  if (result == CUDA_SUCCESS)
    device_ordinal = ordinal;
  if (result != CUDA_SUCCESS) {
    xfc__cuda_describe(result, call, text, sizeof text);
    return report(error, size, "cannot set up CUDA device '%s' (%s)", name,
                  text);
  }
  return XFC_OK;
}

xfc_status xfc__cuda_device_open(char *error, size_t error_size) {
  pthread_mutex_lock(&lock);
  xfc_status status = XFC_OK;
  if (!opened) {
    status = load_driver(error, error_size);
    if (status == XFC_OK && !initialized) {
      CUresult result = xfc__cu.Init(0);
      if (result != CUDA_SUCCESS) {
        char text[256];
        xfc__cuda_describe(result, "cuInit", text, sizeof text);
        status = report(error, error_size,
                        result == CUDA_ERROR_NO_DEVICE
                            ? "no CUDA device (%s)"
                            : "cannot initialize the NVIDIA driver (%s)",
                        text);
      } else {
        initialized = 1;
      }
    }
    if (status == XFC_OK)
      status = open_device(error, error_size);
    opened = status == XFC_OK;
  }
  pthread_mutex_unlock(&lock);
  return status;
}

CUcontext xfc__cuda_context(void) { return context; }

int xfc__cuda_device_ordinal(void) { return device_ordinal; }
