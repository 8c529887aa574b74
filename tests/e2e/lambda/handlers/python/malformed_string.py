# Pathological: returns a JSON string instead of the event.


def handler(event, context):
    return 'this is not an event'
