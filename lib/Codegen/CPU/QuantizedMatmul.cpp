//===- QuantizedMatmul.cpp - products that read packed quantized weights --===//
//
// A product by an xf.quantized_weight never expands the weight. Per run, the
// left operand is quantized to 16-bit integers with one scale per row and
// group of K (2^-16 of the group's largest magnitude: far below the
// weights' own error). The kernel then multiplies integers: a 16-bit lane
// of the packed weight holds one 8-bit value (widened) or four 4-bit ones
// (taken out with shifts and masks, no shuffles) in registers; pairs of
// lanes meet a broadcast pair of activations in a multiply-add of pairs
// (vpmaddwd, or the portable arithmetic it is), and 32-bit sums close each
// group with its scales:
//
//   y[m, n] += sx[m, g] * s[n, g] * sum_k(xq * q) - xsum[m, g] * s[n, g] * z[n,
//   g]
//
// with xsum = sx * sum_k(xq), so zero points cost nothing per value. The
// weight is repacked at compile time into the order the kernel reads it:
// per tile of C columns, group and step, the bytes of all the tile's lane
// vectors, one contiguous stream. Tiles of columns are the parallel loop;
// rows go R at a time through each tile (the unpacked weights serve R
// rows), the rest one by one. The #xf.kernel_config on the weight gives
// R, C and the instructions (avx2 and avx512: the vpmaddwd intrinsic of
// that width; vector: portable arithmetic on 8 lanes).
//
//===----------------------------------------------------------------------===//

#include "CPUKernels.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/Matchers.h"
#include "xfc/Codegen/CPU/Passes.h"
#include "xfc/Dialect/XF/IR/XFOps.h"
#include "xfc/Support/ElementsBytes.h"

namespace mlir::xf {
#define GEN_PASS_DEF_CPUQUANTIZEDMATMULPASS
#include "xfc/Codegen/CPU/Passes.h.inc"
} // namespace mlir::xf

using namespace mlir;
using namespace mlir::xf;

namespace {

/// Integer activations: 16 bits, symmetric.
constexpr double kActivationLimit = 32767.0;

/// A quantized weight as the kernel reads it, built at compile time.
struct PackedWeight {
  /// [tiles, groups, steps, vectors, bytes] bytes: per step, each lane
  /// vector's 2 * lanes lanes (lane j: column j / 2, value j % 2 of a pair
  /// of K). 8-bit: a byte per lane, pair k0. 4-bit: a 16-bit word per lane
  /// holding pairs k0, k0 + 2, k0 + 4, k0 + 6 from the low bits up.
  Value bytes;
  /// [tiles, groups, columns]: the scale, and scale * zero point.
  Value scales, scaledZeros;
  /// N, K (and K padded to whole groups), the kernel's group, columns
  /// per tile and bits per value.
  int64_t n, k, paddedK, group, columns, bits;
  /// 8-bit values kept signed (sign-extended when unpacked).
  bool isSigned;
};

/// The left operand quantized per row and group: 16-bit values [M, groups,
/// group], scales [M, groups] and scale * sum of values [M, groups].
struct QuantizedActivations {
  Value values, scales, scaledSums;
};

class QuantizedMatmulBuilder {
public:
  QuantizedMatmulBuilder(OpBuilder &b, Location loc) : b(b), loc(loc) {}

  Value index(int64_t v) { return arith::ConstantIndexOp::create(b, loc, v); }

  /// Packs `op`'s constants for `geometry`, or fails (the op then lowers
  /// element-wise).
  FailureOr<PackedWeight> pack(QuantizedWeightOp op,
                               const WeightTiles &geometry);

  /// `input` [M, K] (f32) times the packed weight: [M, columns * tiles].
  /// `inputScale`, when given, is the one scale `input` was dequantized with
  /// from 8-bit integers (a 1-element tensor).
  Value build(Value input, Value inputScale, const PackedWeight &weight,
              const WeightTiles &geometry);

private:
  /// Quantizes `input` [M, paddedK] per row and group, or (`inputScale`)
  /// takes back the integers it was dequantized from.
  QuantizedActivations quantizeActivations(Value input, Value inputScale,
                                           int64_t group, int64_t groups);
  /// The pairwise multiply-add of 16-bit lanes into 32-bit ones.
  Value multiplyAddPairs(Value lhs, Value rhs, const WeightTiles &geometry);
  Value generic(ValueRange inputs, ArrayRef<AffineMap> maps, Value init,
                ArrayRef<utils::IteratorType> iterators,
                function_ref<Value(OpBuilder &, Location, ValueRange)> body);

  OpBuilder &b;
  Location loc;
};
} // namespace

/// The group the kernel closes its 32-bit sums at: the weight's own, or a
/// divisor of it (scales repeat) where sums of the weight's group could
/// overflow or the group is the whole of K; 0 if there is none.
static int64_t kernelGroup(int64_t group, int64_t groups) {
  // 2 * 32767 * 255 per lane pair, `group / 2` pairs: 256 keeps to 2^31.
  // Steps take 8 values of K.
  if (group <= 256 && group % 8 == 0)
    return group;
  if (groups == 1 || group % 128 == 0)
    return 128;
  return 0;
}

FailureOr<PackedWeight>
QuantizedMatmulBuilder::pack(QuantizedWeightOp op,
                             const WeightTiles &geometry) {
  ElementsAttr packedAttr, scalesAttr, zerosAttr;
  if (!matchPattern(op.getPacked(), m_Constant(&packedAttr)) ||
      !matchPattern(op.getScales(), m_Constant(&scalesAttr)) ||
      (op.getZeroPoints() &&
       !matchPattern(op.getZeroPoints(), m_Constant(&zerosAttr))))
    return failure();
  RankedTensorType packedType = op.getPacked().getType();
  if (!packedType.hasStaticShape())
    return failure();
  std::optional<ArrayRef<char>> bytes = getElementsBytes(packedAttr);
  std::optional<std::vector<float>> scales = getFloats(scalesAttr);
  std::optional<std::vector<int32_t>> zeros;
  if (zerosAttr)
    zeros = getSmallIntegers(zerosAttr);
  if (!bytes || !scales || (zerosAttr && !zeros))
    return failure();

  int64_t bits = op.getBits(), k = op.getK(), group = op.getGroupSize();
  int64_t n = packedType.getDimSize(0), rowBytes = packedType.getDimSize(1);
  int64_t groups = (k + group - 1) / group;
  int64_t kGroup = kernelGroup(group, groups);
  if (!kGroup)
    return failure();
  int64_t kGroups = (groups * group + kGroup - 1) / kGroup;
  // Sub-groups of a group of K: the padding past K reads as zero.
  if (groups == 1)
    kGroups = (k + kGroup - 1) / kGroup;
  int64_t paddedK = kGroups * kGroup;
  int64_t columns = geometry.columns, lanes = geometry.lanes;
  int64_t tiles = (n + columns - 1) / columns, vectors = columns / lanes;
  int64_t kPerStep = bits == 4 ? 8 : 2, steps = kGroup / kPerStep;
  int64_t chunk = bits == 4 ? 4 * lanes : 2 * lanes;
  // Signed 4-bit values move to unsigned ones with the zero point (q - z is
  // the same), so nibbles unpack one way. Signed bytes stay signed: an
  // offset zero point would make the sums large terms that cancel.
  bool keepsSign = op.getIsSigned() && bits == 8;
  int32_t offset = op.getIsSigned() && !keepsSign ? 1 << (bits - 1) : 0;
  int32_t mask = (1 << bits) - 1;

  auto field = [&](int64_t row, int64_t kk) -> int32_t {
    int64_t bit = kk * bits;
    uint8_t byte = static_cast<uint8_t>((*bytes)[row * rowBytes + bit / 8]);
    int32_t q = ((byte >> (bit % 8)) & mask) ^ offset;
    return keepsSign ? static_cast<int8_t>(q) : q;
  };
  auto zeroPoint = [&](int64_t row, int64_t kk) -> int32_t {
    int32_t z =
        zeros ? (*zeros)[row * groups + std::min(kk / group, groups - 1)] : 0;
    return z + offset;
  };
  auto value = [&](int64_t row, int64_t kk) -> uint8_t {
    if (row >= n)
      return 0;
    if (kk >= k)
      return static_cast<uint8_t>(zeroPoint(row, kk));
    return static_cast<uint8_t>(field(row, kk));
  };

  Type i8 = b.getIntegerType(8), f32 = b.getF32Type();
  auto bytesType =
      RankedTensorType::get({tiles, kGroups, steps, vectors, chunk}, i8);
  auto packedBytes =
      deriveResource(packedAttr, bytesType, ".tiles", [&](char *out) {
        for (int64_t t = 0; t < tiles; ++t)
          for (int64_t g = 0; g < kGroups; ++g)
            for (int64_t s = 0; s < steps; ++s)
              for (int64_t v = 0; v < vectors; ++v)
                for (int64_t j = 0; j < 2 * lanes; ++j) {
                  // Lane j: column j / 2, the pair's value j % 2. 4-bit
                  // lanes are 16-bit words of 4 values, pairs k0 + 2i.
                  int64_t row = t * columns + v * lanes + j / 2;
                  int64_t kk = g * kGroup + s * kPerStep + j % 2;
                  if (bits == 8) {
                    *out++ = static_cast<char>(value(row, kk));
                    continue;
                  }
                  for (int64_t i = 0; i < 4; i += 2)
                    *out++ = static_cast<char>(value(row, kk + 2 * i) |
                                               value(row, kk + 2 * i + 2) << 4);
                }
      });
  auto scalesType = RankedTensorType::get({tiles, kGroups, columns}, f32);
  auto tableOf = [&](StringRef suffix, bool scaledZero) {
    return deriveResource(scalesAttr, scalesType, suffix, [&](char *out) {
      auto *values = reinterpret_cast<float *>(out);
      for (int64_t t = 0; t < tiles; ++t)
        for (int64_t g = 0; g < kGroups; ++g)
          for (int64_t c = 0; c < columns; ++c) {
            int64_t row = t * columns + c, kk = g * kGroup;
            float scale =
                row < n
                    ? (*scales)[row * groups + std::min(kk / group, groups - 1)]
                    : 0.0f;
            *values++ = scaledZero ? scale * zeroPoint(std::min(row, n - 1), kk)
                                   : scale;
          }
    });
  };
  PackedWeight packed;
  packed.bytes = arith::ConstantOp::create(b, loc, bytesType, packedBytes);
  packed.scales =
      arith::ConstantOp::create(b, loc, scalesType, tableOf(".scales", false));
  packed.scaledZeros =
      arith::ConstantOp::create(b, loc, scalesType, tableOf(".zeros", true));
  packed.n = n;
  packed.k = k;
  packed.paddedK = paddedK;
  packed.group = kGroup;
  packed.columns = columns;
  packed.bits = bits;
  packed.isSigned = keepsSign;
  return packed;
}

Value QuantizedMatmulBuilder::generic(
    ValueRange inputs, ArrayRef<AffineMap> maps, Value init,
    ArrayRef<utils::IteratorType> iterators,
    function_ref<Value(OpBuilder &, Location, ValueRange)> body) {
  return linalg::GenericOp::create(
             b, loc, TypeRange{init.getType()}, inputs, ValueRange{init}, maps,
             iterators,
             [&](OpBuilder &nested, Location l, ValueRange args) {
               linalg::YieldOp::create(nested, l, body(nested, l, args));
             })
      .getResult(0);
}

QuantizedActivations
QuantizedMatmulBuilder::quantizeActivations(Value input, Value inputScale,
                                            int64_t group, int64_t groups) {
  MLIRContext *context = b.getContext();
  Type f32 = b.getF32Type(), i16 = b.getIntegerType(16);
  Value rows = tensor::DimOp::create(b, loc, input, 0);
  Value grouped = tensor::ExpandShapeOp::create(
      b, loc, RankedTensorType::get({ShapedType::kDynamic, groups, group}, f32),
      input, SmallVector<ReassociationIndices>{{0}, {1, 2}},
      SmallVector<OpFoldResult>{rows, b.getIndexAttr(groups),
                                b.getIndexAttr(group)});
  auto empty = [&](ArrayRef<int64_t> shape, Type element) {
    return tensor::EmptyOp::create(
               b, loc, RankedTensorType::get(shape, element), ValueRange{rows})
        .getResult();
  };
  auto fill = [&](Value init, Attribute value) {
    Value v = arith::ConstantOp::create(b, loc, cast<TypedAttr>(value));
    return linalg::FillOp::create(b, loc, v, init).getResult(0);
  };
  AffineExpr m = getAffineDimExpr(0, context), g = getAffineDimExpr(1, context),
             e = getAffineDimExpr(2, context);
  AffineMap full = AffineMap::get(3, 0, {m, g, e}, context);
  AffineMap perGroup = AffineMap::get(3, 0, {m, g}, context);
  auto parallel = utils::IteratorType::parallel,
       reduction = utils::IteratorType::reduction;

  Value quantized, scales;
  if (inputScale) {
    // x = (a - za) * s for integers a of at most 8 bits: round(x / s) is
    // a - za exactly, and the sums are those of the integers themselves.
    int64_t scaleRank = cast<RankedTensorType>(inputScale.getType()).getRank();
    auto scalar = [&](unsigned dims) {
      return AffineMap::get(
          dims, 0,
          SmallVector<AffineExpr>(scaleRank, getAffineConstantExpr(0, context)),
          context);
    };
    quantized = generic(
        {grouped, inputScale}, {full, scalar(3), full},
        empty({ShapedType::kDynamic, groups, group}, i16),
        {parallel, parallel, parallel},
        [&](OpBuilder &nb, Location l, ValueRange args) -> Value {
          // A zero scale made zeros.
          Value zero = arith::ConstantOp::create(nb, l, nb.getF32FloatAttr(0));
          Value isZero = arith::CmpFOp::create(nb, l, arith::CmpFPredicate::OEQ,
                                               args[1], zero);
          Value integer = math::RoundEvenOp::create(
              nb, l, arith::DivFOp::create(nb, l, args[0], args[1]));
          integer = arith::SelectOp::create(nb, l, isZero, zero, integer);
          return arith::FPToSIOp::create(nb, l, i16, integer);
        });
    scales = generic(
        {inputScale}, {scalar(2), AffineMap::get(2, 0, {m, g}, context)},
        empty({ShapedType::kDynamic, groups}, f32), {parallel, parallel},
        [](OpBuilder &, Location, ValueRange args) -> Value {
          return args[0];
        });
  } else {
    Value largest = generic(
        {grouped}, {full, perGroup},
        fill(empty({ShapedType::kDynamic, groups}, f32), b.getF32FloatAttr(0)),
        {parallel, parallel, reduction},
        [](OpBuilder &nb, Location l, ValueRange args) -> Value {
          return arith::MaximumFOp::create(
              nb, l, args[1], math::AbsFOp::create(nb, l, args[0]));
        });
    quantized = generic(
        {grouped, largest}, {full, perGroup, full},
        empty({ShapedType::kDynamic, groups, group}, i16),
        {parallel, parallel, parallel},
        [&](OpBuilder &nb, Location l, ValueRange args) -> Value {
          // x * 32767 / max, 0 where the group is all zeros.
          Value limit = arith::ConstantOp::create(
              nb, l, nb.getF32FloatAttr(kActivationLimit));
          Value zero = arith::ConstantOp::create(nb, l, nb.getF32FloatAttr(0));
          Value ratio = arith::DivFOp::create(nb, l, limit, args[1]);
          Value isZero = arith::CmpFOp::create(nb, l, arith::CmpFPredicate::OEQ,
                                               args[1], zero);
          ratio = arith::SelectOp::create(nb, l, isZero, zero, ratio);
          Value scaled = math::RoundEvenOp::create(
              nb, l, arith::MulFOp::create(nb, l, args[0], ratio));
          return arith::FPToSIOp::create(nb, l, nb.getIntegerType(16), scaled);
        });
    scales = generic({largest},
                     {AffineMap::get(2, 0, {m, g}, context),
                      AffineMap::get(2, 0, {m, g}, context)},
                     empty({ShapedType::kDynamic, groups}, f32),
                     {parallel, parallel},
                     [&](OpBuilder &nb, Location l, ValueRange args) -> Value {
                       Value limit = arith::ConstantOp::create(
                           nb, l, nb.getF32FloatAttr(1.0 / kActivationLimit));
                       return arith::MulFOp::create(nb, l, args[0], limit);
                     });
  }
  Value sums =
      generic({quantized}, {full, perGroup},
              fill(empty({ShapedType::kDynamic, groups}, b.getI32Type()),
                   b.getI32IntegerAttr(0)),
              {parallel, parallel, reduction},
              [](OpBuilder &nb, Location l, ValueRange args) -> Value {
                return arith::AddIOp::create(
                    nb, l, args[1],
                    arith::ExtSIOp::create(nb, l, nb.getI32Type(), args[0]));
              });
  Value scaledSums = generic(
      {sums, scales},
      {AffineMap::get(2, 0, {m, g}, context),
       AffineMap::get(2, 0, {m, g}, context),
       AffineMap::get(2, 0, {m, g}, context)},
      empty({ShapedType::kDynamic, groups}, f32), {parallel, parallel},
      [](OpBuilder &nb, Location l, ValueRange args) -> Value {
        return arith::MulFOp::create(
            nb, l, arith::SIToFPOp::create(nb, l, nb.getF32Type(), args[0]),
            args[1]);
      });
  return {quantized, scales, scaledSums};
}

Value QuantizedMatmulBuilder::multiplyAddPairs(Value lhs, Value rhs,
                                               const WeightTiles &geometry) {
  auto result = VectorType::get({geometry.lanes}, b.getI32Type());
  auto op = MultiplyAddPairsOp::create(b, loc, result, lhs, rhs,
                                       /*intrinsic=*/StringAttr());
  if (geometry.kind == KernelKind::Avx2)
    op.setIntrinsic("llvm.x86.avx2.pmadd.wd");
  else if (geometry.kind == KernelKind::Avx512)
    op.setIntrinsic("llvm.x86.avx512.pmaddw.d.512");
  return op;
}

Value QuantizedMatmulBuilder::build(Value input, Value inputScale,
                                    const PackedWeight &weight,
                                    const WeightTiles &geometry) {
  Type f32 = b.getF32Type(), i8 = b.getIntegerType(8),
       i16 = b.getIntegerType(16), i32 = b.getI32Type();
  int64_t lanes = geometry.lanes, columns = weight.columns;
  int64_t vectors = columns / lanes, group = weight.group;
  int64_t groups = weight.paddedK / group;
  int64_t kPerStep = weight.bits == 4 ? 8 : 2, steps = group / kPerStep;
  auto bytesType = cast<RankedTensorType>(weight.bytes.getType());
  int64_t tiles = bytesType.getDimSize(0);

  input = padColumns(b, loc, input, weight.paddedK);
  QuantizedActivations activations =
      quantizeActivations(input, inputScale, group, groups);

  Value rows = tensor::DimOp::create(b, loc, input, 0);
  Value output = tensor::EmptyOp::create(
      b, loc, RankedTensorType::get({ShapedType::kDynamic, weight.n}, f32),
      ValueRange{rows});
  auto byteVector =
      VectorType::get({weight.bits == 4 ? 4 * lanes : 2 * lanes}, i8);
  auto laneVector = VectorType::get({2 * lanes}, i16);
  auto accVector = VectorType::get({lanes}, i32);
  auto floatVector = VectorType::get({lanes}, f32);
  Value c0 = index(0), c1 = index(1);
  Value i8Pad = arith::ConstantIntOp::create(b, loc, i8, 0);
  Value i16Pad = arith::ConstantIntOp::create(b, loc, i16, 0);
  Value f32Pad = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0));

  // Rows [row, row + count) of tile `tile`, into `out`.
  auto rowBlock = [&](OpBuilder &ob, Value tile, Value row, int64_t count,
                      Value out) -> Value {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPoint(ob.getInsertionBlock(), ob.getInsertionPoint());
    int64_t accs = count * vectors;
    Value zeroF = arith::ConstantOp::create(b, loc, floatVector,
                                            b.getZeroAttr(floatVector));
    Value zeroI =
        arith::ConstantOp::create(b, loc, accVector, b.getZeroAttr(accVector));
    SmallVector<Value> rowIndex;
    for (int64_t r = 0; r < count; ++r)
      rowIndex.push_back(arith::AddIOp::create(b, loc, row, index(r)));

    auto groupLoop = scf::ForOp::create(
        b, loc, c0, index(groups), c1, SmallVector<Value>(accs, zeroF),
        [&](OpBuilder &gb, Location, Value g, ValueRange sums) {
          OpBuilder::InsertionGuard inner(b);
          b.setInsertionPointToEnd(gb.getInsertionBlock());
          auto stepLoop = scf::ForOp::create(
              b, loc, c0, index(steps), c1, SmallVector<Value>(accs, zeroI),
              [&](OpBuilder &sb, Location, Value s, ValueRange partial) {
                OpBuilder::InsertionGuard innermost(b);
                b.setInsertionPointToEnd(sb.getInsertionBlock());
                // The weights of this step, unpacked to 16-bit lanes.
                SmallVector<SmallVector<Value, 2>> weights;
                for (int64_t v = 0; v < vectors; ++v) {
                  Value raw = vector::TransferReadOp::create(
                      b, loc, byteVector, weight.bytes,
                      ValueRange{tile, g, s, index(v), c0}, i8Pad,
                      ArrayRef<bool>{true});
                  if (weight.bits == 8) {
                    weights.push_back(
                        {weight.isSigned
                             ? arith::ExtSIOp::create(b, loc, laneVector, raw)
                                   .getResult()
                             : arith::ExtUIOp::create(b, loc, laneVector, raw)
                                   .getResult()});
                    continue;
                  }
                  // Four values per 16-bit lane: shifts and masks, no
                  // widening shuffles.
                  Value words =
                      vector::BitCastOp::create(b, loc, laneVector, raw);
                  auto splat = [&](int64_t c) {
                    return arith::ConstantOp::create(
                        b, loc, laneVector,
                        DenseElementsAttr::get(laneVector,
                                               b.getIntegerAttr(i16, c)));
                  };
                  SmallVector<Value, 2> nibbles;
                  for (int64_t i = 0; i < 4; ++i) {
                    Value shifted =
                        i ? arith::ShRUIOp::create(b, loc, words, splat(4 * i))
                                .getResult()
                          : words;
                    nibbles.push_back(i == 3 ? shifted
                                             : arith::AndIOp::create(
                                                   b, loc, shifted, splat(15))
                                                   .getResult());
                  }
                  weights.push_back(nibbles);
                }
                Value k0 = arith::MulIOp::create(b, loc, s, index(kPerStep));
                SmallVector<Value> next(partial);
                for (int64_t r = 0; r < count; ++r) {
                  for (int64_t half = 0; half < kPerStep / 2; ++half) {
                    // Activations k, k+1 as one 32-bit lane, on every lane.
                    Value k =
                        arith::AddIOp::create(b, loc, k0, index(2 * half));
                    Value pair = vector::TransferReadOp::create(
                        b, loc, VectorType::get({2}, i16), activations.values,
                        ValueRange{rowIndex[r], g, k}, i16Pad,
                        ArrayRef<bool>{true});
                    Value word = vector::BitCastOp::create(
                        b, loc, VectorType::get({1}, i32), pair);
                    Value splat = vector::BitCastOp::create(
                        b, loc, laneVector,
                        vector::BroadcastOp::create(b, loc, accVector, word));
                    for (int64_t v = 0; v < vectors; ++v) {
                      Value &acc = next[r * vectors + v];
                      acc = arith::AddIOp::create(
                          b, loc, acc,
                          multiplyAddPairs(splat, weights[v][half], geometry));
                    }
                  }
                }
                scf::YieldOp::create(b, loc, next);
              });
          // The group's sums, scaled, into the float accumulators.
          SmallVector<Value> next;
          for (int64_t r = 0; r < count; ++r) {
            Value sx = vector::BroadcastOp::create(
                b, loc, floatVector,
                tensor::ExtractOp::create(b, loc, activations.scales,
                                          ValueRange{rowIndex[r], g}));
            Value xsum = vector::BroadcastOp::create(
                b, loc, floatVector,
                tensor::ExtractOp::create(b, loc, activations.scaledSums,
                                          ValueRange{rowIndex[r], g}));
            Value negSum = arith::NegFOp::create(b, loc, xsum);
            for (int64_t v = 0; v < vectors; ++v) {
              SmallVector<Value> at = {tile, g, index(v * lanes)};
              Value scale = vector::TransferReadOp::create(
                  b, loc, floatVector, weight.scales, at, f32Pad,
                  ArrayRef<bool>{true});
              Value zero = vector::TransferReadOp::create(
                  b, loc, floatVector, weight.scaledZeros, at, f32Pad,
                  ArrayRef<bool>{true});
              Value dot = arith::SIToFPOp::create(
                  b, loc, floatVector, stepLoop.getResult(r * vectors + v));
              Value acc = vector::FMAOp::create(
                  b, loc, dot, arith::MulFOp::create(b, loc, scale, sx),
                  sums[r * vectors + v]);
              next.push_back(vector::FMAOp::create(b, loc, zero, negSum, acc));
            }
          }
          scf::YieldOp::create(b, loc, next);
        });
    Value firstColumn = arith::MulIOp::create(b, loc, tile, index(columns));
    // The last tile's columns past N are not written (masked stores).
    bool wholeTiles = weight.n % columns == 0;
    for (int64_t r = 0; r < count; ++r)
      for (int64_t v = 0; v < vectors; ++v) {
        Value column =
            arith::AddIOp::create(b, loc, firstColumn, index(v * lanes));
        out = vector::TransferWriteOp::create(
                  b, loc, groupLoop.getResult(r * vectors + v), out,
                  ValueRange{rowIndex[r], column}, ArrayRef<bool>{wholeTiles})
                  .getResult();
      }
    return out;
  };

  // Full blocks of R rows, then the rest one by one, per tile of columns.
  int64_t blockRows = geometry.rows;
  Value fullRows = arith::MulIOp::create(
      b, loc, arith::DivUIOp::create(b, loc, rows, index(blockRows)),
      index(blockRows));
  auto tileLoop = scf::ForOp::create(
      b, loc, c0, index(tiles), c1, ValueRange{output},
      [&](OpBuilder &tb, Location, Value tile, ValueRange tileArgs) {
        auto blocks = scf::ForOp::create(
            tb, loc, c0, fullRows, index(blockRows), tileArgs,
            [&](OpBuilder &rb, Location, Value row, ValueRange out) {
              Value result = rowBlock(rb, tile, row, blockRows, out[0]);
              scf::YieldOp::create(rb, loc, result);
            });
        auto rest = scf::ForOp::create(
            tb, loc, fullRows, rows, c1, blocks.getResults(),
            [&](OpBuilder &rb, Location, Value row, ValueRange out) {
              Value result = rowBlock(rb, tile, row, 1, out[0]);
              scf::YieldOp::create(rb, loc, result);
            });
        scf::YieldOp::create(tb, loc, rest.getResults());
      });
  tileLoop->setAttr("xf.parallel", b.getUnitAttr());
  return tileLoop.getResult(0);
}

/// The kernel's geometry from the weight's configuration, if it has one
/// this generator builds (whole vectors per tile).
static std::optional<WeightTiles> getGeometry(QuantizedWeightOp weight) {
  std::optional<WeightTiles> tiles = WeightTiles::get(
      weight, {KernelKind::Vector, KernelKind::Avx2, KernelKind::Avx512});
  if (!tiles || tiles->columns % tiles->lanes != 0)
    return std::nullopt;
  return tiles;
}

/// The scale `input` was dequantized with when it is 8-bit integers
/// dequantized per tensor; null otherwise.
static Value perTensorInputScale(Value input) {
  auto dequantize = input.getDefiningOp<DequantizeLinearOp>();
  if (!dequantize ||
      dequantize.getInput().getType().getElementTypeBitWidth() > 8 ||
      dequantize.getScale().getType().getNumElements() != 1)
    return {};
  return dequantize.getScale();
}

namespace {
struct CPUQuantizedMatmulPass
    : xf::impl::CPUQuantizedMatmulPassBase<CPUQuantizedMatmulPass> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    // Dense layers and gated MLPs on quantized weights become their
    // products, which the kernel takes.
    if (failed(decomposeLayersReading(func, [](Value v) {
          return v.getDefiningOp<QuantizedWeightOp>() != nullptr;
        })))
      return signalPassFailure();

    SmallVector<MatMulOp> products;
    func.walk([&](MatMulOp op) {
      auto weight = op.getRhs().getDefiningOp<QuantizedWeightOp>();
      auto lhs = op.getLhs().getType();
      // One matrix (a stack of them lowers element-wise).
      if (weight && weight.getType().getRank() == 2 &&
          lhs.getElementType().isF32() &&
          weight.getType().getElementType().isF32() && lhs.getRank() >= 2)
        products.push_back(op);
    });
    // Each weight is packed once, where it is defined, for all its products.
    DenseMap<Operation *, FailureOr<PackedWeight>> packedWeights;
    for (MatMulOp op : products) {
      auto weight = op.getRhs().getDefiningOp<QuantizedWeightOp>();
      std::optional<WeightTiles> geometry = getGeometry(weight);
      if (!geometry)
        continue;
      auto [entry, isNew] = packedWeights.try_emplace(weight, failure());
      if (isNew) {
        OpBuilder at(weight);
        entry->second =
            QuantizedMatmulBuilder(at, weight.getLoc()).pack(weight, *geometry);
      }
      FailureOr<PackedWeight> packed = entry->second;
      if (failed(packed))
        continue;
      Value inputScale = perTensorInputScale(op.getLhs());
      replaceProductByRows(op, weight.getK(), weight.getType().getDimSize(1),
                           [&](OpBuilder &b, Value input) {
                             return QuantizedMatmulBuilder(b, op.getLoc())
                                 .build(input, inputScale, *packed, *geometry);
                           });
    }
    for (auto &[weight, packed] : packedWeights)
      if (weight->use_empty())
        weight->erase();
  }
};
} // namespace
