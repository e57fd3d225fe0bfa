"""Formats Cognito checks values against, shared by the operations and the SNS stand-in."""

import re

# E.164: '+', a country code that does not start with 0, at most 15 digits in all.
PHONE_NUMBER = re.compile(r"\+[1-9][0-9]{1,14}")
EMAIL_ADDRESS = re.compile(r"[^@\s]+@[^@\s]+")
