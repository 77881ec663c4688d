import pytest

from tests.unit.firmware.scenario import fleet_ports


@pytest.fixture
def ports():
    return fleet_ports()
