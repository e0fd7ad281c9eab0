//===- InputCheckTest.cpp - inputs too large to describe ------------------===//
//
// Linked with libxfc_runtime.a and FakeMatrixGlue.c: an input whose element
// or byte count overflows 64 bits, or exceeds 2^62 bytes, is refused before
// the compiled code sees it.
//
//===----------------------------------------------------------------------===//

#include "xfc/Runtime/xfc_runtime.h"

#include "gtest/gtest.h"
#include <cstdint>
#include <string>

extern "C" int fake_matrix_invocations;

namespace {

struct Shape {
  int64_t rows, cols;
};

class InputCheckTest : public testing::Test {
protected:
  void SetUp() override {
    ASSERT_EQ(xfc_session_create(&session), XFC_OK)
        << xfc_session_error(nullptr);
  }
  void TearDown() override { xfc_session_destroy(session); }

  xfc_status run(Shape shape, void *data) {
    xfc_tensor input = {XFC_FLOAT32, 2, {shape.rows, shape.cols}, data};
    output = {};
    return xfc_run(session, &input, 1, &output, 1);
  }

  xfc_session *session = nullptr;
  xfc_tensor output = {};
  float element = 1.5f; // what a caller's pointer points to
};

std::string tooLarge(Shape shape) {
  return "input 'm' of shape [" + std::to_string(shape.rows) + ", " +
         std::to_string(shape.cols) + "] is too large: more than 2^62 bytes";
}

TEST_F(InputCheckTest, CountsThatOverflowAreRefused) {
  const int64_t two32 = int64_t(1) << 32;
  const Shape shapes[] = {
      {two32, two32},                             // 2^64 elements: wraps to 0
      {two32 * 2, two32 * 2 + 1},                 // wraps to 2^33
      {INT64_MAX, 2},                             // wraps to a huge even number
      {int64_t(1) << 31, int64_t(1) << 31},       // 2^62 elements, 2^64 bytes
      {int64_t(1) << 30, (int64_t(1) << 30) + 1}, // just over 2^62 bytes
  };
  int invocations = fake_matrix_invocations;
  for (Shape shape : shapes) {
    EXPECT_EQ(run(shape, &element), XFC_INVALID_ARGUMENT)
        << shape.rows << " x " << shape.cols;
    EXPECT_EQ(xfc_session_error(session), tooLarge(shape));
  }
  EXPECT_EQ(fake_matrix_invocations, invocations);
}

TEST_F(InputCheckTest, EmptyAndOrdinaryInputsRun) {
  // A zero dimension makes any other size empty: no data needed.
  const Shape empty[] = {{0, INT64_MAX}, {INT64_MAX, 0}, {0, 0}};
  for (Shape shape : empty) {
    ASSERT_EQ(run(shape, nullptr), XFC_OK) << xfc_session_error(session);
    EXPECT_EQ(*static_cast<int64_t *>(output.data), 0);
  }
  ASSERT_EQ(run({1, 1}, &element), XFC_OK) << xfc_session_error(session);
  EXPECT_EQ(*static_cast<int64_t *>(output.data), 1);
}

} // namespace
