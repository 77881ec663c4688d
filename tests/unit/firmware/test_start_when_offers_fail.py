"""A rollout is started once it is stored: offers that cannot go out yet are left to the sweep, so
a caller never sees an error for a rollout that exists (and never starts it twice by retrying)."""

from iotsphere.domain.firmware.progress import ProgressState
from iotsphere.domain.firmware.rollout import RolloutState
from iotsphere.services.errors import StoreUnavailableError
from iotsphere.services.firmware.rollouts import advance_rollouts
from tests.unit.firmware.factories import NOW
from tests.unit.firmware.scenario import offered_in_wave, start


class DownThenUp:
    def __init__(self, deliver) -> None:
        self.deliver = deliver
        self.down = True

    def offer_all(self, org_id, device_ids, offer) -> None:
        if self.down:
            raise StoreUnavailableError("SQS down")
        self.deliver(org_id, device_ids, offer)


def test_a_rollout_whose_first_offers_fail_is_started_and_the_sweep_offers_them(ports, monkeypatch):
    outage = DownThenUp(ports.offers.offer_all)
    monkeypatch.setattr(ports.offers, "offer_all", outage.offer_all)
    rollout = start(ports)
    assert (rollout.state, rollout.wave) == (RolloutState.RUNNING, 0)
    assert ports.rollouts.get("acme", "ro-1") == rollout
    assert offered_in_wave(ports, 0) == []

    outage.down = False
    advance_rollouts(ports, NOW)
    offered = offered_in_wave(ports, 0)
    assert len(offered) == 2
    assert {ports.rollouts.device("acme", "ro-1", d).state for d in offered} == {
        ProgressState.OFFERED
    }
    assert sorted(ports.offers.devices()) == sorted(offered)
