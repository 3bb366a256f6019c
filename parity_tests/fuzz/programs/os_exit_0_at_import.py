"""A module that ends the process at once, without unwinding, while it is imported."""
import os

os._exit(0)
