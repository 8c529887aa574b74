# Pathological: returns nothing (the Invoke answer's body is `null`).


def handler(event, context):
    return None
