"""The whole dataset as a Frictionless tabular data package, pinned to one version."""
