//===- CudaRuntimeTest.cpp - the CUDA runtime, with and without a GPU -----===//
//
// Linked with libxfc_cuda_runtime.a and a hand-written model
// (FakeCudaGlue.c). Without an NVIDIA driver (CI) a session must fail with
// a message, not a crash; with one, the model must run. Each half skips
// itself on the other kind of machine.
//
//===----------------------------------------------------------------------===//

#include "xfc/Runtime/xfc_runtime.h"

#include "gtest/gtest.h"
#include <cstdlib>
#include <cstring>
#include <dlfcn.h>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

extern "C" {
extern void *fake_glue_module;
extern const char *fake_glue_kernel;
extern int fake_glue_invocations;
extern int fake_glue_fault;
extern int fake_glue_bad_index;
extern void *xfc__device_weights[];
void *mgpuModuleGetFunction(void *module, const char *name);
void *_mlir_memref_to_llvm_alloc(size_t size);
void _mlir_memref_to_llvm_free(void *ptr);
}

namespace {

bool haveDriver() {
  void *driver = dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
  if (driver)
    dlclose(driver);
  return driver != nullptr;
}

std::string createError() { return xfc_session_error(nullptr); }

// The driver as a program using xfc_run_on_device sees it: its own handle
// on libcuda, device 0's primary context (the one the runtime uses).
class Driver {
public:
  using Ptr = unsigned long long;
  enum { MemoryTypeDevice = 2, PointerMemoryType = 2, PointerOrdinal = 9 };

  Driver() {
    handle = dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
    if (!handle)
      return;
    bool found = true;
    auto get = [&](auto &slot, const char *name) {
      slot = reinterpret_cast<std::remove_reference_t<decltype(slot)>>(
          dlsym(handle, name));
      found &= slot != nullptr;
    };
    get(init, "cuInit");
    get(deviceGet, "cuDeviceGet");
    get(primaryCtxRetain, "cuDevicePrimaryCtxRetain");
    get(ctxSetCurrent, "cuCtxSetCurrent");
    get(ctxSynchronize, "cuCtxSynchronize");
    get(memAlloc, "cuMemAlloc_v2");
    get(memFree, "cuMemFree_v2");
    get(memAllocHost, "cuMemAllocHost_v2");
    get(memFreeHost, "cuMemFreeHost");
    get(htoD, "cuMemcpyHtoD_v2");
    get(dtoH, "cuMemcpyDtoH_v2");
    get(pointerGetAttribute, "cuPointerGetAttribute");
    get(defaultMemPool, "cuDeviceGetDefaultMemPool");
    get(memPoolGetAttribute, "cuMemPoolGetAttribute");
    int device = 0;
    void *context = nullptr;
    ready = found && init(0) == 0 && deviceGet(&device, 0) == 0 &&
            primaryCtxRetain(&context, device) == 0 &&
            ctxSetCurrent(context) == 0 && defaultMemPool(&pool, device) == 0;
  }

  bool ready = false;

  void *upload(const std::vector<float> &values) {
    Ptr p = 0;
    EXPECT_EQ(memAlloc(&p, values.size() * sizeof(float)), 0);
    EXPECT_EQ(htoD(p, values.data(), values.size() * sizeof(float)), 0);
    return reinterpret_cast<void *>(p);
  }
  void release(void *p) { EXPECT_EQ(memFree(Ptr(p)), 0); }

  std::vector<float> download(const void *p, size_t count) {
    std::vector<float> values(count);
    EXPECT_EQ(dtoH(values.data(), Ptr(p), count * sizeof(float)), 0);
    return values;
  }

  // Whether p is memory of device 0.
  bool onDevice(const void *p) {
    unsigned type = 0;
    int ordinal = -1;
    return pointerGetAttribute(&type, PointerMemoryType, Ptr(p)) == 0 &&
           type == MemoryTypeDevice &&
           pointerGetAttribute(&ordinal, PointerOrdinal, Ptr(p)) == 0 &&
           ordinal == 0;
  }

  // Bytes of stream-ordered allocations alive once all work is done:
  // what runs hold (their outputs and scratch).
  uint64_t poolInUse() {
    EXPECT_EQ(ctxSynchronize(), 0);
    uint64_t used = 0;
    EXPECT_EQ(memPoolGetAttribute(pool, 7 /* USED_MEM_CURRENT */, &used), 0);
    return used;
  }

  void *pinnedHost(size_t bytes) {
    void *p = nullptr;
    EXPECT_EQ(memAllocHost(&p, bytes), 0);
    return p;
  }
  void freePinnedHost(void *p) { EXPECT_EQ(memFreeHost(p), 0); }

private:
  void *handle = nullptr;
  void *pool = nullptr;
  int (*init)(unsigned);
  int (*deviceGet)(int *, int);
  int (*primaryCtxRetain)(void **, int);
  int (*ctxSetCurrent)(void *);
  int (*ctxSynchronize)();
  int (*memAlloc)(Ptr *, size_t);
  int (*memFree)(Ptr);
  int (*memAllocHost)(void **, size_t);
  int (*memFreeHost)(void *);
  int (*htoD)(Ptr, const void *, size_t);
  int (*dtoH)(void *, Ptr, size_t);
  int (*pointerGetAttribute)(void *, int, Ptr);
  int (*defaultMemPool)(void **, int);
  int (*memPoolGetAttribute)(void *, int, void *);
};

// The fake model's outputs after xfc_run_on_device, copied to the host.
struct DeviceResult {
  xfc_status status;
  std::string error;
  xfc_tensor outputs[4] = {};
  std::vector<float> y, xAgain, w;
};

DeviceResult runOnDevice(Driver &driver, xfc_session *session, void *x) {
  xfc_tensor inputs[2] = {};
  inputs[0] = {XFC_FLOAT32, 1, {4}, x};
  inputs[1] = {XFC_FLOAT32, 1, {0}, nullptr};
  DeviceResult r;
  r.status = xfc_run_on_device(session, inputs, 2, r.outputs, 4);
  r.error = xfc_session_error(session);
  if (r.status != XFC_OK)
    return r;
  for (const xfc_tensor &t : r.outputs) {
    EXPECT_TRUE(driver.onDevice(t.data)) << t.data;
    EXPECT_EQ(t.dtype, XFC_FLOAT32);
    EXPECT_EQ(t.rank, 1);
  }
  r.y = driver.download(r.outputs[0].data, 4);
  r.xAgain = driver.download(r.outputs[1].data, 4);
  r.w = driver.download(r.outputs[2].data, 4);
  EXPECT_EQ(r.outputs[3].shape[0], 0);
  return r;
}

// Sessions and outputs of the fake model, run on x.
struct Result {
  xfc_status status;
  std::vector<float> y, xAgain, w;
  int64_t emptySize = -1;
  std::string error;
};

Result runOnce(xfc_session *session, const float (&x)[4]) {
  xfc_tensor inputs[2] = {};
  inputs[0] = {XFC_FLOAT32, 1, {4}, const_cast<float *>(x)};
  inputs[1] = {XFC_FLOAT32, 1, {0}, nullptr};
  xfc_tensor outputs[4] = {};
  Result r;
  r.status = xfc_run(session, inputs, 2, outputs, 4);
  r.error = xfc_session_error(session);
  if (r.status != XFC_OK)
    return r;
  auto values = [](const xfc_tensor &t) {
    const float *data = static_cast<const float *>(t.data);
    return std::vector<float>(data, data + t.shape[0]);
  };
  r.y = values(outputs[0]);
  r.xAgain = values(outputs[1]);
  r.w = values(outputs[2]);
  r.emptySize = outputs[3].shape[0];
  EXPECT_NE(outputs[3].data, nullptr);
  return r;
}

TEST(CudaRuntimeTest, NoDriverIsAnErrorNotACrash) {
  if (haveDriver())
    GTEST_SKIP() << "this machine has an NVIDIA driver";
  // The constructor registered the GPU binary without the driver.
  EXPECT_NE(fake_glue_module, nullptr);
  for (int attempt = 0; attempt < 2; ++attempt) {
    xfc_session *session = reinterpret_cast<xfc_session *>(1);
    EXPECT_EQ(xfc_session_create(&session), XFC_DEVICE_ERROR);
    EXPECT_EQ(session, nullptr);
    std::string error = createError();
    EXPECT_NE(error.find("compiled for CUDA"), std::string::npos) << error;
    EXPECT_NE(error.find("libcuda.so.1"), std::string::npos) << error;
  }
  // What compiled code calls, outside a run: nothing happens.
  EXPECT_EQ(mgpuModuleGetFunction(fake_glue_module, "add_weight"), nullptr);
  EXPECT_EQ(_mlir_memref_to_llvm_alloc(16), nullptr);
  _mlir_memref_to_llvm_free(nullptr);
  // The rest of the interface works without a device.
  EXPECT_EQ(xfc_num_inputs(), 2u);
  EXPECT_STREQ(xfc_output_name(2), "w");
  EXPECT_GE(xfc_num_threads(), 1);
  EXPECT_EQ(xfc_run(nullptr, nullptr, 0, nullptr, 0), XFC_INVALID_ARGUMENT);
  EXPECT_EQ(xfc_run_on_device(nullptr, nullptr, 0, nullptr, 0),
            XFC_INVALID_ARGUMENT);
  EXPECT_EQ(fake_glue_invocations, 0);
}

// First of the GPU tests: the device is chosen by the first session.
TEST(CudaRuntimeTest, BadDeviceNumberIsNamed) {
  if (!haveDriver())
    GTEST_SKIP() << "no NVIDIA driver";
  setenv("XFC_CUDA_DEVICE", "abc", 1);
  xfc_session *session = nullptr;
  xfc_status status = xfc_session_create(&session);
  unsetenv("XFC_CUDA_DEVICE");
  EXPECT_EQ(status, XFC_DEVICE_ERROR);
  EXPECT_EQ(session, nullptr);
  EXPECT_NE(createError().find("XFC_CUDA_DEVICE is 'abc'"), std::string::npos)
      << createError();
  xfc_session_destroy(session);
}

TEST(CudaRuntimeTest, RunsOnTheGpu) {
  if (!haveDriver())
    GTEST_SKIP() << "no NVIDIA driver";
  xfc_session *session = nullptr;
  ASSERT_EQ(xfc_session_create(&session), XFC_OK) << createError();
  const float x[4] = {1, 2, 3, 4};
  for (int run = 0; run < 3; ++run) {
    Result r = runOnce(session, x);
    ASSERT_EQ(r.status, XFC_OK) << r.error;
    EXPECT_EQ(r.y, (std::vector<float>{11, 22, 33, 44}));
    EXPECT_EQ(r.xAgain, (std::vector<float>{1, 2, 3, 4}));
    EXPECT_EQ(r.w, (std::vector<float>{10, 20, 30, 40}));
    EXPECT_EQ(r.emptySize, 0);
  }
  xfc_session_destroy(session);
}

TEST(CudaRuntimeTest, DriverFailureFailsTheRunOnly) {
  if (!haveDriver())
    GTEST_SKIP() << "no NVIDIA driver";
  xfc_session *session = nullptr;
  ASSERT_EQ(xfc_session_create(&session), XFC_OK) << createError();
  const float x[4] = {1, 2, 3, 4};
  fake_glue_kernel = "no_such_kernel";
  Result bad = runOnce(session, x);
  fake_glue_kernel = "add_weight";
  EXPECT_EQ(bad.status, XFC_DEVICE_ERROR);
  EXPECT_NE(bad.error.find("cuModuleGetFunction (no_such_kernel): "
                           "CUDA_ERROR_NOT_FOUND"),
            std::string::npos)
      << bad.error;
  Result good = runOnce(session, x);
  ASSERT_EQ(good.status, XFC_OK) << good.error;
  EXPECT_EQ(good.y, (std::vector<float>{11, 22, 33, 44}));
  xfc_session_destroy(session);
}

TEST(CudaRuntimeTest, SessionsRunConcurrently) {
  if (!haveDriver())
    GTEST_SKIP() << "no NVIDIA driver";
  std::vector<std::thread> threads;
  std::vector<std::string> failures(4);
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([t, &failures] {
      xfc_session *session = nullptr;
      if (xfc_session_create(&session) != XFC_OK) {
        failures[t] = createError();
        return;
      }
      const float x[4] = {float(t), 1, 2, 3};
      for (int run = 0; run < 200 && failures[t].empty(); ++run) {
        Result r = runOnce(session, x);
        if (r.status != XFC_OK)
          failures[t] = r.error;
        else if (r.y != std::vector<float>{float(t) + 10, 21, 32, 43})
          failures[t] = "wrong result";
      }
      xfc_session_destroy(session);
    });
  for (std::thread &thread : threads)
    thread.join();
  for (const std::string &failure : failures)
    EXPECT_EQ(failure, "");
}

TEST(CudaRuntimeTest, RunsOnDeviceInputs) {
  if (!haveDriver())
    GTEST_SKIP() << "no NVIDIA driver";
  Driver driver;
  ASSERT_TRUE(driver.ready);
  uint64_t idle = driver.poolInUse();
  void *x = driver.upload({1, 2, 3, 4});
  xfc_session *session = nullptr;
  ASSERT_EQ(xfc_session_create(&session), XFC_OK) << createError();
  uint64_t held = 0;
  for (int run = 0; run < 3; ++run) {
    DeviceResult r = runOnDevice(driver, session, x);
    ASSERT_EQ(r.status, XFC_OK) << r.error;
    EXPECT_EQ(r.y, (std::vector<float>{11, 22, 33, 44}));
    EXPECT_EQ(r.xAgain, (std::vector<float>{1, 2, 3, 4}));
    EXPECT_EQ(r.w, (std::vector<float>{10, 20, 30, 40}));
    // Every output has a buffer of its own: not the input, not the weight.
    for (int i = 0; i < 4; ++i) {
      EXPECT_NE(r.outputs[i].data, x) << i;
      EXPECT_NE(r.outputs[i].data, xfc__device_weights[0]) << i;
      for (int j = 0; j < i; ++j)
        EXPECT_NE(r.outputs[i].data, r.outputs[j].data) << i << ", " << j;
    }
    // The session holds one run's outputs: the last run's are freed.
    uint64_t inUse = driver.poolInUse();
    EXPECT_GT(inUse, idle);
    if (run == 0)
      held = inUse;
    EXPECT_EQ(inUse, held) << "run " << run;
  }
  // The input is the caller's: read in place, neither written nor freed.
  EXPECT_EQ(driver.download(x, 4), (std::vector<float>{1, 2, 3, 4}));
  xfc_session_destroy(session);
  EXPECT_EQ(driver.poolInUse(), idle);
  driver.release(x);
}

TEST(CudaRuntimeTest, DeviceAndHostRunsMix) {
  if (!haveDriver())
    GTEST_SKIP() << "no NVIDIA driver";
  Driver driver;
  ASSERT_TRUE(driver.ready);
  uint64_t idle = driver.poolInUse();
  xfc_session *session = nullptr;
  ASSERT_EQ(xfc_session_create(&session), XFC_OK) << createError();
  const float host[4] = {1, 2, 3, 4};
  void *x = driver.upload({1, 2, 3, 4});
  Result first = runOnce(session, host);
  ASSERT_EQ(first.status, XFC_OK) << first.error;
  EXPECT_EQ(first.y, (std::vector<float>{11, 22, 33, 44}));
  DeviceResult r = runOnDevice(driver, session, x);
  ASSERT_EQ(r.status, XFC_OK) << r.error;
  EXPECT_EQ(r.y, (std::vector<float>{11, 22, 33, 44}));
  // A device output may be the next run's input: it lives until that run
  // returns.
  DeviceResult again = runOnDevice(driver, session, r.outputs[0].data);
  ASSERT_EQ(again.status, XFC_OK) << again.error;
  EXPECT_EQ(again.y, (std::vector<float>{21, 42, 63, 84}));
  EXPECT_EQ(again.xAgain, (std::vector<float>{11, 22, 33, 44}));
  // A host run frees the device outputs and leaves none.
  Result last = runOnce(session, host);
  ASSERT_EQ(last.status, XFC_OK) << last.error;
  EXPECT_EQ(last.y, (std::vector<float>{11, 22, 33, 44}));
  EXPECT_EQ(last.xAgain, (std::vector<float>{1, 2, 3, 4}));
  EXPECT_EQ(driver.poolInUse(), idle);
  // And the next device run frees the host outputs.
  r = runOnDevice(driver, session, x);
  ASSERT_EQ(r.status, XFC_OK) << r.error;
  EXPECT_EQ(r.w, (std::vector<float>{10, 20, 30, 40}));
  xfc_session_destroy(session);
  EXPECT_EQ(driver.poolInUse(), idle);
  driver.release(x);
}

TEST(CudaRuntimeTest, HostInputOnDeviceIsNamed) {
  if (!haveDriver())
    GTEST_SKIP() << "no NVIDIA driver";
  Driver driver;
  ASSERT_TRUE(driver.ready);
  xfc_session *session = nullptr;
  ASSERT_EQ(xfc_session_create(&session), XFC_OK) << createError();
  int invocations = fake_glue_invocations;
  float host[4] = {1, 2, 3, 4};
  DeviceResult r = runOnDevice(driver, session, host);
  EXPECT_EQ(r.status, XFC_INVALID_ARGUMENT);
  EXPECT_NE(r.error.find("input 'x'"), std::string::npos) << r.error;
  EXPECT_NE(r.error.find("is not CUDA device memory"), std::string::npos)
      << r.error;
  float *pinned = static_cast<float *>(driver.pinnedHost(16));
  r = runOnDevice(driver, session, pinned);
  EXPECT_EQ(r.status, XFC_INVALID_ARGUMENT);
  EXPECT_NE(r.error.find("input 'x'"), std::string::npos) << r.error;
  EXPECT_NE(r.error.find("page-locked host memory"), std::string::npos)
      << r.error;
  driver.freePinnedHost(pinned);
  EXPECT_EQ(fake_glue_invocations, invocations);
  for (const xfc_tensor &t : r.outputs)
    EXPECT_EQ(t.data, nullptr);
  // The session is still good.
  void *x = driver.upload({1, 2, 3, 4});
  r = runOnDevice(driver, session, x);
  ASSERT_EQ(r.status, XFC_OK) << r.error;
  EXPECT_EQ(r.y, (std::vector<float>{11, 22, 33, 44}));
  xfc_session_destroy(session);
  driver.release(x);
}

TEST(CudaRuntimeTest, DeviceRunFailureFreesOnlyItsOwn) {
  if (!haveDriver())
    GTEST_SKIP() << "no NVIDIA driver";
  Driver driver;
  ASSERT_TRUE(driver.ready);
  uint64_t idle = driver.poolInUse();
  xfc_session *session = nullptr;
  ASSERT_EQ(xfc_session_create(&session), XFC_OK) << createError();
  void *x = driver.upload({1, 2, 3, 4});
  DeviceResult good = runOnDevice(driver, session, x);
  ASSERT_EQ(good.status, XFC_OK) << good.error;
  fake_glue_kernel = "no_such_kernel";
  DeviceResult bad = runOnDevice(driver, session, x);
  fake_glue_kernel = "add_weight";
  EXPECT_EQ(bad.status, XFC_DEVICE_ERROR);
  EXPECT_NE(bad.error.find("cuModuleGetFunction (no_such_kernel)"),
            std::string::npos)
      << bad.error;
  for (const xfc_tensor &t : bad.outputs)
    EXPECT_EQ(t.data, nullptr);
  // Nothing of either run is left, and the input is intact.
  EXPECT_EQ(driver.poolInUse(), idle);
  EXPECT_EQ(driver.download(x, 4), (std::vector<float>{1, 2, 3, 4}));
  good = runOnDevice(driver, session, x);
  ASSERT_EQ(good.status, XFC_OK) << good.error;
  EXPECT_EQ(good.y, (std::vector<float>{11, 22, 33, 44}));
  xfc_session_destroy(session);
  EXPECT_EQ(driver.poolInUse(), idle);
  driver.release(x);
}

// Compiled code that fails halfway (xfc__fail_run): the run fails with
// its message and frees the device buffers the code had allocated.
TEST(CudaRuntimeTest, BadIndexFailsTheRunAndFreesItsBuffers) {
  if (!haveDriver())
    GTEST_SKIP() << "no NVIDIA driver";
  Driver driver;
  ASSERT_TRUE(driver.ready);
  uint64_t idle = driver.poolInUse();
  xfc_session *session = nullptr;
  ASSERT_EQ(xfc_session_create(&session), XFC_OK) << createError();
  void *x = driver.upload({1, 2, 3, 4});
  const float host_x[4] = {1, 2, 3, 4};
  for (int on_device = 0; on_device < 2; ++on_device) {
    fake_glue_bad_index = 1;
    xfc_status status;
    std::string error;
    if (on_device) {
      DeviceResult bad = runOnDevice(driver, session, x);
      status = bad.status;
      error = bad.error;
      for (const xfc_tensor &t : bad.outputs)
        EXPECT_EQ(t.data, nullptr);
    } else {
      Result bad = runOnce(session, host_x);
      status = bad.status;
      error = bad.error;
    }
    fake_glue_bad_index = 0;
    EXPECT_EQ(status, XFC_INVALID_ARGUMENT);
    EXPECT_EQ(error, "node 'embed/Gather' (Gather): index 4 is out of range "
                     "for axis 0 of size 4");
    EXPECT_EQ(driver.poolInUse(), idle) << "on_device " << on_device;
    Result good = runOnce(session, host_x);
    ASSERT_EQ(good.status, XFC_OK) << good.error;
    EXPECT_EQ(good.y, (std::vector<float>{11, 22, 33, 44}));
  }
  xfc_session_destroy(session);
  EXPECT_EQ(driver.poolInUse(), idle);
  driver.release(x);
}

// Last: a fault leaves the context unusable for the rest of the process.
TEST(CudaRuntimeTest, KernelFaultIsReported) {
  if (!haveDriver())
    GTEST_SKIP() << "no NVIDIA driver";
  xfc_session *session = nullptr;
  ASSERT_EQ(xfc_session_create(&session), XFC_OK) << createError();
  const float x[4] = {1, 2, 3, 4};
  fake_glue_fault = 1;
  Result r = runOnce(session, x);
  fake_glue_fault = 0;
  EXPECT_EQ(r.status, XFC_DEVICE_ERROR);
  EXPECT_NE(r.error.find("CUDA_ERROR_ILLEGAL_ADDRESS"), std::string::npos)
      << r.error;
  xfc_session_destroy(session);
}

} // namespace
