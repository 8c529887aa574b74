# Pathological: the handler raises. Lambda answers 200 with X-Amz-Function-Error: Unhandled and
# {"errorMessage": "...", "errorType": "RuntimeError", "requestId": ..., "stackTrace": [...]};
# Cognito then fails the API call with UserLambdaValidationException ("<Trigger> failed with error boom.").


def handler(event, context):
    raise RuntimeError('boom')
