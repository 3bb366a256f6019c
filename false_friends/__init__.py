"""False friends: TF1 optimizers and losses against their Keras 3 namesakes, measured step by step."""
