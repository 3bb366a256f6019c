"""A planted pair (the TF2 twin): parity_tests/test_twin_contract.py edits it to break the contract."""
import tensorflow as tf

NAMES = ("w",)


# %% model
def model(x, w):
    return x * w


class Holder(tf.Module):
    pass


# %% step
def train_step(x, w):
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(model(x, w))
    w.assign_sub(0.5 * tape.gradient(loss, w))
    return loss


# %% train
def run(inputs, function=False):
    step = tf.function(train_step) if function else train_step
    return {"w": [step(tf.constant(inputs["x"]), inputs["w"]).numpy()]}


def gradients(inputs):
    return [], []


# %% whole loop (TF2 only)
def run_loop(inputs, jit_compile=False):
    return {"w": []}


if __name__ == "__main__":
    print(run({}))
