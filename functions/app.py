"""IoTSphere's functions: one Blueprint per capability, each handler its own Lambda."""

from chalice import Chalice

from chalicelib.alarm_outbox import bp as alarm_outbox
from chalicelib.alerts import bp as alerts
from chalicelib.apis import ALL_APIS
from chalicelib.device_events import bp as device_events
from chalicelib.firmware_signing import bp as firmware_signing
from chalicelib.ingest import bp as ingest
from chalicelib.notify import bp as notify
from chalicelib.rollouts import bp as rollouts

app = Chalice(app_name="iotsphere")
app.register_blueprint(ingest)
app.register_blueprint(alerts)
app.register_blueprint(alarm_outbox)
app.register_blueprint(firmware_signing)
app.register_blueprint(rollouts)
app.register_blueprint(device_events)
app.register_blueprint(notify)
for api in ALL_APIS:
    app.register_blueprint(api.blueprint)
