"""The MQTT bridge: device traffic from the broker into SQS, acknowledged only once SQS has it."""
