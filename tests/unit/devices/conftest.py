import pytest

from iotsphere.services.devices.registry import create_device_type
from tests.unit.devices.builders import ORG, OTHER_ORG, THERMO
from tests.unit.devices.fakes import fake_ports


@pytest.fixture
def ports():
    ports = fake_ports()
    create_device_type(ORG, THERMO, ports)
    create_device_type(OTHER_ORG, THERMO, ports)
    return ports
