//===- ContribOps.cpp - importers of ONNX Runtime's com.microsoft ops -----===//
//
// ONNX Runtime's fused operators, written as the xf ops that compute the
// same thing: a bias-add and a Gelu, a residual add and a normalization,
// int4 weights and a dequantizing matrix product.
//
//===----------------------------------------------------------------------===//

#include "NodeImporter.h"

#include "mlir/IR/DialectResourceBlobManager.h"
#include "xfc/Support/ElementsBytes.h"

namespace mlir::xf::onnx_import {

static constexpr StringLiteral kMicrosoft = "com.microsoft";

/// `x + bias` when the bias is there.
static FailureOr<Value> addOptional(NodeImporter &n, Value x, Value bias) {
  if (!bias)
    return x;
  return n.create1<AddOp>({x, bias});
}

static LogicalResult importGeluVariant(NodeImporter &n, StringRef approximate,
                                       size_t biasInput) {
  FailureOr<Value> x = n.input(0, "X");
  if (failed(x))
    return failure();
  FailureOr<Value> sum = addOptional(n, *x, n.optionalInput(biasInput));
  if (failed(sum))
    return failure();
  FailureOr<Value> result = n.create1<GeluOp>(
      {*sum},
      {n.namedAttr("approximate", n.builder().getStringAttr(approximate))});
  if (failed(result))
    return failure();
  return n.setResults(*result);
}

static LogicalResult importQuickGelu(NodeImporter &n) {
  FailureOr<Value> x = n.input(0, "X");
  if (failed(x))
    return failure();
  auto type = cast<RankedTensorType>(x->getType());
  Value alpha = n.constant(cast<ElementsAttr>(DenseElementsAttr::get(
      RankedTensorType::get({}, type.getElementType()),
      FloatAttr::get(type.getElementType(), n.floatAttr("alpha", 1.702f)))));
  FailureOr<Value> scaled = n.create1<MulOp>({*x, alpha});
  if (failed(scaled))
    return failure();
  FailureOr<Value> gate = n.create1<SigmoidOp>({*scaled});
  if (failed(gate))
    return failure();
  FailureOr<Value> result = n.create1<MulOp>({*x, *gate});
  if (failed(result))
    return failure();
  return n.setResults(*result);
}

/// SkipLayerNormalization and SkipSimplifiedLayerNormalization: the sum
/// `input + skip (+ bias)` normalized; output 3 is the sum itself.
static LogicalResult importSkipNorm(NodeImporter &n, bool simplified) {
  FailureOr<Value> input = n.input(0, "input"), skip = n.input(1, "skip"),
                   gamma = n.input(2, "gamma");
  if (failed(input) || failed(skip) || failed(gamma))
    return failure();
  Value beta = simplified ? Value() : n.optionalInput(3);
  Value bias = n.optionalInput(simplified ? 3 : 4);
  for (int i : {1, 2})
    if (i < n.proto().output_size() && !n.proto().output(i).empty())
      return n.emitError() << "output " << i << " ('" << n.proto().output(i)
                           << "') of " << n.proto().op_type()
                           << " (statistics) is not supported";
  FailureOr<Value> sum = n.create1<AddOp>({*input, *skip});
  if (failed(sum))
    return failure();
  sum = addOptional(n, *sum, bias);
  if (failed(sum))
    return failure();
  SmallVector<NamedAttribute> attrs = {
      n.namedAttr("axis", n.i64Attr(-1)),
      n.namedAttr("epsilon", n.f32Attr(n.floatAttr("epsilon", 1e-12f)))};
  FailureOr<Value> normalized =
      simplified ? n.create1<RmsNormOp>({*sum, *gamma}, attrs)
      : beta     ? n.create1<LayerNormOp>({*sum, *gamma, beta}, attrs)
                 : n.create1<LayerNormOp>({*sum, *gamma}, attrs);
  if (failed(normalized))
    return failure();
  return n.setResults({*normalized, Value(), Value(), *sum});
}

std::optional<ArrayRef<char>> getConstantBytes(Value value,
                                               std::string &splatBytes) {
  auto constant = value.getDefiningOp<ConstantOp>();
  if (!constant)
    return std::nullopt;
  if (auto dense = dyn_cast<DenseElementsAttr>(constant.getValue());
      dense && dense.isSplat()) {
    // A splat stores one element: repeat it to the tensor's size.
    ArrayRef<char> element = dense.getRawData();
    splatBytes.clear();
    splatBytes.reserve(element.size() * dense.getNumElements());
    for (int64_t i = 0, e = dense.getNumElements(); i < e; ++i)
      splatBytes.append(element.data(), element.size());
    return ArrayRef<char>(splatBytes.data(), splatBytes.size());
  }
  return getElementsBytes(constant.getValue());
}

std::string unpackBits(ArrayRef<char> packed, int64_t count, int bits) {
  std::string out;
  out.reserve(count);
  int perByte = 8 / bits;
  for (int64_t i = 0; i < count; ++i)
    out.push_back(static_cast<char>(
        (static_cast<uint8_t>(packed[i / perByte]) >> (bits * (i % perByte))) &
        ((1 << bits) - 1)));
  return out;
}

FailureOr<Value> unpackedZeroPoints(NodeImporter &n, Value zp, int64_t rows,
                                    int64_t perRow, int bits,
                                    RankedTensorType type, const Twine &what) {
  if (!zp)
    // Without zero points the weights are centred at 2^(bits-1).
    return n.constant(cast<ElementsAttr>(DenseElementsAttr::get(
        type, IntegerAttr::get(type.getElementType(), 1 << (bits - 1)))));
  std::string splatBytes;
  std::optional<ArrayRef<char>> bytes = getConstantBytes(zp, splatBytes);
  int64_t rowBytes = (perRow * bits + 7) / 8;
  if (!bytes || static_cast<int64_t>(bytes->size()) != rows * rowBytes)
    return n.emitError() << what << " must be a constant of " << rows * rowBytes
                         << " bytes";
  std::string values;
  for (int64_t row = 0; row < rows; ++row)
    values += unpackBits(bytes->slice(row * rowBytes, rowBytes), perRow, bits);
  return n.constant(cast<ElementsAttr>(DenseElementsAttr::getFromRawBuffer(
      type, ArrayRef<char>(values.data(), values.size()))));
}

static LogicalResult importMatMulNBits(NodeImporter &n) {
  FailureOr<Value> a = n.input(0, "A"), packed = n.input(1, "B"),
                   scales = n.input(2, "scales");
  if (failed(a) || failed(packed) || failed(scales))
    return failure();
  int64_t k = n.intAttr("K", 0), cols = n.intAttr("N", 0),
          bits = n.intAttr("bits", 4), blockSize = n.intAttr("block_size", 0);
  if (bits != 4 && bits != 8)
    return n.emitError() << "MatMulNBits with " << bits
                         << "-bit weights is not supported (4 or 8)";
  if (k <= 0 || cols <= 0 || blockSize <= 0 || (blockSize * bits) % 8 != 0)
    return n.emitError() << "MatMulNBits needs positive K, N and block_size";
  // g_idx names each row's block. Exporters also write the plain k / block
  // one, which is the layout itself; a reordered one (act-order) is not.
  FailureOr<std::optional<SmallVector<int64_t>>> groupIndex =
      n.constantInts(4, "g_idx");
  if (failed(groupIndex))
    return failure();
  if (*groupIndex) {
    bool plain = static_cast<int64_t>((*groupIndex)->size()) == k;
    for (int64_t row = 0; plain && row < k; ++row)
      plain = (**groupIndex)[row] == row / blockSize;
    if (!plain)
      return n.emitError() << "MatMulNBits with a reordered g_idx (act-order) "
                              "is not supported; only row / block_size";
  }
  int64_t blocks = (k + blockSize - 1) / blockSize, padded = blocks * blockSize;
  std::string splatBytes;
  std::optional<ArrayRef<char>> weightBytes =
      getConstantBytes(*packed, splatBytes);
  if (!weightBytes)
    return n.emitError() << "MatMulNBits needs constant weights (input B)";
  if (static_cast<int64_t>(weightBytes->size()) != cols * padded * bits / 8)
    return n.emitError() << "MatMulNBits weights hold " << weightBytes->size()
                         << " bytes, not the " << cols * padded * bits / 8
                         << " that K, N, bits and block_size imply";

  // The packed rows stay as they are: xf.quantized_weight reads this layout.
  Type byteType = IntegerType::get(n.context(), 8, IntegerType::Unsigned);
  auto packedType = RankedTensorType::get({cols, padded * bits / 8}, byteType);
  Value weights = n.constant(cast<ElementsAttr>(DenseResourceElementsAttr::get(
      packedType, "matmul_nbits_weight",
      allocateBlob(weightBytes->size(), 8,
                   [&](char *out) { llvm::copy(*weightBytes, out); }))));

  // Scales and zero points, one per row and block.
  FailureOr<Value> scales2d =
      n.create1<ReshapeOp>({*scales, n.constantI64({cols, blocks})});
  if (failed(scales2d))
    return failure();
  auto zpType = RankedTensorType::get({cols, blocks}, byteType);
  Value zp = n.optionalInput(3);
  if (zp &&
      !isa<IntegerType>(cast<RankedTensorType>(zp.getType()).getElementType()))
    return n.emitError() << "MatMulNBits with floating-point zero points is "
                            "not supported";
  FailureOr<Value> zeroPoints = unpackedZeroPoints(
      n, zp, cols, blocks, bits, zpType, "MatMulNBits zero points");
  if (failed(zeroPoints))
    return failure();

  FailureOr<Value> weight = n.create1<QuantizedWeightOp>(
      {weights, *scales2d, *zeroPoints},
      {n.namedAttr("bits", n.i64Attr(bits)),
       n.namedAttr("group_size", n.i64Attr(blockSize)),
       n.namedAttr("k", n.i64Attr(k))});
  if (failed(weight))
    return failure();
  FailureOr<Value> product = n.create1<MatMulOp>({*a, *weight});
  if (failed(product))
    return failure();
  FailureOr<Value> result = addOptional(n, *product, n.optionalInput(5));
  if (failed(result))
    return failure();
  return n.setResults(*result);
}

void addContribOps(SmallVectorImpl<OpEntry> &table) {
  table.append({
      {kMicrosoft,
       "FastGelu",
       1,
       inputs(1, 2),
       {},
       [](NodeImporter &n) { return importGeluVariant(n, "tanh", 1); },
       ""},
      {kMicrosoft,
       "BiasGelu",
       1,
       inputs(2),
       {},
       [](NodeImporter &n) { return importGeluVariant(n, "none", 1); },
       ""},
      {kMicrosoft,
       "Gelu",
       1,
       inputs(1),
       {},
       [](NodeImporter &n) { return importGeluVariant(n, "none", 1); },
       ""},
      {kMicrosoft,
       "QuickGelu",
       1,
       inputs(1),
       {{"alpha", kFloat}},
       importQuickGelu,
       ""},
      {kMicrosoft,
       "SkipLayerNormalization",
       1,
       inputs(3, 5),
       {{"epsilon", kFloat}},
       [](NodeImporter &n) { return importSkipNorm(n, false); },
       "outputs 0 and 3"},
      {kMicrosoft,
       "SkipSimplifiedLayerNormalization",
       1,
       inputs(3, 4),
       {{"epsilon", kFloat}},
       [](NodeImporter &n) { return importSkipNorm(n, true); },
       "outputs 0 and 3"},
      {kMicrosoft,
       "SimplifiedLayerNormalization",
       1,
       inputs(2),
       {{"axis", kInt}, {"epsilon", kFloat}, {"stash_type", kInt}},
       importRMSNormalization,
       "output Y only"},
      // ONNX Runtime registers this one in the default domain too.
      {"",
       "SimplifiedLayerNormalization",
       1,
       inputs(2),
       {{"axis", kInt}, {"epsilon", kFloat}, {"stash_type", kInt}},
       importRMSNormalization,
       "ONNX Runtime's, output Y only"},
      {kMicrosoft,
       "MatMulNBits",
       1,
       inputs(3, 6),
       {{"K", kInt, true},
        {"N", kInt, true},
        {"bits", kInt},
        {"block_size", kInt, true},
        {"accuracy_level", kInt}},
       importMatMulNBits,
       "4- and 8-bit constant weights, integer zero points, g_idx only row / "
       "block_size"},
  });
}

} // namespace mlir::xf::onnx_import
