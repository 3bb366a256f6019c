"""The parity harness: run twins on shared inputs, compare their traces, report, and the CLI."""
