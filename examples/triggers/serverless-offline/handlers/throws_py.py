def handler(event, context):
    raise RuntimeError('boom')
