"""IoTSphere's functions: one Blueprint per capability, each handler its own Lambda."""

from chalice import Chalice

from chalicelib.ingest import bp as ingest
from chalicelib.telemetry_api import bp as telemetry_api

app = Chalice(app_name="iotsphere")
app.register_blueprint(ingest)
app.register_blueprint(telemetry_api)
