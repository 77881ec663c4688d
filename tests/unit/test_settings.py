from pydantic import SecretStr

from iotsphere.settings import Settings


def test_settings_survive_the_trip_through_a_child_environment():
    settings = Settings(influx_url="http://influx:1", token_secret=SecretStr("s3cret-value"))
    assert Settings.from_env(settings.to_env()) == settings


def test_the_token_secret_never_shows_in_a_repr_or_a_log_line():
    settings = Settings(token_secret=SecretStr("s3cret-value"))
    assert "s3cret-value" not in repr(settings)
    assert "s3cret-value" not in str(settings.model_dump())


def test_an_unset_secret_leaves_the_environment_alone():
    assert Settings.env_name("token_secret") not in Settings().to_env()


def test_an_unset_key_file_leaves_the_one_of_the_environment_alone():
    assert Settings.env_name("firmware_key_file") not in Settings().to_env()
    assert Settings.env_name("influx_username") not in Settings().to_env()


def test_no_aws_endpoint_survives_the_trip():
    settings = Settings(aws_endpoint_url=None)
    assert Settings.from_env(settings.to_env()).aws_endpoint_url is None
