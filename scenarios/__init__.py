"""End-to-end stories (sign-up, OTP sign-in, limbo, failure paths) run against a live emulator."""
