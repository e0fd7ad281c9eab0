"""Weight-only blockwise quantization of MatMul weights into ONNX Runtime's
com.microsoft MatMulNBits operator, round to nearest.

    model = quantize_to_matmul_nbits(onnx.load("model.onnx"), bits=4, block_size=128)

    /usr/bin/python3 -m xfc.matmul_nbits IN.onnx OUT.onnx --bits 4 --block-size 128 [--symmetric]

Every MatMul whose second input is a constant 2-D float32 initializer
[K, N] becomes MatMulNBits with the layout the contrib op defines: B uint8
[N, ceil(K / block_size), block_size * bits / 8] (each of the N columns of
the weight, blocks of block_size rows, 4-bit values low nibble first),
scales float32 [N, blocks], and when asymmetric zero points uint8
[N, ceil(blocks * bits / 8)] (low nibble first): the 2-D shapes ONNX Runtime's
quantizer writes (the op also takes them flat). Scales, zero points and
values follow ONNX Runtime's default quantizer (MatMulNBitsQuantizer, MLAS's
blockwise quantization), so the bytes are the same as its own:
- asymmetric: the block's range widened to hold 0, scale = (max - min) /
  (2^bits - 1), zero point = round(-min / scale) clamped to [0, 2^bits - 1];
- symmetric: scale = -m / 2^(bits-1) where m is the block's value of
  largest magnitude, and the implicit zero point 2^(bits-1);
- value = clamp(round(w * (1 / scale) + zero point), 0, 2^bits - 1), all in
  float32, round halves away from zero (C's roundf); a zero scale gives
  the zero point.
Rows past K (K not a multiple of block_size) count in no block's range and
are stored as 0; a zero-point nibble past the last block is 8 (ONNX
Runtime's "no zero point" value).
"""

import argparse

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

MS_DOMAIN = "com.microsoft"


def _round_half_away(x):
    """C's roundf for float32 values (exact in float64)."""
    x = x.astype(np.float64)
    return np.where(x >= 0, np.floor(x + 0.5), np.ceil(x - 0.5))


def _check_settings(weight, bits, block_size):
    if bits not in (4, 8):
        raise ValueError(f"MatMulNBits quantization takes 4 or 8 bits, not {bits}")
    if block_size < 16 or block_size & (block_size - 1):
        raise ValueError(f"block_size must be a power of 2 of at least 16, not {block_size}")
    if weight.ndim != 2 or 0 in weight.shape:
        raise ValueError(f"MatMulNBits quantizes non-empty [K, N] weights, not {weight.shape}")


def block_scales(weight, bits=4, block_size=128, symmetric=False):
    """ONNX Runtime's scales and zero points of a float32 [K, N] weight:
    float32 [N, blocks] each (the zero points whole numbers; 2^(bits-1)
    everywhere when symmetric)."""
    _check_settings(weight, bits, block_size)
    k, n = weight.shape
    blocks = -(-k // block_size)
    top = np.float32((1 << bits) - 1)
    mid = 1 << (bits - 1)
    # [N, blocks, block_size]; rows past K repeat row K-1, which leaves
    # the last block's range as it is.
    padded = np.pad(weight.astype(np.float32), ((0, blocks * block_size - k), (0, 0)), "edge")
    columns = np.ascontiguousarray(padded.T).reshape(n, blocks, block_size)
    low, high = columns.min(axis=2), columns.max(axis=2)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        if symmetric:
            extreme = np.where(np.abs(high) > np.abs(low), high, low)
            scales = -extreme / np.float32(mid)
            zero_points = np.full((n, blocks), mid, dtype=np.float32)
        else:
            low, high = np.minimum(low, np.float32(0)), np.maximum(high, np.float32(0))
            scales = (high - low) / top
            zero_points = np.where(scales != 0, np.float32(0) - low / scales, low)
            zero_points = np.clip(_round_half_away(zero_points), 0, top).astype(np.float32)
    return scales.astype(np.float32), zero_points


def round_to_grid(values, scales, zero_points, bits):
    """clamp(round(w * (1 / scale) + zero point), 0, 2^bits - 1) in float32,
    halves away from zero, as uint8; the arguments broadcast together and a
    zero scale gives the zero point."""
    scales = np.asarray(scales, np.float32)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        reciprocal = np.where(scales != 0, np.float32(1) / scales, np.float32(0))
        scaled = np.asarray(values, np.float32) * reciprocal + np.asarray(zero_points, np.float32)
        return np.clip(_round_half_away(scaled), 0, (1 << bits) - 1).astype(np.uint8)


def pack(values, scales, zero_points, bits, block_size, symmetric):
    """MatMulNBits' (B, scales, zero points) from uint8 values [N, K],
    float32 scales and zero points [N, blocks]: B [N, blocks, block_size *
    bits / 8] with rows past K stored as 0, zero points packed (None when
    symmetric)."""
    n, k = values.shape
    blocks = scales.shape[1]
    mid = 1 << (bits - 1)
    padded = np.zeros((n, blocks * block_size), np.uint8)
    padded[:, :k] = values
    padded = padded.reshape(n, blocks, block_size)
    if bits == 4:
        padded = padded[:, :, 0::2] | (padded[:, :, 1::2] << 4)
    zero_points = zero_points.astype(np.uint8)
    if symmetric:
        packed_zero_points = None  # MatMulNBits' default, 2^(bits-1)
    elif bits == 4:
        if blocks % 2:
            zero_points = np.pad(zero_points, ((0, 0), (0, 1)), constant_values=mid)
        packed_zero_points = zero_points[:, 0::2] | (zero_points[:, 1::2] << 4)
    else:
        packed_zero_points = zero_points
    return padded, scales.astype(np.float32), packed_zero_points


def quantize_weight(weight, bits=4, block_size=128, symmetric=False):
    """Quantizes a float32 [K, N] weight; returns MatMulNBits' (B, scales,
    zero points), the zero points None when symmetric."""
    scales, zero_points = block_scales(weight, bits, block_size, symmetric)
    k, _ = weight.shape
    # [N, K] values, each against its block's scale and zero point.
    expand = np.arange(k) // block_size
    values = round_to_grid(weight.astype(np.float32).T, scales[:, expand],
                           zero_points[:, expand], bits)
    return pack(values, scales, zero_points, bits, block_size, symmetric)


def _subgraphs(node):
    for attr in node.attribute:
        if attr.type == onnx.AttributeProto.GRAPH:
            yield attr.g
        yield from attr.graphs


def _float_weight(name, graphs):
    """The float32 2-D initializer `name` and the graph holding it, looked up
    from the innermost graph out; None where it is not one (or is also a
    graph input, which a caller may override)."""
    for graph in reversed(graphs):
        if any(i.name == name for i in graph.input):
            return None
        for tensor in graph.initializer:
            if tensor.name == name:
                if tensor.data_type != TensorProto.FLOAT or len(tensor.dims) != 2:
                    return None
                return tensor, graph
        if any(name in node.output for node in graph.node):
            return None
    return None


def quantizable_weight(node, graphs, exclude):
    """(initializer, graph holding it) of the weight this quantizer takes
    from `node` (a MatMul of a float32 [K, N] initializer, not named in
    `exclude`) in the innermost of `graphs`; None otherwise."""
    if node.op_type != "MatMul" or node.domain not in ("", "ai.onnx") or \
            node.name in exclude:
        return None
    return _float_weight(node.input[1], graphs)


def _quantized_inputs(node, tensor, owner, options, done):
    """MatMulNBits' B, scales and zero-point names for `tensor`, added to
    `owner`'s initializers the first time a MatMul uses it."""
    if tensor.name not in done:
        weight = numpy_helper.to_array(tensor)
        if not np.isfinite(weight).all():
            raise ValueError(f"MatMul {node.name or node.output[0]}: weight {tensor.name} "
                             "holds NaN or infinite values")
        arrays = options["quantize"](tensor.name, weight)
        names = [f"{tensor.name}_Q{options['bits']}", f"{tensor.name}_scales",
                 f"{tensor.name}_zero_points"]
        done[tensor.name] = [name for name, array in zip(names, arrays) if array is not None]
        owner.initializer.extend(numpy_helper.from_array(array, name)
                                 for name, array in zip(names, arrays) if array is not None)
    return done[tensor.name]


def _quantize_graph(graphs, options, done):
    graph = graphs[-1]
    nodes = []
    for node in graph.node:
        for sub in _subgraphs(node):
            _quantize_graph(graphs + [sub], options, done)
        found = quantizable_weight(node, graphs, options["exclude"])
        if found is None:
            nodes.append(node)
            continue
        tensor, owner = found
        inputs = _quantized_inputs(node, tensor, owner, options, done)
        bits = options["bits"]
        attrs = {"K": tensor.dims[0], "N": tensor.dims[1], "bits": bits,
                 "block_size": options["block_size"]}
        if options["accuracy_level"] is not None:
            attrs["accuracy_level"] = options["accuracy_level"]
        nodes.append(helper.make_node("MatMulNBits", [node.input[0]] + inputs,
                                      [node.output[0]],
                                      name=f"{node.name}_Q{bits}" if node.name else "",
                                      domain=MS_DOMAIN, **attrs))
    del graph.node[:]
    graph.node.extend(nodes)


def _used_names(graph):
    names = {o.name for o in graph.output}
    for node in graph.node:
        names.update(node.input)
        for sub in _subgraphs(node):
            names |= _used_names(sub)
    return names


def _drop_unused(graph, names, used):
    kept = [t for t in graph.initializer if t.name not in names or t.name in used]
    del graph.initializer[:]
    graph.initializer.extend(kept)
    for node in graph.node:
        for sub in _subgraphs(node):
            _drop_unused(sub, names, used)


def quantize_to_matmul_nbits(model, bits=4, block_size=128, symmetric=False,
                             accuracy_level=None, exclude=(), quantize=None):
    """Returns a copy of `model` (onnx.ModelProto) with each MatMul of a
    constant float32 [K, N] weight replaced by MatMulNBits; `exclude` names
    MatMul nodes to leave as they are. A weight no other node uses is
    dropped. `quantize(initializer name, [K, N] weight)` returns the
    (B, scales, zero points) of a weight, round to nearest by default
    (xfc.gptq passes its own)."""
    if quantize is None:
        def quantize(_, weight):
            return quantize_weight(weight, bits, block_size, symmetric)
    out = onnx.ModelProto()
    out.CopyFrom(model)
    done = {}
    _quantize_graph([out.graph], {"bits": bits, "block_size": block_size,
                                  "accuracy_level": accuracy_level, "quantize": quantize,
                                  "exclude": set(exclude)}, done)
    _drop_unused(out.graph, set(done), _used_names(out.graph))
    if done and not any(o.domain == MS_DOMAIN for o in out.opset_import):
        out.opset_import.append(helper.make_opsetid(MS_DOMAIN, 1))
    return out


def save_model(model, path):
    """Saves `model`, its weights in a file beside it past protobuf's 2 GB."""
    onnx.save(model, str(path), save_as_external_data=model.ByteSize() >= 2**31)


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m xfc.matmul_nbits",
        description="Quantize MatMul weights to com.microsoft MatMulNBits (round to nearest, "
                    "as ONNX Runtime's MatMulNBitsQuantizer).")
    parser.add_argument("input")
    parser.add_argument("output")
    parser.add_argument("--bits", type=int, choices=[4, 8], default=4)
    parser.add_argument("--block-size", type=int, default=128)
    parser.add_argument("--symmetric", action="store_true")
    parser.add_argument("--accuracy-level", type=int, choices=[0, 1, 2, 3, 4])
    parser.add_argument("--exclude", nargs="*", default=[], help="MatMul node names to keep")
    args = parser.parse_args(argv)
    try:
        model = quantize_to_matmul_nbits(onnx.load(args.input), args.bits, args.block_size,
                                         args.symmetric, args.accuracy_level, args.exclude)
    except ValueError as error:
        parser.exit(1, f"error: {error}\n")
    save_model(model, args.output)


if __name__ == "__main__":
    main()
