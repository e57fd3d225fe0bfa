"""A local Amazon Cognito user-pool emulator for custom (SMS one-time-code) authentication."""

from emulator.app import create_app
from emulator.settings import Settings

__all__ = ["create_app", "Settings"]
