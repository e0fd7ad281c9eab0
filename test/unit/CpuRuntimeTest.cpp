//===- CpuRuntimeTest.cpp - the CPU runtime with a hand-written model -----===//
//
// Linked with libxfc_runtime.a and FakeCpuGlue.c: what runtime.c does
// around the compiled code, without compiling a model.
//
//===----------------------------------------------------------------------===//

#include "xfc/Runtime/xfc_runtime.h"

#include "gtest/gtest.h"
#include <malloc.h>
#include <string>
#include <vector>

#include "FakeCpuGlue.h"

namespace {

using RunFunction = decltype(&xfc_run);

std::vector<float> values(const xfc_tensor &t) {
  const float *data = static_cast<const float *>(t.data);
  return std::vector<float>(data, data + t.shape[0]);
}

// On the CPU the device is the host: xfc_run_on_device is xfc_run.
TEST(CpuRuntimeTest, RunOnDeviceIsRunOnTheHost) {
  xfc_session *session = nullptr;
  ASSERT_EQ(xfc_session_create(&session), XFC_OK) << xfc_session_error(nullptr);
  float x[3] = {1, 2, 3};
  for (RunFunction run : {xfc_run, xfc_run_on_device, xfc_run}) {
    xfc_tensor input = {XFC_FLOAT32, 1, {3}, x};
    xfc_tensor output = {};
    ASSERT_EQ(run(session, &input, 1, &output, 1), XFC_OK)
        << xfc_session_error(session);
    EXPECT_EQ(output.dtype, XFC_FLOAT32);
    EXPECT_EQ(output.rank, 1);
    EXPECT_EQ(values(output), (std::vector<float>{6, 4, 2}));
  }
  xfc_session_destroy(session);
}

// Both check their arguments alike, before the model runs.
TEST(CpuRuntimeTest, RunOnDeviceChecksArgumentsAsRunDoes) {
  xfc_session *session = nullptr;
  ASSERT_EQ(xfc_session_create(&session), XFC_OK) << xfc_session_error(nullptr);
  int32_t wrong[2] = {1, 2};
  xfc_tensor output = {};
  const struct {
    xfc_tensor input;
    size_t num_inputs;
  } cases[] = {
      {{XFC_INT32, 1, {2}, wrong}, 1},
      {{XFC_FLOAT32, 2, {2, 1}, wrong}, 1},
      {{XFC_FLOAT32, 1, {2}, nullptr}, 1},
      {{XFC_FLOAT32, 1, {2}, wrong}, 2},
  };
  int invocations = fake_cpu_invocations;
  for (const auto &c : cases) {
    xfc_status status = xfc_run(session, &c.input, c.num_inputs, &output, 1);
    std::string error = xfc_session_error(session);
    EXPECT_EQ(status, XFC_INVALID_ARGUMENT);
    EXPECT_NE(error, "");
    EXPECT_EQ(xfc_run_on_device(session, &c.input, c.num_inputs, &output, 1),
              status);
    EXPECT_EQ(xfc_session_error(session), error);
  }
  EXPECT_EQ(fake_cpu_invocations, invocations);
  EXPECT_EQ(xfc_run_on_device(nullptr, nullptr, 0, nullptr, 0),
            XFC_INVALID_ARGUMENT);
  xfc_session_destroy(session);
}

// A run's outputs are the session's until the next run returns: they may
// be its inputs.
TEST(CpuRuntimeTest, OutputsMayBeTheNextRunsInputs) {
  xfc_session *session = nullptr;
  ASSERT_EQ(xfc_session_create(&session), XFC_OK) << xfc_session_error(nullptr);
  std::vector<float> x(1000);
  for (size_t i = 0; i < x.size(); ++i)
    x[i] = float(i);
  xfc_tensor input = {XFC_FLOAT32, 1, {1000}, x.data()};
  xfc_tensor output = {};
  for (int run = 1; run <= 4; ++run) {
    ASSERT_EQ(xfc_run_on_device(session, &input, 1, &output, 1), XFC_OK)
        << xfc_session_error(session);
    std::vector<float> y = values(output);
    bool reversed = run % 2 == 1;
    float scale = float(1 << run);
    for (size_t i = 0; i < y.size(); ++i)
      ASSERT_EQ(y[i], scale * float(reversed ? 999 - i : i))
          << "run " << run << ", element " << i;
    input = output;
  }
  xfc_session_destroy(session);
}

// Compiled code that fails halfway (xfc__fail_run, an allocation too
// large), on the calling thread or on the pool's: the run fails with the
// message, frees the scratch buffer it had (64 MiB, so mapped on its own:
// glibc's hblkhd counts it), and the session runs on.
struct FailureCase {
  const char *name;
  int failure;
  xfc_status status;
  std::string message;
};

class CpuRunFailureTest : public testing::TestWithParam<FailureCase> {};

TEST_P(CpuRunFailureTest, FailsTheRunAndFreesItsBuffers) {
  const FailureCase &c = GetParam();
  ASSERT_EQ(xfc_set_num_threads(4), XFC_OK); // the loop's chunks on 4 threads
  xfc_session *session = nullptr;
  ASSERT_EQ(xfc_session_create(&session), XFC_OK) << xfc_session_error(nullptr);
  std::vector<float> x(64);
  for (size_t i = 0; i < x.size(); ++i)
    x[i] = float(i) + 0.5f;
  xfc_tensor input = {XFC_FLOAT32, 1, {64}, x.data()};
  xfc_tensor output = {};
  size_t mapped = 0;
  for (int attempt = 0; attempt < 8; ++attempt) {
    fake_cpu_failure = c.failure;
    xfc_status status = xfc_run(session, &input, 1, &output, 1);
    fake_cpu_failure = FAKE_NO_FAILURE;
    ASSERT_EQ(status, c.status) << xfc_session_error(session);
    EXPECT_EQ(xfc_session_error(session), c.message);
    EXPECT_EQ(output.data, nullptr);
    if (attempt == 0)
      mapped = mallinfo2().hblkhd;
    else // a scratch buffer kept per failed run would add 64 MiB each
      EXPECT_LT(mallinfo2().hblkhd, mapped + fake_cpu_scratch_bytes)
          << "attempt " << attempt;

    ASSERT_EQ(xfc_run(session, &input, 1, &output, 1), XFC_OK)
        << xfc_session_error(session);
    EXPECT_STREQ(xfc_session_error(session), "");
    std::vector<float> y = values(output);
    for (size_t i = 0; i < y.size(); ++i)
      ASSERT_EQ(y[i], 2 * x[63 - i]) << "element " << i;
  }
  xfc_session_destroy(session);
  ASSERT_EQ(xfc_set_num_threads(0), XFC_OK);
}

INSTANTIATE_TEST_SUITE_P(
    Failures, CpuRunFailureTest,
    testing::Values(
        FailureCase{"BadIndex", FAKE_BAD_INDEX, XFC_INVALID_ARGUMENT,
                    "node 'embed/Gather' (Gather): index -65 is out of range "
                    "for axis 0 of size 64"},
        FailureCase{"HugeAllocation", FAKE_HUGE_ALLOCATION, XFC_OUT_OF_MEMORY,
                    "out of memory: cannot allocate 17592186044416 bytes"},
        FailureCase{"BadIndexInLoop", FAKE_BAD_INDEX_IN_LOOP,
                    XFC_INVALID_ARGUMENT,
                    "node 'embed/Gather' (Gather): index 64 is out of range "
                    "for axis 0 of size 64"},
        FailureCase{"HugeAllocationInLoop", FAKE_HUGE_ALLOCATION_IN_LOOP,
                    XFC_OUT_OF_MEMORY,
                    "out of memory: cannot allocate 17592186044416 bytes"}),
    [](const testing::TestParamInfo<FailureCase> &info) {
      return std::string(info.param.name);
    });

} // namespace
