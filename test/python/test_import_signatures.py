"""Every operator the importer supports, given too few, empty ('') or too
many inputs: xfc refuses the node with an error that names it, or (for an
omitted optional input) imports it or refuses it cleanly. Never a crash.

The operators and their input counts come from the importer's own table
(`xfc --print-supported-ops`), so a new operator is covered the day it is
added. Each case is a one-node model of float [2, 3] inputs; xfc imports it
with --emit=xf-graph, several at once.
"""

import concurrent.futures
import os
import re
import subprocess

from onnx import TensorProto, helper

MS = "com.microsoft"
CRASH_MARKERS = ("LLVM ERROR", "Stack dump", "PLEASE submit a bug report", "Assertion")


def supported_ops(xfc):
    """(domain, op, since, min inputs, max inputs or None if variadic)."""
    text = subprocess.run([xfc, "--print-supported-ops"], capture_output=True, text=True,
                          check=True).stdout
    rows = []
    for match in re.finditer(r"^\| (\S+) \| (\w+) \| (\d+) \| (\d+)(?:-(\d+)|(\+))? \|", text,
                             re.MULTILINE):
        domain, op, since, low, high, variadic = match.groups()
        low = int(low)
        rows.append((domain, op, int(since), low,
                     None if variadic else int(high) if high else low))
    return rows


def one_node_model(domain, op, since, inputs):
    """`op` over `inputs` (graph inputs x0, x1, ..., or '' where omitted)."""
    opsets = [helper.make_opsetid("", since if domain == "ai.onnx" and since >= 13 else 17)]
    if domain == MS:
        opsets.append(helper.make_opsetid(MS, 1))
    node = helper.make_node(op, inputs, ["y"], name="probe",
                            domain="" if domain == "ai.onnx" else domain)
    graph_inputs = [helper.make_tensor_value_info(name, TensorProto.FLOAT, [2, 3])
                    for name in dict.fromkeys(inputs) if name]
    graph = helper.make_graph([node], "g", graph_inputs,
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)])
    model = helper.make_model(graph, opset_imports=opsets)
    model.ir_version = 8
    return model


def cases(domain, op, since, low, high):
    """(label, inputs, must_fail) for every way to break the op's inputs."""
    names = [f"x{i}" for i in range(max(low, high or low) + 1)]
    for i in range(low):
        yield f"input {i} missing", names[:i], True
        yield f"input {i} empty", names[:i] + [""] + names[i + 1:low], True
    if high is not None:
        yield "one input too many", names[:high + 1], True
        for i in range(low, high):
            yield f"optional input {i} empty", names[:i] + [""] + names[i + 1:high], False
    else:
        yield "one more variadic input", names[:low + 1], False


def import_model(xfc, path):
    result = subprocess.run([xfc, str(path), "--emit=xf-graph", "-o", os.devnull],
                            capture_output=True, text=True)
    return result.returncode, result.stderr


def test_every_op_refuses_broken_inputs_by_name(xfc, tmp_path):
    rows = supported_ops(xfc)
    assert len(rows) > 80, "the op table did not parse"
    jobs = []
    for domain, op, since, low, high in rows:
        for n, (label, inputs, must_fail) in enumerate(cases(domain, op, since, low, high)):
            path = tmp_path / f"{domain}.{op}.{since}.{n}.onnx"
            path.write_bytes(one_node_model(domain, op, since, inputs).SerializeToString())
            jobs.append((f"{domain} {op} (since {since}): {label}", path, must_fail, op))

    # xfc spends its time loading; a few more processes than cores keep
    # both busy.
    with concurrent.futures.ThreadPoolExecutor(max_workers=2 * (os.cpu_count() or 2)) as pool:
        results = list(pool.map(lambda job: import_model(xfc, job[1]), jobs))

    failures = []
    for (label, path, must_fail, op), (code, stderr) in zip(jobs, results):
        named = f"node 'probe' ({op}): error:" in stderr
        if code < 0 or code >= 128 or any(m in stderr for m in CRASH_MARKERS):
            failures.append(f"{label}: crashed (exit {code})\n{stderr[-600:]}")
        elif must_fail and (code == 0 or not named):
            failures.append(f"{label}: exit {code}, expected an error naming the node\n{stderr}")
        elif not must_fail and code != 0 and not named:
            failures.append(f"{label}: exit {code} without naming the node\n{stderr}")
    assert not failures, f"{len(failures)} of {len(jobs)} cases:\n" + "\n".join(failures)
