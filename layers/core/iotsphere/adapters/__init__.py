"""Adapters: the only home of boto3, pymongo, the InfluxDB client and paho."""
