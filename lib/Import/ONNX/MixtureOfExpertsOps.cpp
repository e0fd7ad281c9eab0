//===- MixtureOfExpertsOps.cpp - ONNX Runtime's MoE and QMoE as xf.moe ----===//
//
// ONNX Runtime stores each expert's matrices as [outputs, inputs] rows:
// FC1 [E, fusion * F, D], FC2 [E, D, F], FC3 [E, F, D]. With SwiGLU, FC1
// holds the gate and up rows interleaved (swiglu_fusion 1) or one after the
// other (2), or FC1 is the gate and FC3 the up rows (0). xf.moe wants
// [E, in, out] stacks: float stacks are transposed here (constants once, at
// import); QMoE's packed rows already are xf.quantized_weight's layout, so
// they only lose the other half's rows and become rank-3 quantized weights.
//
//===----------------------------------------------------------------------===//

#include "NodeImporter.h"

#include "mlir/IR/DialectResourceBlobManager.h"
#include "xfc/Support/WeightBlobs.h"
#include "llvm/ADT/StringSwitch.h"
#include <cstring>

namespace mlir::xf::onnx_import {

namespace {
/// Which rows of a stack's axis 1 an expert matrix is: start, step, count.
struct Rows {
  int64_t start, step, count;
};

/// The expert function ONNX Runtime's attributes name.
struct ExpertForm {
  Activation activation;
  bool swiglu;
};
} // namespace

static FailureOr<ExpertForm> expertForm(NodeImporter &n) {
  std::string name = n.stringAttr("activation_type", "relu");
  if (name == "swiglu")
    return ExpertForm{Activation::silu, true};
  // ONNX Runtime's MoE Gelu is the tanh approximation.
  std::optional<Activation> activation =
      llvm::StringSwitch<std::optional<Activation>>(name)
          .Case("relu", Activation::relu)
          .Case("gelu", Activation::gelu_tanh)
          .Case("silu", Activation::silu)
          .Case("identity", Activation::none)
          .Default(std::nullopt);
  if (!activation)
    return n.emitError() << n.proto().op_type() << " activation_type '" << name
                         << "' is not one of relu, gelu, silu, swiglu and "
                            "identity";
  return ExpertForm{*activation, false};
}

/// `rows` of axis 1 of `stack` [E, R, C...] (or of its elements seen as
/// `view`), the trailing axes moved first when `transpose` ([E, C, count];
/// rank 3 only): a new constant when the stack is one, else a strided slice
/// (and a transpose) at run time.
static FailureOr<Value> selectRows(NodeImporter &n, Value stack, Rows rows,
                                   bool transpose, StringRef name,
                                   ArrayRef<int64_t> view = {}) {
  auto type = cast<RankedTensorType>(stack.getType());
  if (!view.empty() && type.getShape() != view) {
    type = RankedTensorType::get(view, type.getElementType());
    if (!stack.getDefiningOp<ConstantOp>()) {
      FailureOr<Value> reshaped =
          n.create1<ReshapeOp>({stack, n.constantI64(view)});
      if (failed(reshaped))
        return failure();
      stack = *reshaped;
    }
  }
  SmallVector<int64_t> shape(type.getShape());
  if (transpose)
    std::swap(shape[1], shape[2]);
  shape[transpose ? 2 : 1] = rows.count;
  auto resultType = RankedTensorType::get(shape, type.getElementType());
  auto constant = stack.getDefiningOp<ConstantOp>();
  if (constant && type.hasStaticShape()) {
    if (auto dense = dyn_cast<DenseElementsAttr>(constant.getValue());
        dense && dense.isSplat())
      return n.constant(cast<ElementsAttr>(dense.resizeSplat(resultType)));
    std::string splatBytes;
    if (std::optional<ArrayRef<char>> bytes =
            getConstantBytes(stack, splatBytes)) {
      int64_t experts = shape[0], height = type.getDimSize(1);
      int64_t elementBytes = type.getElementTypeBitWidth() / 8;
      int64_t rowBytes = static_cast<int64_t>(bytes->size()) /
                         (experts * height); // C... elements of one row
      int64_t columns = rowBytes / elementBytes;
      auto blob = allocateBlob(
          resultType.getNumElements() * elementBytes, 64, [&](char *out) {
            for (int64_t e = 0; e < experts; ++e)
              for (int64_t i = 0; i < rows.count; ++i) {
                const char *row =
                    bytes->data() +
                    (e * height + rows.start + i * rows.step) * rowBytes;
                if (!transpose) {
                  std::memcpy(out + (e * rows.count + i) * rowBytes, row,
                              rowBytes);
                  continue;
                }
                for (int64_t c = 0; c < columns; ++c)
                  std::memcpy(out + ((e * columns + c) * rows.count + i) *
                                        elementBytes,
                              row + c * elementBytes, elementBytes);
              }
          });
      return n.constant(cast<ElementsAttr>(
          DenseResourceElementsAttr::get(resultType, name, std::move(blob))));
    }
  }
  FailureOr<Value> slice =
      n.create1<SliceOp>({stack, n.constantI64({rows.start}),
                          n.constantI64({rows.start + rows.step * rows.count})},
                         {n.namedAttr("axes", n.i64ArrayAttr({1})),
                          n.namedAttr("steps", n.i64ArrayAttr({rows.step}))});
  if (failed(slice) || !transpose)
    return slice;
  return n.create1<TransposeOp>(
      {*slice}, {n.namedAttr("perm", n.i64ArrayAttr({0, 2, 1}))});
}

/// QMoE's expert matrices `rows` of input `index` (packed [E, R, bytes]) as
/// a rank-3 xf.quantized_weight [E, k, count]: its scales (input
/// `index + 1`, [E, R] or [E, R, k / block]) and zero points (input
/// `zpIndex`, packed like the values along their last axis; absent: the
/// middle of the range) cut to the same rows.
static FailureOr<Value> quantizedStack(NodeImporter &n, size_t index,
                                       size_t zpIndex, Rows rows, int64_t k,
                                       StringRef name) {
  int64_t bits = n.intAttr("expert_weight_bits", 4);
  int64_t block = n.intAttr("block_size", 0);
  if (bits != 4 && bits != 8)
    return n.emitError() << "QMoE with " << bits
                         << "-bit experts is not supported (4 or 8)";
  if (n.attribute("block_size") && block < 16)
    return n.emitError() << "QMoE block_size must be 16 or more, not " << block;
  FailureOr<Value> packed = n.input(index, "experts_weights");
  FailureOr<Value> scales = n.input(index + 1, "scales");
  if (failed(packed) || failed(scales))
    return failure();
  auto packedType = cast<RankedTensorType>(packed->getType());
  auto scalesType = cast<RankedTensorType>(scales->getType());
  if (!packedType.hasStaticShape() || !scalesType.hasStaticShape() ||
      packedType.getRank() != 3)
    return n.emitError() << "QMoE needs static [experts, rows, bytes] "
                            "weights and static scales";
  int64_t experts = packedType.getDimSize(0), height = packedType.getDimSize(1);
  int64_t groups = block > 0 ? (k + block - 1) / block : 1;
  if (scalesType.getNumElements() != experts * height * groups)
    return n.emitError() << "QMoE scales of input " << index + 1 << " hold "
                         << scalesType.getNumElements() << " values, not "
                         << experts * height * groups;

  Type u8 = IntegerType::get(n.context(), 8, IntegerType::Unsigned);
  auto zpType = RankedTensorType::get({experts, height, groups}, u8);
  // Packed along the last axis: the rows' groups (block-wise), else the
  // expert's rows.
  FailureOr<Value> zeroPoints = unpackedZeroPoints(
      n, n.optionalInput(zpIndex), block > 0 ? experts * height : experts,
      block > 0 ? groups : height, bits, zpType,
      "QMoE zero points (input " + Twine(zpIndex) + ")");
  if (failed(zeroPoints))
    return failure();

  FailureOr<Value> packedRows =
      selectRows(n, *packed, rows, false, (name + "_quantized").str());
  FailureOr<Value> scaleRows =
      selectRows(n, *scales, rows, false, (name + "_scales").str(),
                 {experts, height, groups});
  FailureOr<Value> zpRows =
      selectRows(n, *zeroPoints, rows, false, (name + "_zero_points").str());
  if (failed(packedRows) || failed(scaleRows) || failed(zpRows))
    return failure();
  return n.create1<QuantizedWeightOp>(
      {*packedRows, *scaleRows, *zpRows},
      {n.namedAttr("bits", n.i64Attr(bits)),
       n.namedAttr("group_size", n.i64Attr(block > 0 ? block : k)),
       n.namedAttr("k", n.i64Attr(k))});
}

static LogicalResult importMoE(NodeImporter &n, bool quantized) {
  FailureOr<Value> input = n.input(0, "input"),
                   logits = n.input(1, "router_probs");
  if (failed(input) || failed(logits))
    return failure();
  StringRef op = n.proto().op_type();
  if (n.intAttr("use_sparse_mixer", 0) != 0)
    return n.emitError() << op
                         << " with use_sparse_mixer (Phi-3.5-MoE's routing) "
                            "is not supported";
  FailureOr<ExpertForm> form = expertForm(n);
  if (failed(form))
    return failure();
  // Input indices: MoE's FC1, bias, FC2, bias, FC3, bias; QMoE's with the
  // scales after each weight and the zero points last.
  size_t fc1 = 2, fc1Bias = quantized ? 4 : 3, fc2 = quantized ? 5 : 4,
         fc2Bias = quantized ? 7 : 5, fc3 = quantized ? 8 : 6,
         fc3Bias = quantized ? 10 : 7;
  bool hasFc3 = n.optionalInput(fc3) != nullptr;
  int64_t fusion = form->swiglu ? n.intAttr("swiglu_fusion", 0) : 0;
  if (quantized && n.intAttr("swiglu_interleaved", 0) != 0 && fusion != 1)
    return n.emitError() << "QMoE with swiglu_interleaved needs swiglu_fusion "
                            "1 (interleaved), not "
                         << fusion;
  if (fusion < 0 || fusion > 2)
    return n.emitError() << op << " swiglu_fusion is 0, 1 or 2, not " << fusion;
  if (form->swiglu && fusion == 0 && !hasFc3)
    return n.emitError() << op
                         << " with unfused SwiGLU (swiglu_fusion 0) needs "
                            "FC3 (input "
                         << fc3 << ")";
  if (fusion != 0 && hasFc3)
    return n.emitError() << op << " with fused SwiGLU takes no FC3";

  auto inputType = cast<RankedTensorType>(input->getType());
  int64_t features = inputType.getShape().back();
  if ((inputType.getRank() != 2 && inputType.getRank() != 3) ||
      ShapedType::isDynamic(features))
    return n.emitError() << op
                         << " input must be [tokens, hidden] or [batch, "
                            "sequence, hidden] with a static hidden size";
  FailureOr<Value> fc1Weights = n.input(fc1, "fc1_experts_weights");
  if (failed(fc1Weights))
    return failure();
  auto fc1Type = cast<RankedTensorType>(fc1Weights->getType());
  int64_t fc1Rows =
      fc1Type.getRank() == 3 ? fc1Type.getDimSize(1) : ShapedType::kDynamic;
  int64_t halves = fusion != 0 ? 2 : 1;
  if (ShapedType::isDynamic(fc1Rows) || fc1Rows % halves != 0)
    return n.emitError() << op
                         << " FC1 must be [experts, rows, ...] with a static "
                            "row count"
                         << (halves == 2 ? " of two halves" : "");
  int64_t hidden = fc1Rows / halves;
  // Gate and up rows of FC1 (up: of FC3 when there is one).
  Rows gateRows = {0, fusion == 1 ? 2 : 1, hidden};
  Rows upRows = fusion == 1   ? Rows{1, 2, hidden}
                : fusion == 2 ? Rows{hidden, 1, hidden}
                              : Rows{0, 1, hidden};
  Rows allDown = {0, 1, features};
  bool gated = form->swiglu || hasFc3;

  // [E, in, out] stacks; quantized ones as rank-3 quantized weights.
  auto stack = [&](size_t index, size_t zpIndex, Rows rows, int64_t k,
                   StringRef name) -> FailureOr<Value> {
    if (quantized)
      return quantizedStack(n, index, zpIndex, rows, k, name);
    FailureOr<Value> weights = n.input(index, name);
    if (failed(weights))
      return failure();
    if (cast<RankedTensorType>(weights->getType()).getRank() != 3)
      return n.emitError() << op << " expert weights (input " << index
                           << ") must have rank 3";
    return selectRows(n, *weights, rows, /*transpose=*/true, name);
  };
  // Biases: [E, rows] cut to the same rows.
  auto bias = [&](size_t index, Rows rows, StringRef name) -> FailureOr<Value> {
    Value b = n.optionalInput(index);
    if (!b)
      return Value();
    if (cast<RankedTensorType>(b.getType()).getRank() != 2)
      return n.emitError() << op << " bias (input " << index
                           << ") must be [experts, rows]";
    return selectRows(n, b, rows, false, name);
  };
  size_t fc1Zp = 11, fc2Zp = 12, fc3Zp = 13;
  FailureOr<Value> gate = stack(fc1, fc1Zp, gateRows, features, "moe_gate");
  FailureOr<Value> up = !gated ? FailureOr<Value>(Value())
                        : hasFc3
                            ? stack(fc3, fc3Zp, upRows, features, "moe_up")
                            : stack(fc1, fc1Zp, upRows, features, "moe_up");
  FailureOr<Value> down = stack(fc2, fc2Zp, allDown, hidden, "moe_down");
  FailureOr<Value> gateBias = bias(fc1Bias, gateRows, "moe_gate_bias");
  FailureOr<Value> upBias = !gated   ? FailureOr<Value>(Value())
                            : hasFc3 ? bias(fc3Bias, upRows, "moe_up_bias")
                                     : bias(fc1Bias, upRows, "moe_up_bias");
  FailureOr<Value> downBias = bias(fc2Bias, allDown, "moe_down_bias");
  if (failed(gate) || failed(up) || failed(down) || failed(gateBias) ||
      failed(upBias) || failed(downBias))
    return failure();

  // xf.moe's operands in order; absent optional ones leave empty segments.
  SmallVector<Value> operands;
  SmallVector<int32_t> segments;
  for (Value v :
       {*input, *logits, *gate, *up, *down, *gateBias, *upBias, *downBias}) {
    segments.push_back(v ? 1 : 0);
    if (v)
      operands.push_back(v);
  }
  SmallVector<NamedAttribute> attrs = {
      n.namedAttr(MoeOp::getOperandSegmentSizeAttr(),
                  n.builder().getDenseI32ArrayAttr(segments)),
      n.namedAttr("top_k", n.i64Attr(n.intAttr("k", 1))),
      n.namedAttr("normalize",
                  n.boolAttr(n.intAttr("normalize_routing_weights", 0) != 0)),
      n.namedAttr("activation",
                  ActivationAttr::get(n.context(), form->activation))};
  if (form->swiglu) {
    attrs.push_back(
        n.namedAttr("alpha", n.f32Attr(n.floatAttr("activation_alpha", 1.0f))));
    attrs.push_back(
        n.namedAttr("beta", n.f32Attr(n.floatAttr("activation_beta", 0.0f))));
    if (n.attribute("swiglu_limit"))
      attrs.push_back(
          n.namedAttr("limit", n.f32Attr(n.floatAttr("swiglu_limit", 0.0f))));
  }
  FailureOr<Value> moe = n.create1<MoeOp>(operands, attrs);
  if (failed(moe))
    return failure();
  return n.setResults(*moe);
}

void addMixtureOfExpertsOps(SmallVectorImpl<OpEntry> &table) {
  table.append({
      {"com.microsoft",
       "MoE",
       1,
       inputs(3, 8),
       {{"activation_type", kString},
        {"k", kInt},
        {"normalize_routing_weights", kInt},
        {"use_sparse_mixer", kInt},
        {"swiglu_fusion", kInt},
        {"swiglu_limit", kFloat},
        {"activation_alpha", kFloat},
        {"activation_beta", kFloat}},
       [](NodeImporter &n) { return importMoE(n, /*quantized=*/false); },
       "softmax routing (no sparse mixer); FC3 is the up projection of "
       "gated experts"},
      {"com.microsoft",
       "QMoE",
       1,
       inputs(4, 14),
       {{"activation_type", kString},
        {"k", kInt},
        {"normalize_routing_weights", kInt},
        {"use_sparse_mixer", kInt},
        {"expert_weight_bits", kInt},
        {"block_size", kInt},
        {"swiglu_fusion", kInt},
        {"swiglu_interleaved", kInt},
        {"swiglu_limit", kFloat},
        {"activation_alpha", kFloat},
        {"activation_beta", kFloat}},
       [](NodeImporter &n) { return importMoE(n, /*quantized=*/true); },
       "4- and 8-bit experts, constant zero points; softmax routing (no "
       "sparse mixer)"},
  });
}

} // namespace mlir::xf::onnx_import
