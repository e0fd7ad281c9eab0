"""Where a library's weights file lives: in NAME.weights beside NAME.so
(--weights=external) or in a section of the library (the default). Session
creation maps it and checks it against the library; a missing or damaged
file is an error naming it."""

import gc
import re
import shutil
import struct

import numpy as np
import pytest

import xfc
from conftest import ROOT

ZOO = ROOT.parent / "shared" / "models" / "zoo"
# xfc/Runtime/weights_file.h: magic, version, count, id, checksum; then
# (offset, size) each.
HEADER = struct.Struct("<8sIIQQ")
ENTRY = struct.Struct("<QQ")


@pytest.fixture(scope="module")
def libraries(tmp_path_factory, build_dir):
    root = tmp_path_factory.mktemp("weights")
    (root / "embedded").mkdir()
    (root / "external").mkdir()
    model = ZOO / "gpt2_ts.onnx"
    return (xfc.compile(model, root / "embedded" / "gpt2.so"),
            xfc.compile(model, root / "external" / "gpt2.so", weights="external"))


@pytest.fixture(scope="module")
def feeds():
    data = np.load(ZOO / "gpt2_ts.npz")
    return {name: data[name] for name in ("input_ids", "attention_mask")}


def copy_library(library, folder):
    """A copy in its own folder: another path, so a library dlopen has not
    seen, with its own mapping."""
    shutil.copy(library, folder / library.name)
    shutil.copy(library.with_suffix(".weights"), folder / "gpt2.weights")
    return folder / library.name


def test_external_weights_give_the_embedded_outputs(libraries, feeds):
    embedded, external = libraries
    weights = external.with_suffix(".weights")
    assert weights.exists() and not embedded.with_suffix(".weights").exists()
    # The external library keeps only code and small constants.
    assert external.stat().st_size < embedded.stat().st_size - 0.9 * weights.stat().st_size
    want = xfc.load(embedded).run(feeds)["logits"]
    got = xfc.load(external).run(feeds)["logits"]
    assert np.abs(got - want).max() <= 1e-6 * max(1.0, np.abs(want).max())
    reference = np.load(ZOO / "gpt2_ts.npz")["out:logits"]
    assert np.abs(got - reference).max() <= 1e-4 * max(1.0, np.abs(reference).max())


def test_weights_file_format(libraries):
    data = libraries[1].with_suffix(".weights").read_bytes()
    magic, version, count, _, _ = HEADER.unpack_from(data)
    assert (magic, version) == (b"XFCWGTS\0", 2) and count > 0
    end = HEADER.size + count * ENTRY.size
    for i in range(count):
        offset, size = ENTRY.unpack_from(data, HEADER.size + i * ENTRY.size)
        assert offset % 64 == 0 and offset >= end
        end = offset + size
    assert end == len(data)


def truncate(path):
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def overwrite(offset, value):
    def damage(path):
        with open(path, "r+b") as f:
            f.seek(offset)
            f.write(value)
    return damage


def resize_first_weight(path):
    offset, size = ENTRY.unpack_from(path.read_bytes(), HEADER.size)
    overwrite(HEADER.size, ENTRY.pack(offset, size + 4))(path)


def change_id(path):
    _, _, _, weights_id, _ = HEADER.unpack_from(path.read_bytes())
    overwrite(16, struct.pack("<Q", weights_id ^ 1))(path)


def flip_a_weight_byte(path):
    """One bit of one byte inside the last weight, as a bad disk might."""
    data = path.read_bytes()
    count = HEADER.unpack_from(data)[2]
    offset, size = ENTRY.unpack_from(data, HEADER.size + (count - 1) * ENTRY.size)
    at = offset + size // 2
    overwrite(at, bytes([data[at] ^ 0x10]))(path)


@pytest.mark.parametrize("damage, message", [
    (lambda path: path.unlink(), "cannot open the weights file '{}': No such file"),
    (truncate, r"the weights file '{}' is truncated: weight \d+ ends at byte \d+"),
    (lambda path: path.write_bytes(b"short"), "the weights file '{}' is truncated"),
    (overwrite(0, b"GARBAGE!"), "the weights file '{}' holds no xfc weights"),
    (resize_first_weight, r"the weights file '{}' gives weight 0 \d+ bytes; this library expects"),
    (change_id, "the weights file '{}' belongs to another compilation of the model"),
    (flip_a_weight_byte, "the weights file '{}' is damaged: its contents do not match their "
                         "checksum"),
], ids=["missing", "truncated", "shorter-than-header", "bad-magic", "wrong-size", "other-build",
        "flipped-byte"])
def test_damaged_weights_file_is_an_error(libraries, tmp_path, damage, message):
    library = copy_library(libraries[1], tmp_path)
    weights = library.with_suffix(".weights")
    damage(weights)
    with pytest.raises(xfc.XfcError, match=message.format(re.escape(str(weights)))):
        xfc.load(library)


def test_damaged_weights_section_is_an_error(libraries, tmp_path):
    library = tmp_path / "gpt2.so"
    shutil.copy(libraries[0], library)
    # The section is the library's last part that holds the magic number
    # (the runtime's code has it too, earlier).
    start = library.read_bytes().rindex(b"XFCWGTS\0")
    data = library.read_bytes()[start:]
    count = HEADER.unpack_from(data)[2]
    offset, size = ENTRY.unpack_from(data, HEADER.size + (count - 1) * ENTRY.size)
    at = offset + size // 2
    overwrite(start + at, bytes([data[at] ^ 0x10]))(library)
    with pytest.raises(xfc.XfcError, match=re.escape(
            f"the weights section of '{library}' is damaged: its contents do not match "
            "their checksum (compile the library again)")):
        xfc.load(library)


def test_mapping_lives_as_long_as_sessions(libraries, feeds, tmp_path):
    library = copy_library(libraries[1], tmp_path)
    model, second = xfc.load(library), xfc.load(library)
    want = model.run(feeds)["logits"]
    library.with_suffix(".weights").unlink()
    # Open sessions keep the mapping, and the mapping keeps the file.
    assert np.array_equal(second.run(feeds)["logits"], want)
    del model, second
    gc.collect()
    # The last session unmapped it: a new one looks for the file again.
    with pytest.raises(xfc.XfcError, match="cannot open the weights file"):
        xfc.load(library)
