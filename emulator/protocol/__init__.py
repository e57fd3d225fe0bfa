"""The wire protocol: AWS JSON 1.1 parsing, model-driven validation, serialization, errors."""
