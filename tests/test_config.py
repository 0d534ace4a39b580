"""Settings come from the environment and fail loudly where a default would be dangerous."""

from __future__ import annotations

import pytest

from placement.config import ConfigError, load_settings


def test_it_refuses_production_without_a_secret_key():
    with pytest.raises(ConfigError, match="SECRET_KEY is not set"):
        load_settings({"PLACEMENT_ENV": "production"})


def test_it_refuses_a_short_production_secret():
    with pytest.raises(ConfigError, match="at least 32"):
        load_settings({"PLACEMENT_ENV": "production", "SECRET_KEY": "short"})


def test_it_reads_every_setting():
    settings = load_settings(
        {
            "PLACEMENT_ENV": "production",
            "SECRET_KEY": "k" * 40,
            "DATABASE_URL": "postgres://u:p@db/placement",
            "MAX_UPLOAD_BYTES": "1000",
            "SMTP_URL": "smtp://mail:25",
            "MAIL_DIR": "/tmp/mail",
            "RESET_TOKEN_TTL_SECONDS": "600",
            "BASE_URL": "https://careers.school.example/",
            "ALLOWED_HOSTS": "careers.school.example, Internal.Example",
            "SCHOOL_TIMEZONE": "America/New_York",
            "ACCREDITOR": "NACE",
        }
    )
    assert settings.production
    assert settings.database_url == "postgresql+psycopg://u:p@db/placement"
    assert settings.max_upload_bytes == 1000
    assert settings.smtp_url == "smtp://mail:25"
    assert str(settings.mail_dir) == "/tmp/mail"
    assert settings.reset_token_ttl_seconds == 600
    assert settings.base_url == "https://careers.school.example"
    assert settings.hosts == {"careers.school.example", "internal.example"}
    assert settings.school_timezone == "America/New_York"
    assert settings.accreditor == "nace"


def test_it_refuses_production_without_a_base_url():
    with pytest.raises(ConfigError, match="BASE_URL is not set"):
        load_settings({"PLACEMENT_ENV": "production", "SECRET_KEY": "k" * 40})


@pytest.mark.parametrize("value", ["careers.example", "ftp://x.example", "https://x.example/?a=1"])
def test_it_refuses_a_base_url_that_is_no_origin(value):
    with pytest.raises(ConfigError, match="BASE_URL must be"):
        load_settings({"BASE_URL": value})


def test_the_default_hosts_are_the_base_url_host_and_loopback():
    settings = load_settings({"BASE_URL": "https://careers.school.example"})
    assert settings.hosts == {"careers.school.example", "localhost", "127.0.0.1"}


def test_it_refuses_an_unknown_time_zone_and_accreditor():
    with pytest.raises(ConfigError, match="SCHOOL_TIMEZONE"):
        load_settings({"SCHOOL_TIMEZONE": "Mars/Olympus"})
    with pytest.raises(ConfigError, match="ACCREDITOR"):
        load_settings({"ACCREDITOR": "acme"})


def test_it_explains_a_malformed_number():
    with pytest.raises(ConfigError, match="MAX_UPLOAD_BYTES must be a whole number"):
        load_settings({"MAX_UPLOAD_BYTES": "lots"})


def test_the_cli_refuses_to_start_in_production_without_a_key(monkeypatch, capsys):
    from placement import cli

    monkeypatch.setenv("PLACEMENT_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["migrate"])
    assert "SECRET_KEY is not set" in str(exit_info.value)
