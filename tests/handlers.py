"""Small Lambda handlers the tests wire to pools by configuration."""


def auto_confirm(event, context):
    event["response"]["autoConfirmUser"] = True
    return event


def slow(event, context):
    """Takes its time, so a test can stop the emulator while a request is in flight; with "started", it first
    creates that file, so the test knows the request is in flight."""
    import pathlib
    import time

    if event.get("started"):
        pathlib.Path(event["started"]).touch()
    time.sleep(float(event.get("seconds", 1)))
    return {"slept": event.get("seconds", 1)}


def slow_pre_sign_up(event, context):
    """A PreSignUp trigger that takes ClientMetadata["seconds"]."""
    import time

    time.sleep(float(event["request"]["clientMetadata"]["seconds"]))
    return event
