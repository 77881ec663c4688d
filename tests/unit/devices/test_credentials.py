from iotsphere.domain.devices.credentials import hash_password, new_password, verify_password


def test_a_password_verifies_against_its_hash_only():
    password = new_password()
    stored = hash_password(password)
    assert password not in stored
    assert verify_password(password, stored)
    assert not verify_password(password + "x", stored)


def test_two_hashes_of_one_password_differ_by_salt():
    assert hash_password("same") != hash_password("same")


def test_passwords_are_random_and_long():
    assert len({new_password() for _ in range(20)}) == 20
    assert len(new_password()) >= 43


def test_a_malformed_stored_hash_never_matches():
    for stored in ["", "plain", "md5$1$2$3$aa$bb", "scrypt$x$8$1$aa$bb", "scrypt$16384$8$1$zz$bb"]:
        assert not verify_password("anything", stored)
