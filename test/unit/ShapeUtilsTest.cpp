//===- ShapeUtilsTest.cpp - the dynamic-aware shape rules -----------------===//

#include "xfc/Dialect/XF/IR/ShapeUtils.h"

#include "mlir/IR/MLIRContext.h"
#include "gtest/gtest.h"

using namespace mlir;
using namespace mlir::xf;

static constexpr int64_t kDyn = ShapedType::kDynamic;

TEST(BroadcastShapes, AlignsFromTheRight) {
  SmallVector<int64_t> a = {2, 1, 4}, b = {3, 1};
  EXPECT_EQ(*broadcastShapes({a, b}), (SmallVector<int64_t>{2, 3, 4}));
}

TEST(BroadcastShapes, DynamicMeetsStatic) {
  // `?` against 4 can only be 1 or 4: the result is 4.
  SmallVector<int64_t> a = {kDyn, 16}, b = {4, 1};
  EXPECT_EQ(*broadcastShapes({a, b}), (SmallVector<int64_t>{4, 16}));
}

TEST(BroadcastShapes, DynamicMeetsOneStaysDynamic) {
  SmallVector<int64_t> a = {kDyn}, b = {1}, c = {kDyn};
  EXPECT_EQ(*broadcastShapes({a, b}), (SmallVector<int64_t>{kDyn}));
  EXPECT_EQ(*broadcastShapes({a, c}), (SmallVector<int64_t>{kDyn}));
}

TEST(BroadcastShapes, RejectsDifferentStaticSizes) {
  SmallVector<int64_t> a = {3}, b = {4};
  EXPECT_FALSE(broadcastShapes({a, b}).has_value());
}

TEST(Unidirectional, OnlyTheSourceStretches) {
  EXPECT_TRUE(isUnidirectionalBroadcastable({1, 16}, {kDyn, 16}));
  EXPECT_TRUE(isUnidirectionalBroadcastable({kDyn}, {8}));
  EXPECT_FALSE(isUnidirectionalBroadcastable({2, 16}, {16}));
  EXPECT_FALSE(isUnidirectionalBroadcastable({8}, {4}));
}

TEST(Axes, NormalizeNegativeAndRejectRepeats) {
  EXPECT_EQ(*normalizeAxis(-1, 3), 2);
  EXPECT_FALSE(normalizeAxis(3, 3).has_value());
  EXPECT_FALSE(normalizeAxis(-4, 3).has_value());
  EXPECT_EQ(*normalizeAxes({0, -1}, 3), (SmallVector<int64_t>{0, 2}));
  EXPECT_FALSE(normalizeAxes({2, -1}, 3).has_value());
}

TEST(JoinTypes, KeepsTheMoreStaticSize) {
  MLIRContext context;
  Type f32 = Float32Type::get(&context);
  auto a = RankedTensorType::get({kDyn, 16}, f32);
  auto b = RankedTensorType::get({4, kDyn}, f32);
  EXPECT_EQ(joinTypes(a, b), RankedTensorType::get({4, 16}, f32));
  auto c = RankedTensorType::get({5, 16}, f32);
  EXPECT_FALSE(joinTypes(b, c));
  EXPECT_FALSE(joinTypes(a, RankedTensorType::get({kDyn}, f32)));
}

TEST(ProductOfDims, DynamicIsContagious) {
  EXPECT_EQ(productOfDims({2, 3, 4}), 24);
  EXPECT_EQ(productOfDims({2, kDyn}), kDyn);
  EXPECT_EQ(productOfDims({}), 1);
}
