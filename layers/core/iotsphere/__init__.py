"""IoTSphere: an IoT platform built as serverless functions."""

__all__ = ["__version__"]

__version__ = "0.1.0"
