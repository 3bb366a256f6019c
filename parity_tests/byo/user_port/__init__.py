"""A user's own port, written for the test: a TF1 program, its TF2 port, and their shared inputs."""
