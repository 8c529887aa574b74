# Pathological: returns the event without its `response` member.


def handler(event, context):
    event.pop('response', None)
    return event
