"""IoTSphere's functions: one Blueprint per capability, each handler its own Lambda."""

from chalice import Chalice

from chalicelib.apis import ALL_APIS
from chalicelib.ingest import bp as ingest

app = Chalice(app_name="iotsphere")
app.register_blueprint(ingest)
for api in ALL_APIS:
    app.register_blueprint(api.blueprint)
