"""tfparity: TF1 programs and their TF2 ports, proven equal step by step.

For a user's own pair: ``tfparity.check.check`` (a report) and ``tfparity.testing.assert_parity``;
for a port's runtime (TF1's optimizer rules, Keras layers and wrappers): ``tfparity.port``.
The packages and what each may import: ``tfparity.house.HOUSE`` (docs/architecture.md)."""
