import pytest

from iotsphere.domain.firmware.errors import InvalidVersionError
from iotsphere.domain.firmware.versions import SemVer


@pytest.mark.parametrize(
    "ordered",
    [
        [
            "1.0.0-alpha",
            "1.0.0-alpha.1",
            "1.0.0-alpha.beta",
            "1.0.0-beta",
            "1.0.0-beta.2",
            "1.0.0-beta.11",
            "1.0.0-rc.1",
            "1.0.0",
            "1.0.1",
            "1.2.0",
            "1.10.0",
            "2.0.0",
        ],
    ],
)
def test_precedence_follows_semver(ordered):
    parsed = [SemVer.parse(v) for v in ordered]
    assert sorted(reversed(parsed)) == parsed
    assert [str(v) for v in parsed] == ordered


def test_build_metadata_does_not_count():
    assert SemVer.parse("1.2.3+build.7") == SemVer.parse("1.2.3")


@pytest.mark.parametrize("text", ["1.2", "v1.2.3", "01.2.3", "1.2.3-", "1.2.3-01", "", "1.2.3 "])
def test_not_a_semantic_version_is_refused(text):
    with pytest.raises(InvalidVersionError):
        SemVer.parse(text)
