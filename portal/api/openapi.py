"""Placeholder; replaced below."""
from . import bp
