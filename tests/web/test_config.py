"""One configuration: every setting listed once in web/config.py, read from the environment
there only, layered defaults -> environment -> test config, bad values refused by name."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from web import STORE, config, create_app
from web.cli import main

ROOT = Path(__file__).resolve().parents[2]
CODE = ("engine", "storage", "web")


def sources(*folders: str) -> list[Path]:
    return sorted(p for folder in folders for p in (ROOT / folder).rglob("*.py"))


def test_load__nothing_set__every_default_instance_path_absolute():
    values = config.load(environ={})
    assert values == {**config.defaults(), "INSTANCE_PATH": os.path.abspath("instance"),
                      "TRUSTED_HOSTS": ["127.0.0.1", "localhost"]}
    assert values["PORTAL_URL"] == "http://127.0.0.1:8000" and values["DATABASE_URL"] is None
    assert values["PAGE_CACHE_SIZE"] == 1000 and values["MAX_CONTENT_LENGTH"] == 256 * 1024


def test_load__environment_then_overrides__each_layer_wins_over_the_one_before():
    environ = {"GUICHET_PAGE_CACHE_SIZE": "5", "GUICHET_SESSION_IDLE_MINUTES": "7.5",
               "GUICHET_PROXY_FIX": "true", "GUICHET_SESSION_COOKIE_SECURE": "yes",
               "DATABASE_URL": "", "GUICHET_INSTANCE": "/srv/guichet"}
    values = config.load({"PAGE_CACHE_SIZE": 0, "TESTING": True}, environ)
    assert values["PAGE_CACHE_SIZE"] == 0 and values["TESTING"] is True  # the test's config
    assert values["SESSION_IDLE_MINUTES"] == 7.5 and values["PROXY_FIX"] == 1
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["DATABASE_URL"] is None  # empty counts as unset
    assert values["INSTANCE_PATH"] == "/srv/guichet"


def test_load__one_attempt_limit_given__the_others_keep_their_defaults():
    from_env = config.load(environ={"GUICHET_ATTEMPT_LIMITS": '{"login": "10/hour"}'})
    assert from_env["ATTEMPT_LIMITS"] == {**config.ATTEMPT_LIMITS, "login": "10/hour"}
    from_test = config.load({"ATTEMPT_LIMITS": {"link": "1/minute"}}, environ={})
    assert from_test["ATTEMPT_LIMITS"] == {**config.ATTEMPT_LIMITS, "link": "1/minute"}
    assert config.ATTEMPT_LIMITS["login"] == "5/15 minutes"  # the default itself untouched


def test_load__unknown_guichet_variable__sets_nothing():
    values = config.load(environ={"GUICHET_TESTING": "true", "GUICHET_SECRET": "x",
                                  "GUICHET_DEBUG": "1"})
    assert "TESTING" not in values and "DEBUG" not in values and "SECRET" not in values


@pytest.mark.parametrize(("variable", "value", "expected"), [
    ("GUICHET_WORKERS", "abc", "GUICHET_WORKERS (processes): expected a whole number"),
    ("GUICHET_WORKERS", "0", "GUICHET_WORKERS (processes): expected a whole number, 1 or"),
    ("GUICHET_THREADS", "-2", "GUICHET_THREADS (threads): expected a whole number, 1 or"),
    ("GUICHET_PAGE_CACHE_SIZE", "-1", "GUICHET_PAGE_CACHE_SIZE (pages): expected a whole number,"),
    ("GUICHET_PAGE_CACHE_SIZE", "lots", "GUICHET_PAGE_CACHE_SIZE (pages): expected a whole"),
    ("GUICHET_SESSION_IDLE_MINUTES", "0", "GUICHET_SESSION_IDLE_MINUTES (minutes): expected"),
    ("GUICHET_SESSION_IDLE_MINUTES", "inf", "expected a finite number above 0"),
    ("GUICHET_SESSION_RESCUE_HOURS", "1e400", "expected a finite number above 0"),
    ("GUICHET_API_ACCESS_SECONDS", "0", "GUICHET_API_ACCESS_SECONDS (seconds): expected a"),
    ("GUICHET_API_REFRESH_SECONDS", "30d", "GUICHET_API_REFRESH_SECONDS (seconds): expected"),
    ("GUICHET_WORKERS", "100000", "GUICHET_WORKERS (processes): expected a whole number from 1"),
    ("GUICHET_PROXY_FIX", "maybe", "GUICHET_PROXY_FIX (proxies): expected the number"),
    ("GUICHET_SESSION_COOKIE_SECURE", "sure", "GUICHET_SESSION_COOKIE_SECURE (yes/no)"),
    ("GUICHET_PREFERRED_URL_SCHEME", "ftp", "GUICHET_PREFERRED_URL_SCHEME (http|https)"),
    ("GUICHET_PORTAL_URL", "portail.example", "GUICHET_PORTAL_URL (URL): expected a URL"),
    ("GUICHET_TRUSTED_HOSTS", "https://portail.example", "GUICHET_TRUSTED_HOSTS (host names)"),
    ("GUICHET_TRUSTED_HOSTS", "portail.example:443", "expected host names separated"),
    ("GUICHET_ATTEMPT_LIMITS", "5/hour", "GUICHET_ATTEMPT_LIMITS (attempts/window): expected"),
    ("GUICHET_ATTEMPT_LIMITS", '{"logins": "5/hour"}', "unknown limit 'logins'"),
    ("GUICHET_ATTEMPT_LIMITS", '{"login": "often"}', "limit 'login': expected a rule"),
])
def test_from_environment__bad_value__config_error_naming_the_variable(variable, value,
                                                                       expected):
    with pytest.raises(config.ConfigError) as caught:
        config.from_environment({variable: value})
    assert str(caught.value).startswith(variable) and expected in str(caught.value)
    assert repr(value) in str(caught.value)  # not a secret: the value is shown


@pytest.mark.parametrize(("environ", "expected"), [
    ({}, ["127.0.0.1", "localhost"]),
    ({"GUICHET_PORTAL_URL": "https://portail.example/"},
     ["127.0.0.1", "localhost", "portail.example"]),
    ({"GUICHET_PORTAL_URL": "https://portail.example/",
      "GUICHET_TRUSTED_HOSTS": "Guichet.example, .guichet.example"},
     ["guichet.example", ".guichet.example", "portail.example"]),
])
def test_load__trusted_hosts__local_by_default_portal_host_always(environ, expected):
    assert config.load(environ=environ)["TRUSTED_HOSTS"] == expected


@pytest.mark.parametrize(("variable", "value"), [
    ("DATABASE_URL", "mysql://root:hunter2@db.example/guichet"),
    ("SMTP_URL", "mail.example:25?password=hunter2"),
])
def test_from_environment__bad_secret__named_value_never_shown(variable, value):
    with pytest.raises(config.ConfigError, match=f"^{variable} ") as caught:
        config.from_environment({variable: value})
    assert "hunter2" not in str(caught.value)


def test_create_app__bad_variable__config_error_before_anything_starts(monkeypatch, tmp_path):
    monkeypatch.setenv("GUICHET_PAGE_CACHE_SIZE", "-1")
    with pytest.raises(config.ConfigError, match="GUICHET_PAGE_CACHE_SIZE"):
        create_app({"INSTANCE_PATH": str(tmp_path)})
    assert not (tmp_path / "guichet.sqlite3").exists()


def test_create_app__environment_read_through_config__test_config_wins(
        monkeypatch, tmp_path, registry):
    monkeypatch.setenv("GUICHET_PAGE_CACHE_SIZE", "3")
    monkeypatch.setenv("GUICHET_SESSION_RESCUE_HOURS", "2")
    monkeypatch.setenv("GUICHET_PORTAL_URL", "https://portail.example/")
    app = create_app({"INSTANCE_PATH": str(tmp_path), "DATABASE_URL": None,
                      "REGISTRY": registry, "SESSION_RESCUE_HOURS": 4})
    assert app.config["PAGE_CACHE_SIZE"] == 3 and app.config["SESSION_RESCUE_HOURS"] == 4
    assert app.extensions[STORE].portal_url == "https://portail.example"
    assert app.config["SECRET_KEY"] == (tmp_path / "secret_key").read_text().strip()


@pytest.mark.parametrize("command", [["serve"], ["mail", "send"], ["db", "init"],
                                     ["documents", "render"], ["settings"]])
def test_guichet_commands__bad_variable__exit_1_naming_it(command, tmp_path):
    result = CliRunner().invoke(main, command, env={"GUICHET_WORKERS": "abc",
                                                    "GUICHET_INSTANCE": str(tmp_path)})
    assert result.exit_code == 1, result.output
    assert "Error: GUICHET_WORKERS (processes): expected a whole number" in result.output
    assert "Traceback" not in result.output


def test_guichet_settings__every_variable_listed__passwords_hidden(tmp_path):
    result = CliRunner().invoke(main, ["settings"], env={
        "DATABASE_URL": "postgresql://guichet:hunter2@db.example:5432/guichet",
        "GUICHET_SECRET_KEY": "hunter3", "GUICHET_INSTANCE": str(tmp_path)})
    assert result.exit_code == 0, result.output
    for setting in config.SETTINGS:
        if setting.env:
            assert f"{setting.env} = " in result.output
    assert "DATABASE_URL = postgresql://guichet:***@db.example:5432/guichet" in result.output
    assert "GUICHET_SECRET_KEY = (set)" in result.output
    assert "hunter2" not in result.output and "hunter3" not in result.output


def test_settings__each_listed_once_with_unit_and_meaning():
    keys = [s.key for s in config.SETTINGS]
    variables = [s.env for s in config.SETTINGS if s.env]
    assert len(keys) == len(set(keys)) and len(variables) == len(set(variables))
    assert all(s.unit and s.meaning.endswith(".") for s in config.SETTINGS)


# os.environ, os.getenv, `from os import environ`: not a WSGI request's environ
ENVIRON = re.compile(r"\bos\.environ\b|\bgetenv\b|\bfrom\s+os\s+import\b[^\n]*\benviron\b")


def test_sources__environment_read_only_in_web_config():
    readers = [str(p.relative_to(ROOT)) for p in sources(*CODE)
               if ENVIRON.search(p.read_text(encoding="utf-8"))]
    assert readers == ["web/config.py"]


CONFIG_READ = re.compile(r"""config(?:\.get\(|\[|\.setdefault\()\s*["']([A-Z_]+)["']""")
# set by Flask itself (its default_config) or by a test's config
FLASK_OWN = {"DEBUG", "TESTING", "SESSION_COOKIE_NAME", "SECRET_KEY_FALLBACKS"}


def test_sources__every_config_key_read__listed_in_web_config():
    read = {key for p in sources("web") for key in CONFIG_READ.findall(p.read_text("utf-8"))}
    assert read, "the pattern finds the reads"
    assert read - FLASK_OWN - set(config.BY_KEY) == set()


def test_docs__every_variable_named__is_a_setting():
    named = set()
    for doc in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        named |= set(re.findall(r"\bGUICHET_[A-Z_]+[A-Z]\b", doc.read_text("utf-8")))
    named -= {"GUICHET_SKIP_APT"}  # scripts/install's, not the portal's
    assert named - {s.env for s in config.SETTINGS} == set()
    assert "web/config.py" in (ROOT / "README.md").read_text("utf-8")


TABLE_ROW = re.compile(r"^\| `(GUICHET_[A-Z_]+|DATABASE_URL|SMTP_URL)` \| ([^|]+) \|", re.M)


def test_docs__defaults_in_settings_tables__the_ones_of_web_config():
    by_env = {s.env: s for s in config.SETTINGS if s.env}
    rows = [row for doc in sorted((ROOT / "docs").glob("*.md"))
            for row in TABLE_ROW.findall(doc.read_text("utf-8"))]
    assert rows, "docs/security.md has a table of settings"
    for variable, shown in rows:
        if not shown.strip().startswith("see "):
            default = by_env[variable].default
            assert shown.strip().strip("`").lower() == str(default).lower(), variable


def test_from_environment__attempt_counts_kept_in_an_unknown_store__refused_by_name():
    with pytest.raises(config.ConfigError, match="^GUICHET_RATELIMIT_STORAGE_URI ") as caught:
        config.from_environment({"GUICHET_RATELIMIT_STORAGE_URI": "bogus"})
    assert "database://" in str(caught.value) and "redis://" in str(caught.value)


def test_guichet_settings__plain_uri__shown_as_given(tmp_path):
    result = CliRunner().invoke(main, ["settings"], env={"GUICHET_INSTANCE": str(tmp_path)})
    assert "GUICHET_RATELIMIT_STORAGE_URI = database://  " in result.output


def test_guichet_serve__workers_out_of_range__refused_before_starting(tmp_path):
    for workers in ("0", "-1", "100000"):
        result = CliRunner().invoke(main, ["serve", "--workers", workers],
                                    env={"GUICHET_INSTANCE": str(tmp_path)})
        assert result.exit_code == 2 and "--workers" in result.output
        assert "Guichet: http" not in result.output


@pytest.mark.parametrize("command", [["serve"], ["preview"]])
def test_guichet_serve_and_preview__port_out_of_range__refused_not_a_traceback(command,
                                                                             tmp_path):
    for port in ("0", "70000", "9" * 23):
        result = CliRunner().invoke(main, [*command, "--port", port],
                                    env={"GUICHET_INSTANCE": str(tmp_path)})
        assert result.exit_code == 2 and "--port" in result.output, result.output
        assert "Traceback" not in result.output


def test_files__defaults__local_folder_no_scan(tmp_path):
    settings = config.file_settings(config.load({"INSTANCE_PATH": str(tmp_path)}, environ={}))
    assert (settings.url, settings.clamd, settings.clamd_timeout) == (None, None, 30.0)
    app = create_app({"INSTANCE_PATH": str(tmp_path), "TESTING": True})
    store = app.extensions[STORE]
    assert store.files.root == str(tmp_path / "files") and store.scanner is None


def test_files__environment__s3_and_clamd_reach_the_store(tmp_path):
    values = config.load({"INSTANCE_PATH": str(tmp_path), "TESTING": True}, environ={
        "GUICHET_FILES_URL": "s3://guichet/televersements",
        "GUICHET_S3_ENDPOINT_URL": "http://127.0.0.1:9000", "GUICHET_S3_REGION": "ca-central-1",
        "AWS_ACCESS_KEY_ID": "cle", "AWS_SECRET_ACCESS_KEY": "hunter4",
        "GUICHET_CLAMD": "/run/clamav/clamd.ctl", "GUICHET_CLAMD_TIMEOUT": "5"})
    settings = config.file_settings(values)
    assert (settings.url, settings.s3_endpoint_url, settings.s3_region,
            settings.s3_access_key_id, settings.s3_secret_access_key, settings.clamd,
            settings.clamd_timeout) == (
        "s3://guichet/televersements", "http://127.0.0.1:9000", "ca-central-1", "cle",
        "hunter4", "/run/clamav/clamd.ctl", 5.0)
    store = create_app(values).extensions[STORE]
    assert (store.files.bucket, store.files.prefix) == ("guichet", "televersements/")
    assert store.files.client.meta.endpoint_url == "http://127.0.0.1:9000"
    assert (store.scanner.address, store.scanner.timeout) == ("/run/clamav/clamd.ctl", 5.0)


@pytest.mark.parametrize(("variable", "value"), [
    ("GUICHET_FILES_URL", "ftp://x/y"), ("GUICHET_CLAMD", "clamd"),
    ("GUICHET_CLAMD", "host:99999"), ("GUICHET_CLAMD_TIMEOUT", "0"),
])
def test_files__bad_values__refused_by_name(variable, value):
    with pytest.raises(config.ConfigError, match=variable):
        config.from_environment({variable: value})


def test_files__secret_key_never_listed(tmp_path):
    result = CliRunner().invoke(main, ["settings"], env={
        "AWS_SECRET_ACCESS_KEY": "hunter5", "GUICHET_INSTANCE": str(tmp_path)})
    assert result.exit_code == 0, result.output
    assert "AWS_SECRET_ACCESS_KEY = (set)" in result.output and "hunter5" not in result.output
