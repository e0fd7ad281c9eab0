//===- Decompose.cpp - composite xf ops as simpler xf ops -----------------===//
//
// Softmax and the normalizations are written as the reductions and
// element-wise ops they are made of; the conversion then lowers those. (The
// fused kernels of the back ends replace these decompositions for speed;
// this is the portable definition.)
//
//===----------------------------------------------------------------------===//

#include "mlir/Transforms/DialectConversion.h"
#include "xfc/Conversion/XFToLinalg/XFToLinalg.h"
#include "xfc/Dialect/XF/IR/ShapeUtils.h"
#include "xfc/Dialect/XF/IR/XFOps.h"

namespace mlir::xf {

namespace {
/// Builds xf ops with inferred types; after the first failure it builds
/// nothing and `failed()` says so.
class XFBuilder {
public:
  XFBuilder(OpBuilder &b, Location loc) : b(b), loc(loc) {}

  template <typename OpTy>
  Value op(ValueRange operands, ArrayRef<NamedAttribute> attrs = {},
           Type elementType = {}) {
    if (hasFailed || llvm::is_contained(operands, Value()))
      return fail();
    FailureOr<Value> v =
        createInferred<OpTy>(b, loc, operands, attrs, elementType);
    return succeeded(v) ? *v : fail();
  }

  /// A scalar constant of `type`.
  Value scalar(Type type, double value) {
    auto tensorType = RankedTensorType::get({}, type);
    auto attr = cast<ElementsAttr>(DenseElementsAttr::get(
        tensorType, isa<FloatType>(type)
                        ? Attribute(b.getFloatAttr(type, value))
                        : b.getIntegerAttr(type, value)));
    return ConstantOp::create(b, loc, tensorType, attr);
  }

  NamedAttribute axes(ArrayRef<int64_t> axes) {
    return b.getNamedAttr("axes", b.getDenseI64ArrayAttr(axes));
  }

  bool failed() const { return hasFailed; }

private:
  Value fail() {
    hasFailed = true;
    return {};
  }
  OpBuilder &b;
  Location loc;
  bool hasFailed = false;
};

static Type elementTypeOf(Value v) {
  return cast<RankedTensorType>(v.getType()).getElementType();
}

/// Softmax and LogSoftmax along one axis, stabilized by the maximum.
template <typename OpTy, bool isLog>
struct DecomposeSoftmax : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  using Adaptor = typename OpConversionPattern<OpTy>::OpAdaptor;

  LogicalResult
  matchAndRewrite(OpTy op, Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    XFBuilder x(rewriter, op.getLoc());
    Value in = adaptor.getInput();
    int64_t axis = *normalizeAxis(op.getAxis(), op.getType().getRank());
    Value max = x.op<ReduceMaxOp>({in}, {x.axes({axis})});
    Value shifted = x.op<SubOp>({in, max});
    Value exp = x.op<ExpOp>({shifted});
    Value sum = x.op<ReduceSumOp>({exp}, {x.axes({axis})});
    Value result = isLog ? x.op<SubOp>({shifted, x.op<LogOp>({sum})})
                         : x.op<DivOp>({exp, sum});
    if (x.failed())
      return rewriter.notifyMatchFailure(op,
                                         "could not build the decomposition");
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// (x - mean) / sqrt(variance + epsilon) * scale + bias over axis..rank-1,
/// or x / sqrt(mean(x^2) + epsilon) * scale when `centered` is false.
static Value normalize(XFBuilder &x, Value in, Value scale, Value bias,
                       int64_t axis, float epsilon, bool centered) {
  int64_t rank = cast<RankedTensorType>(in.getType()).getRank();
  SmallVector<int64_t> axes = llvm::to_vector(llvm::seq<int64_t>(axis, rank));
  Value centeredIn =
      centered ? x.op<SubOp>({in, x.op<ReduceMeanOp>({in}, {x.axes(axes)})})
               : in;
  Value variance = x.op<ReduceMeanOp>({x.op<MulOp>({centeredIn, centeredIn})},
                                      {x.axes(axes)});
  Value inverse = x.op<ReciprocalOp>({x.op<SqrtOp>(
      {x.op<AddOp>({variance, x.scalar(elementTypeOf(in), epsilon)})})});
  Value result = x.op<MulOp>({x.op<MulOp>({centeredIn, inverse}), scale});
  return bias ? x.op<AddOp>({result, bias}) : result;
}

template <typename OpTy, bool centered>
struct DecomposeNorm : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  using Adaptor = typename OpConversionPattern<OpTy>::OpAdaptor;

  LogicalResult
  matchAndRewrite(OpTy op, Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    XFBuilder x(rewriter, op.getLoc());
    Value bias;
    if constexpr (centered)
      bias = adaptor.getBias();
    int64_t axis = *normalizeAxis(op.getAxis(), op.getType().getRank());
    Value result = normalize(x, adaptor.getInput(), adaptor.getScale(), bias,
                             axis, op.getEpsilon().convertToFloat(), centered);
    if (x.failed())
      return rewriter.notifyMatchFailure(op,
                                         "could not build the decomposition");
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// activation(input * weight + bias).
struct DecomposeLinear : OpConversionPattern<LinearOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(LinearOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    XFBuilder x(rewriter, op.getLoc());
    Value weight = adaptor.getWeight();
    if (op.getTransposeWeight())
      weight = x.op<TransposeOp>({weight});
    Value result = x.op<MatMulOp>({adaptor.getInput(), weight});
    if (Value bias = adaptor.getBias())
      result = x.op<AddOp>({result, bias});
    switch (op.getActivation()) {
    case Activation::none:
      break;
    case Activation::relu:
      result = x.op<ReluOp>({result});
      break;
    case Activation::gelu:
    case Activation::gelu_tanh:
      result = x.op<GeluOp>(
          {result},
          {rewriter.getNamedAttr(
              "approximate",
              rewriter.getStringAttr(op.getActivation() == Activation::gelu_tanh
                                         ? "tanh"
                                         : "none"))});
      break;
    case Activation::silu:
      result = x.op<MulOp>({result, x.op<SigmoidOp>({result})});
      break;
    }
    if (x.failed())
      return rewriter.notifyMatchFailure(op,
                                         "could not build the decomposition");
    rewriter.replaceOp(op, result);
    return success();
  }
};
} // namespace

void populateDecompositionPatterns(RewritePatternSet &patterns) {
  patterns.add<DecomposeSoftmax<SoftmaxOp, false>,
               DecomposeSoftmax<LogSoftmaxOp, true>,
               DecomposeNorm<LayerNormalizationOp, true>,
               DecomposeNorm<LayerNormOp, true>,
               DecomposeNorm<RmsNormOp, false>, DecomposeLinear>(
      patterns.getContext());
}

} // namespace mlir::xf
