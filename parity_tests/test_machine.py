"""The machine fingerprint every results file carries, and the oneDNN probe behind it."""
import os

import pytest

from tfparity.core import fresh, machine


@pytest.mark.parametrize("setting, expected", [("0", False), ("1", True)])
def test_the_probe_reads_the_forced_setting_off_the_kernels_a_session_ran(setting, expected):
    found = fresh.call("tfparity.core.machine:fingerprint", {}, {"TF_ENABLE_ONEDNN_OPTS": setting})
    assert found["onednn"] is expected and {"tensorflow", "keras", "isa", "onednn", "threads_intra_op"} <= set(found)


def test_the_probe_decides_or_says_it_cannot():
    assert machine.decide({"_Arg", "_MklNativeFusedMatMul", "_Retval"}) is True
    assert machine.decide({"_Arg", "_FusedMatMul", "_Retval"}) is False
    assert machine.decide({"MatMul", "BiasAdd"}) is False
    with pytest.raises(RuntimeError, match="cannot tell whether oneDNN is on"):
        machine.decide({"_Arg", "SomeNewFusedKernel", "_Retval"})


def test_the_probe_reads_the_setting_each_process_runs_under():
    # Forced either way, the kernels TensorFlow runs say so; unset, TensorFlow 2.21's default: on
    # for CPUs with AVX512_VNNI, AVX512_BF16 or AMX, off for the others.
    default = bool(set((machine._cpuinfo("flags") or "").split()) & {"avx512_vnni", "avx512_bf16", "amx_tile"})
    setting = os.environ.get("TF_ENABLE_ONEDNN_OPTS")
    assert machine.onednn_active() is {"0": False, "1": True}.get(setting, default)


def test_records_match_bit_for_bit_only_where_the_bits_can_agree():
    here = machine.fingerprint()
    assert machine.same_bits(dict(here, cpu="another model"), here)
    assert machine.same_bits(dict(here, threads_intra_op=here["threads_cores"]), dict(here, threads_intra_op=0))
    assert not machine.same_bits(dict(here, threads_intra_op=here["threads_cores"] + 1), here)
    assert not machine.same_bits(dict(here, onednn=not here["onednn"]), here)
    assert not machine.same_bits(dict(here, isa="AVX2" if here["isa"] != "AVX2" else "AVX-512"), here)
    assert not machine.same_bits(None, here) and not machine.same_bits({}, here)


def test_isa_class_from_cpu_flags(tmp_path, monkeypatch):
    for flags, expected in (("fpu avx2 avx512f amx_tile", "AMX"), ("avx avx2 avx512f", "AVX-512"),
                            ("sse4_2 avx avx2", "AVX2")):
        (tmp_path / "cpuinfo").write_text(f"model name\t: Test CPU\nflags\t\t: {flags}\n")
        monkeypatch.setattr(machine, "CPUINFO", tmp_path / "cpuinfo")
        assert machine.isa_class() == expected and machine.cpu_model() == "Test CPU"
