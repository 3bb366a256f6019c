"""TF1's ``tf.compat.v1.train`` optimizers in TF2, bit for bit, eager and inside tf.function.

Each rule calls the fused kernel that TF1's ``_resource_apply_dense`` calls (``tf.raw_ops``,
not compat.v1) with TF1's attributes and casts, so the arithmetic is the kernel's own CPU
functor (tensorflow/core/kernels/training_ops.cc) and grappler, which rewrites the same rule
written as assign arithmetic inside a tf.function, has nothing to rewrite. Arguments and
defaults are TF1's, by TF1's names (``name`` aside); those TF1 requires are required here.
Dense gradients only (an IndexedSlices gradient raises TypeError). Hyperparameters may be
Python numbers, tensors, tf.Variables or callables, as in TF1.

    opt = tfparity.port.optimizers.Adam(learning_rate=0.001)
    opt.build(variables)                  # optional: apply_gradients builds on first use
    step = tf.function(lambda grads: opt.apply_gradients(zip(grads, variables)))
    opt.slot(variables[0], "m")           # TF1: get_slot(var, "m"); also opt.slots["m"][0]
    opt.non_slots["beta1_power"]          # TF1: the non-slot variable beta1_power
    opt.tf1_names("w")                    # {"m": "w/Adam", "v": "w/Adam_1"}: checkpoint keys

Slot layout: ``opt.slots[name][i]`` belongs to ``opt.var_list[i]`` (the order of first use);
slot names are TF1's, and TF1's variable name for each is ``var/OpName`` then ``var/OpName_1``...
in the order below (``opt.tf1_names``). ``opt.variables()`` is all of it, non-slots first.

    factory (TF1 class + "Optimizer")  kernel in tf.raw_ops               slots, TF1 name suffix
    GradientDescent          ResourceApplyGradientDescent          -
    Momentum                 ResourceApplyMomentum(use_nesterov)   momentum: Momentum
    Adam                     ResourceApplyAdam                     m: Adam, v: Adam_1
                             non_slots beta1_power, beta2_power (float32, names without var/)
    RMSProp                  ResourceApplyRMSProp                  rms: RMSProp, momentum: RMSProp_1
    RMSProp(centered=True)   ResourceApplyCenteredRMSProp          rms: RMSProp, mg: RMSProp_1,
                                                                   momentum: RMSProp_2
    Adagrad                  ResourceApplyAdagrad (V1, no epsilon) accumulator: Adagrad
    Adadelta                 ResourceApplyAdadelta                 accum: Adadelta,
                                                                   accum_update: Adadelta_1
    Ftrl                     ResourceApplyFtrl; FtrlV2 when        accum: Ftrl, linear: Ftrl_1
                             l2_shrinkage > 0 (multiply_linear_by_lr False in both)
    ProximalGradientDescent  ResourceApplyProximalGradientDescent  -
    ProximalAdagrad          ResourceApplyProximalAdagrad          accumulator: ProximalAdagrad

Initial values: zeros, but RMSProp's rms is ones and every accumulator of Adagrad, Ftrl and
ProximalAdagrad is initial_accumulator_value. Adam's powers start at beta1 and beta2, are read
(cast to the variable's dtype) by every kernel of a step and multiplied by beta after all of
them (adam.py ``_finish``). A Python float hyperparameter becomes a float32 tensor cast to the
variable's dtype, so float64 variables see float32-rounded values, as in TF1 (measured); the
Proximal rules pass it uncast, as TF1 does, so they are float32 only, as in TF1.
Sources: tensorflow/python/training/{gradient_descent,momentum,adam,rmsprop,adagrad,adadelta,
ftrl,proximal_gradient_descent,proximal_adagrad}.py of the installed TF (``_create_slots``,
``_prepare``, ``_resource_apply_dense``, ``_finish``) and training_ops.cc's CPU functors.
"""
from tfparity.port.optimizers_regularized import Ftrl, ProximalAdagrad, ProximalGradientDescent
from tfparity.port.optimizers_state import Optimizer, filled, hyper, tf, zeros

raw = tf.raw_ops
__all__ = ["GradientDescent", "Momentum", "Adam", "RMSProp", "Adagrad", "Adadelta", "Ftrl",
           "ProximalGradientDescent", "ProximalAdagrad", "Optimizer"]


def GradientDescent(learning_rate, use_locking=False):
    config = dict(locals())

    def apply(g, var, s, n):
        return raw.ResourceApplyGradientDescent(var=var.handle, alpha=hyper(learning_rate, g.dtype),
                                                delta=g, use_locking=use_locking)
    return Optimizer("GradientDescent", config, apply)


def Momentum(learning_rate, momentum, use_locking=False, use_nesterov=False):
    config = dict(locals())

    def apply(g, var, s, n):
        return raw.ResourceApplyMomentum(
            var=var.handle, accum=s["momentum"].handle, lr=hyper(learning_rate, g.dtype), grad=g,
            momentum=hyper(momentum, g.dtype), use_locking=use_locking, use_nesterov=use_nesterov)
    return Optimizer("Momentum", config, apply, [("momentum", "Momentum", zeros)])


def Adam(learning_rate=0.001, beta1=0.9, beta2=0.999, epsilon=1e-8, use_locking=False):
    config = dict(locals())

    def apply(g, var, s, n):
        return raw.ResourceApplyAdam(
            var=var.handle, m=s["m"].handle, v=s["v"].handle,
            beta1_power=tf.cast(n["beta1_power"], g.dtype),
            beta2_power=tf.cast(n["beta2_power"], g.dtype), lr=hyper(learning_rate, g.dtype),
            beta1=hyper(beta1, g.dtype), beta2=hyper(beta2, g.dtype),
            epsilon=hyper(epsilon, g.dtype), grad=g, use_locking=use_locking)

    def finish(n):  # the running products, after every kernel has read them
        for name, beta in (("beta1_power", beta1), ("beta2_power", beta2)):
            n[name].assign(n[name] * hyper(beta, tf.float32), use_locking=use_locking)
    return Optimizer("Adam", config, apply, [("m", "Adam", zeros), ("v", "Adam", zeros)],
                     [("beta1_power", beta1), ("beta2_power", beta2)], finish)


def RMSProp(learning_rate, decay=0.9, momentum=0.0, epsilon=1e-10, use_locking=False,
            centered=False):
    config = dict(locals())

    def apply(g, var, s, n):
        common = dict(lr=hyper(learning_rate, g.dtype), rho=hyper(decay, g.dtype),
                      momentum=hyper(momentum, g.dtype), epsilon=hyper(epsilon, g.dtype),
                      grad=g, use_locking=use_locking)
        if centered:
            return raw.ResourceApplyCenteredRMSProp(var=var.handle, mg=s["mg"].handle,
                                                    ms=s["rms"].handle, mom=s["momentum"].handle,
                                                    **common)
        return raw.ResourceApplyRMSProp(var=var.handle, ms=s["rms"].handle,
                                        mom=s["momentum"].handle, **common)
    slots = [("rms", "RMSProp", filled(1.0))] + [("mg", "RMSProp", zeros)] * centered
    return Optimizer("RMSProp", config, apply, slots + [("momentum", "RMSProp", zeros)])


def Adagrad(learning_rate, initial_accumulator_value=0.1, use_locking=False):
    config = dict(locals())
    if initial_accumulator_value <= 0.0:
        raise ValueError(f"initial_accumulator_value must be positive: {initial_accumulator_value}")

    def apply(g, var, s, n):  # TF1 calls the V1 kernel (no epsilon), update_slots at its default
        return raw.ResourceApplyAdagrad(var=var.handle, accum=s["accumulator"].handle,
                                        lr=hyper(learning_rate, g.dtype), grad=g,
                                        use_locking=use_locking, update_slots=True)
    return Optimizer("Adagrad", config, apply,
                     [("accumulator", "Adagrad", filled(initial_accumulator_value))])


def Adadelta(learning_rate=0.001, rho=0.95, epsilon=1e-8, use_locking=False):
    config = dict(locals())

    def apply(g, var, s, n):
        return raw.ResourceApplyAdadelta(
            var=var.handle, accum=s["accum"].handle, accum_update=s["accum_update"].handle,
            lr=hyper(learning_rate, g.dtype), rho=hyper(rho, g.dtype),
            epsilon=hyper(epsilon, g.dtype), grad=g, use_locking=use_locking)
    return Optimizer("Adadelta", config, apply,
                     [("accum", "Adadelta", zeros), ("accum_update", "Adadelta", zeros)])
