"""A planted pair (the TF1 twin): parity_tests/test_twin_contract.py edits it to break the contract."""
import tensorflow.compat.v1 as tf1

NAMES = ("w",)


# %% model
def model(x, w):
    return x * w


# %% step
def train_step(inputs):
    x = tf1.placeholder(tf1.float32, shape=[None], name="x")
    w = tf1.Variable(inputs["w0"], name="w")
    loss = tf1.reduce_mean(model(x, w))
    train_op = tf1.train.GradientDescentOptimizer(0.5).minimize(loss)
    return x, w, loss, train_op


# %% train
def run(inputs):
    return {"w": []}


def gradients(inputs):
    return [], []


if __name__ == "__main__":
    print(run({}))
