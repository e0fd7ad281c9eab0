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
#include <vector>

extern "C" {
extern void *fake_glue_module;
extern const char *fake_glue_kernel;
extern int fake_glue_invocations;
extern int fake_glue_fault;
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
