"""Assembles every kernel module of `xfc --emit=ptx` output with ptxas and
prints, per module, its registers, shared memory and spills (what ptxas -v
reports), then the totals; exits non-zero if ptxas rejects a module.

Usage: ptxas_report.py PTXAS ARCH < kernels.ptx
"""
import re
import subprocess
import sys
import tempfile

ptxas, arch = sys.argv[1], sys.argv[2]
modules = re.split(r"^// kernel module @(\S+)\n", sys.stdin.read(), flags=re.M)
worst_registers = spills = 0
count = 0
for name, ptx in zip(modules[1::2], modules[2::2]):
    with tempfile.NamedTemporaryFile("w", suffix=".ptx") as f:
        f.write(ptx)
        f.flush()
        run = subprocess.run([ptxas, f"-arch={arch}", "-v", f.name, "-o", "/dev/null"],
                             capture_output=True, text=True)
    if run.returncode:
        sys.exit(f"ptxas rejects {name}: {run.stderr}")
    registers = int(re.search(r"Used (\d+) registers", run.stderr).group(1))
    shared = re.search(r"(\d+) bytes smem", run.stderr)
    spill = sum(int(n) for n in re.findall(r"(\d+) bytes spill", run.stderr))
    print(f"{name}: {registers} registers, {shared.group(1) if shared else 0} "
          f"bytes shared, {spill} bytes spilled")
    worst_registers = max(worst_registers, registers)
    spills += spill
    count += 1
print(f"{count} kernels assembled; at most {worst_registers} registers; "
      f"{spills} bytes spilled in all")
