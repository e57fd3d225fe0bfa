"""Small Lambda handlers the tests wire to pools by configuration."""


def auto_confirm(event, context):
    event["response"]["autoConfirmUser"] = True
    return event
