"""The tools, one module per subject, as module-level functions; registry.py lists them."""
