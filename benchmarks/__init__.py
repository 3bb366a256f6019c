"""Benchmarks: every example under every execution mode, timed, with its parity class."""
