# Pathological: takes 6 seconds, longer than the 5 seconds Amazon Cognito waits for a trigger
# (SLEEP_SECONDS overrides the duration).
import os
import time


def handler(event, context):
    time.sleep(float(os.environ.get('SLEEP_SECONDS', '6')))
    return event
