"""Writes two small models around ONNX Runtime's com.microsoft MoE ops, with
ONNX Runtime's outputs on random inputs, to test/models (.onnx and .npz, as
the zoo stores them), for runs on other targets (scripts/device/cuda-zoo.sh):

  ms_moe_gptoss   MoE with gpt-oss's experts: SwiGLU with its gate and up
                  rows interleaved in FC1, biases, alpha 1.702, beta 1,
                  limit 7; top-2 of 8 experts, renormalized
  ms_qmoe_int4    QMoE: 4-bit experts in blocks of 32 with zero points,
                  interleaved SwiGLU, top-2 of 8

Each takes x [batch, seq, 64]; the router logits are a product of x inside
the graph. Usage: /usr/bin/python3 scripts/make-microsoft-moe-models.py
"""

import pathlib
import sys
import tempfile

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "test" / "python"))
from microsoft_moe_models import moe_model, quantize  # noqa: E402
from ort_reference import run_ort  # noqa: E402

E, D, F, BLOCK = 8, 64, 128, 32


def main():
    rng = np.random.default_rng(0)
    router = np.random.default_rng(1).standard_normal((D, E)).astype(np.float32) / 8
    fc1 = rng.standard_normal((E, 2 * F, D)).astype(np.float32) / 8
    fc2 = rng.standard_normal((E, D, F)).astype(np.float32) / 11
    swiglu = dict(k=2, activation_type="swiglu", swiglu_fusion=1, normalize_routing_weights=1)
    models = {
        "ms_moe_gptoss": moe_model(
            "MoE", ["fc1", "fc1_bias", "fc2", "fc2_bias"],
            {"fc1": fc1, "fc1_bias": rng.standard_normal((E, 2 * F)).astype(np.float32) / 10,
             "fc2": fc2, "fc2_bias": rng.standard_normal((E, D)).astype(np.float32) / 10},
            dict(swiglu, activation_alpha=1.702, activation_beta=1.0, swiglu_limit=7.0),
            D, E, rank=3, router=router),
    }
    q1, s1, z1, _ = quantize(fc1, 4, BLOCK, True)
    q2, s2, z2, _ = quantize(fc2, 4, BLOCK, True)
    models["ms_qmoe_int4"] = moe_model(
        "QMoE", ["q1", "s1", "", "q2", "s2", "", "", "", "", "z1", "z2"],
        {"q1": q1, "s1": s1, "q2": q2, "s2": s2, "z1": z1, "z2": z2},
        dict(swiglu, expert_weight_bits=4, block_size=BLOCK), D, E, rank=3, router=router)
    for name, m in models.items():
        path = ROOT / "test" / "models" / f"{name}.onnx"
        path.write_bytes(m.SerializeToString())
        feeds = {"x": rng.standard_normal((2, 16, D)).astype(np.float32)}
        with tempfile.TemporaryDirectory() as work:
            outs, _ = run_ort(path, feeds, {"y": (np.float32, (2, 16, D))}, work)
        np.savez(path.with_suffix(".npz"), x=feeds["x"], **{"out:y": outs["y"]})
        print("wrote", path, path.stat().st_size, "bytes")


if __name__ == "__main__":
    main()
