"""The regularized rules of tfparity.port.optimizers (see its docstring for the slot layout): FTRL
and the two FOBOS proximal rules, each through the fused kernel TF1 calls (ftrl.py,
proximal_gradient_descent.py, proximal_adagrad.py in tensorflow/python/training/).
"""
from tfparity.port.optimizers_state import Optimizer, filled, hyper, tf, zeros

raw = tf.raw_ops


def Ftrl(learning_rate, learning_rate_power=-0.5, initial_accumulator_value=0.1,
         l1_regularization_strength=0.0, l2_regularization_strength=0.0, use_locking=False,
         accum_name=None, linear_name=None, l2_shrinkage_regularization_strength=0.0, beta=None):
    config = dict(locals())
    beta = 0.0 if beta is None else beta

    def apply(g, var, s, n):
        # TF1 folds beta into l2 in float32 ops before the cast (ftrl.py _prepare).
        l2 = l2_regularization_strength + beta / (2. * tf.maximum(learning_rate, 1e-36))
        common = dict(var=var.handle, accum=s["accum"].handle, linear=s["linear"].handle, grad=g,
                      lr=hyper(learning_rate, g.dtype), l1=hyper(l1_regularization_strength, g.dtype),
                      l2=hyper(l2, g.dtype), lr_power=hyper(learning_rate_power, g.dtype),
                      use_locking=use_locking, multiply_linear_by_lr=False)
        if l2_shrinkage_regularization_strength <= 0.0:
            return raw.ResourceApplyFtrl(**common)
        return raw.ResourceApplyFtrlV2(
            l2_shrinkage=hyper(l2_shrinkage_regularization_strength, g.dtype), **common)
    return Optimizer("Ftrl", config, apply,
                     [("accum", accum_name or "Ftrl", filled(initial_accumulator_value)),
                      ("linear", linear_name or "Ftrl", zeros)])


def ProximalGradientDescent(learning_rate, l1_regularization_strength=0.0,
                            l2_regularization_strength=0.0, use_locking=False):
    config = dict(locals())

    def apply(g, var, s, n):  # TF1 passes these uncast (proximal_gradient_descent.py)
        return raw.ResourceApplyProximalGradientDescent(
            var=var.handle, alpha=tf.convert_to_tensor(learning_rate),
            l1=tf.convert_to_tensor(l1_regularization_strength),
            l2=tf.convert_to_tensor(l2_regularization_strength), delta=g, use_locking=use_locking)
    return Optimizer("ProximalGradientDescent", config, apply)


def ProximalAdagrad(learning_rate, initial_accumulator_value=0.1, l1_regularization_strength=0.0,
                    l2_regularization_strength=0.0, use_locking=False):
    config = dict(locals())
    if initial_accumulator_value <= 0.0:
        raise ValueError(f"initial_accumulator_value must be positive: {initial_accumulator_value}")

    def apply(g, var, s, n):  # uncast, as in proximal_adagrad.py
        return raw.ResourceApplyProximalAdagrad(
            var=var.handle, accum=s["accumulator"].handle, lr=tf.convert_to_tensor(learning_rate),
            l1=tf.convert_to_tensor(l1_regularization_strength),
            l2=tf.convert_to_tensor(l2_regularization_strength), grad=g, use_locking=use_locking)
    return Optimizer("ProximalAdagrad", config, apply,
                     [("accumulator", "ProximalAdagrad", filled(initial_accumulator_value))])
