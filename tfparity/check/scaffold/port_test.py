"""Your port, proven in your own test suite: the TF1 run is ``desired``; a difference fails with
the first diverging step, field and values. The same from the shell:

    tfparity check --inputs user_port.data:make_inputs --tf1 user_port.old:run --tf2 user_port.new:run \
        --step user_port.new:step_from

``step_from`` adds the local layer: each update of the port also taken from the TF1 run's own
state, where a slip shows at its full size. Bounds for measured causes (oneDNN, grappler, a
reformulation) go in pyproject.toml: see docs/porting.md."""
from user_port import data, new, old

from tfparity.testing import assert_parity


def test_the_port_computes_what_the_tf1_program_did():
    assert_parity(data.make_inputs, old.run, new.run, tf2_step=new.step_from)
