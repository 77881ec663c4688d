import pytest
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from iotsphere.domain.devices.claim_sealing import SealError, public_key_of, seal, unseal

KEY = X25519PrivateKey.generate()


def test_only_the_key_it_was_sealed_to_opens_it():
    sealed = seal(b"secret package", public_key_of(KEY))
    assert unseal(sealed, KEY) == b"secret package"
    with pytest.raises(SealError):
        unseal(sealed, X25519PrivateKey.generate())


def test_two_seals_of_one_message_differ():
    assert seal(b"x", public_key_of(KEY)) != seal(b"x", public_key_of(KEY))


def test_an_altered_message_is_refused():
    sealed = seal(b"secret package", public_key_of(KEY))
    flipped = sealed[:-2] + ("A" if sealed[-2] != "A" else "B") + sealed[-1]
    with pytest.raises(SealError):
        unseal(flipped, KEY)
    with pytest.raises(SealError):
        unseal(sealed[:50], KEY)


@pytest.mark.parametrize("key", ["A" * 43, "AAAA", "!!!"])
def test_unusable_keys_are_refused(key):
    with pytest.raises(SealError):
        seal(b"x", key)
