"""A module that ends the process with status 3 while it is imported."""
import sys

sys.exit(3)
