//===- QuantizeWeights.cpp - f32 weights as packed quantized weights ------===//
//
// Round to nearest per group of K, by ONNX Runtime's rules (MLAS's blockwise
// quantizer), so that a model xfc quantizes and the same model quantized by
// ONNX Runtime's MatMul4BitsQuantizer agree. Values are packed as
// xf.quantized_weight reads them: row n of the [N, K] weight, 8 / bits
// values to a byte, the first in the low bits.
//
//===----------------------------------------------------------------------===//

#include "mlir/IR/Matchers.h"
#include "xfc/Dialect/XF/IR/XFOps.h"
#include "xfc/Dialect/XF/Transforms/Passes.h"
#include "xfc/Support/ElementsBytes.h"
#include "xfc/Support/WeightBlobs.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/Regex.h"
#include <cmath>

namespace mlir::xf {
#define GEN_PASS_DEF_QUANTIZEWEIGHTSPASS
#include "xfc/Dialect/XF/Transforms/Passes.h.inc"
} // namespace mlir::xf

using namespace mlir;
using namespace mlir::xf;

namespace {
/// A weight quantized in groups along K: values packed per output row,
/// scales and zero points [N, groups].
struct QuantizedMatrix {
  std::vector<uint8_t> packed, zeroPoints;
  std::vector<float> scales;
  int64_t rowBytes, groups;
  double relativeError;
};
} // namespace

/// Rounds `w`, the [N, K] matrix read through `at(n, k)`, to `bits`-bit
/// values in groups of `group` along K.
static QuantizedMatrix quantize(int64_t n, int64_t k,
                                function_ref<float(int64_t, int64_t)> at,
                                int64_t bits, int64_t group, bool symmetric) {
  QuantizedMatrix q;
  q.groups = (k + group - 1) / group;
  int64_t padded = q.groups * group;
  q.rowBytes = padded * bits / 8;
  q.packed.assign(n * q.rowBytes, 0);
  q.scales.assign(n * q.groups, 0.0f);
  q.zeroPoints.assign(n * q.groups, 0);
  const int32_t levels = (1 << bits) - 1, middle = 1 << (bits - 1);
  double errorSquared = 0, normSquared = 0;
  for (int64_t row = 0; row < n; ++row) {
    for (int64_t g = 0; g < q.groups; ++g) {
      int64_t begin = g * group, end = std::min(k, begin + group);
      float low = 0, high = 0, largest = 0;
      for (int64_t i = begin; i < end; ++i) {
        float v = at(row, i);
        low = std::min(low, v);
        high = std::max(high, v);
        if (std::fabs(v) > std::fabs(largest))
          largest = v;
      }
      // Asymmetric: [low, high] (holding 0) over 0..levels, zero point where
      // 0 lands. Symmetric: the largest magnitude at -2^(bits-1).
      float scale = symmetric ? largest / static_cast<float>(-middle)
                              : (high - low) / static_cast<float>(levels);
      int32_t zeroPoint = middle;
      if (!symmetric) {
        float z = scale == 0.0f ? 0.0f : -low / scale;
        zeroPoint = static_cast<int32_t>(
            std::round(std::clamp(z, 0.0f, static_cast<float>(levels))));
      }
      float inverse = scale == 0.0f ? 0.0f : 1.0f / scale;
      q.scales[row * q.groups + g] = scale;
      q.zeroPoints[row * q.groups + g] = static_cast<uint8_t>(zeroPoint);
      for (int64_t i = begin; i < begin + group; ++i) {
        int32_t value = zeroPoint;
        if (i < end) {
          float v = at(row, i);
          value = std::clamp(static_cast<int32_t>(std::round(
                                 v * inverse + static_cast<float>(zeroPoint))),
                             0, levels);
          double error = (value - zeroPoint) * static_cast<double>(scale) - v;
          errorSquared += error * error;
          normSquared += static_cast<double>(v) * v;
        }
        int64_t bit = i * bits;
        q.packed[row * q.rowBytes + bit / 8] |=
            static_cast<uint8_t>(value << (bit % 8));
      }
    }
  }
  q.relativeError =
      normSquared > 0 ? std::sqrt(errorSquared / normSquared) : 0.0;
  return q;
}

/// The names a location carries: the ONNX node's, an initializer's.
static void collectNames(Location loc, SmallVectorImpl<StringRef> &names) {
  if (auto fused = dyn_cast<FusedLoc>(loc)) {
    for (Location part : fused.getLocations())
      collectNames(part, names);
  } else if (auto name = dyn_cast<NameLoc>(loc)) {
    names.push_back(name.getName());
    collectNames(name.getChildLoc(), names);
  }
}

namespace {
struct QuantizeWeightsPass
    : xf::impl::QuantizeWeightsPassBase<QuantizeWeightsPass> {
  using Base::Base;

  void runOnOperation() override {
    if ((bits != 4 && bits != 8) || groupSize < 2 || groupSize % 2 != 0) {
      getOperation().emitError()
          << "xf-quantize: bits must be 4 or 8 and group-size an even number "
             "of at least 2";
      return signalPassFailure();
    }
    llvm::Regex pattern(exclude);
    std::string regexError;
    if (!exclude.empty() && !pattern.isValid(regexError)) {
      getOperation().emitError()
          << "xf-quantize: exclude is not a regular expression: " << regexError;
      return signalPassFailure();
    }
    SmallVector<OpOperand *> weights;
    getOperation().walk([&](Operation *op) {
      if (auto linear = dyn_cast<LinearOp>(op))
        weights.push_back(&linear.getWeightMutable());
      else if (auto mlp = dyn_cast<GatedMlpOp>(op))
        for (OpOperand *w : {&mlp.getGateMutable(), &mlp.getUpMutable(),
                             &mlp.getDownMutable()})
          weights.push_back(w);
      else if (auto matmul = dyn_cast<MatMulOp>(op))
        weights.push_back(&matmul.getRhsMutable());
    });
    for (OpOperand *weight : weights)
      quantizeOperand(*weight, pattern);
  }

  /// Whether the weight `constant` read by `user` is excluded by name.
  bool isExcluded(Operation *constant, Operation *user, llvm::Regex &pattern) {
    if (exclude.empty())
      return false;
    SmallVector<StringRef> names;
    collectNames(constant->getLoc(), names);
    collectNames(user->getLoc(), names);
    return llvm::any_of(names,
                        [&](StringRef name) { return pattern.match(name); });
  }

  void quantizeOperand(OpOperand &operand, llvm::Regex &pattern) {
    Operation *user = operand.getOwner();
    auto constant = operand.get().getDefiningOp<ConstantOp>();
    if (!constant)
      return;
    auto type = dyn_cast<RankedTensorType>(constant.getType());
    std::optional<ArrayRef<char>> bytes =
        getElementsBytes(constant.getValueAttr());
    if (!type || type.getRank() != 2 || !type.hasStaticShape() ||
        !type.getElementType().isF32() || !bytes ||
        isExcluded(constant, user, pattern))
      return;
    // The product's weight as [K, N]; linear's transposed one is [N, K].
    auto linear = dyn_cast<LinearOp>(user);
    bool transposed = linear && linear.getTransposeWeight();
    int64_t k = type.getDimSize(transposed ? 1 : 0),
            n = type.getDimSize(transposed ? 0 : 1);
    const auto *values = reinterpret_cast<const float *>(bytes->data());
    auto at = [&](int64_t row, int64_t column) {
      return transposed ? values[row * k + column] : values[column * n + row];
    };
    int64_t group = std::min<int64_t>(groupSize, k);
    group += group % 2;
    QuantizedMatrix q = quantize(n, k, at, bits, group, symmetric);

    OpBuilder b(user);
    Location loc = constant.getLoc();
    Type u8 = b.getIntegerType(8, /*isSigned=*/false);
    auto blob = [&](StringRef suffix, RankedTensorType blobType,
                    const void *data, size_t size) {
      Value v = ConstantOp::create(
          b, loc, blobType,
          cast<ElementsAttr>(deriveResource(
              constant.getValueAttr(), blobType, suffix,
              [&](char *out) { std::memcpy(out, data, size); })));
      return v;
    };
    Value packed =
        blob(".quantized", RankedTensorType::get({n, q.rowBytes}, u8),
             q.packed.data(), q.packed.size());
    Value scales =
        blob(".scales", RankedTensorType::get({n, q.groups}, b.getF32Type()),
             q.scales.data(), q.scales.size() * sizeof(float));
    Value zeroPoints =
        blob(".zero_points", RankedTensorType::get({n, q.groups}, u8),
             q.zeroPoints.data(), q.zeroPoints.size());
    auto quantized = QuantizedWeightOp::create(
        b, loc, RankedTensorType::get({k, n}, b.getF32Type()), packed, scales,
        zeroPoints, b.getI64IntegerAttr(bits), b.getI64IntegerAttr(group),
        b.getI64IntegerAttr(k), b.getBoolAttr(false));
    operand.set(quantized);
    if (transposed)
      linear.setTransposeWeight(false);
    std::string error;
    llvm::raw_string_ostream(error) << llvm::format("%.2e", q.relativeError);
    emitRemark(user->getLoc())
        << "weight quantized to int" << static_cast<int64_t>(bits)
        << " in groups of " << group << (symmetric ? " (symmetric)" : "")
        << ": relative error " << error;
    if (constant->use_empty())
      constant->erase();
  }
};
} // namespace
