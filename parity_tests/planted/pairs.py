"""Importable pairs for the bring-your-own tests: a fresh process (oneDNN off) imports them by name."""
from shared_data import mlp

QUICK_MLP = {"epochs": 1, "train_size": 200, "test_size": 16}  # 4 batches: oneDNN differs from step 1


def mlp_inputs(seed):
    return mlp.make_inputs(seed, **QUICK_MLP)
