"""Every setting of the portal, once: its environment variable, default, unit and meaning.

This is the only module of engine/, storage/ and web/ that reads the process
environment (a test checks it). `create_app(test_config)` and the `guichet`
commands all start from `load()`: the defaults below, then the environment,
then the caller's overrides (a test's config), as Flask's tutorial does. No
other variable is read: an unknown `GUICHET_*` variable does nothing (Flask's
`from_prefixed_env` would have let any of them set any config key).

A value that cannot be used stops start-up with a `ConfigError` that names
the variable and says what is expected (`GUICHET_WORKERS: expected a whole
number ...`), never echoing a secret (secret key, URLs that may hold a
password). An empty variable counts as unset.

`SETTINGS` is data, so the README, `guichet settings` and the tests read the
list from here; the modules that use a setting just read `app.config[KEY]`.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import math
import os
import re
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from limits import parse as parse_limit

from storage import DEFAULT_TIMEOUTS, FileSettings, Timeouts

ATTEMPT_LIMITS = {
    "login": "5/15 minutes",  # failed logins per account (the email typed)
    # failed logins per address: looser, one office or family may share an address
    "login_address": "30/15 minutes",
    # attempts to link an existing dossier, per account (whatever the number)
    "link": "5/15 minutes",
    # the same per account and dossier number: one account cannot keep trying one
    # number day after day (no limit per number alone: docs/security.md, link limits)
    "link_number": "10/day",
    # the same per address: looser, an integration office may share one address
    "link_address": "30/15 minutes",
    "password_reset": "5/hour",  # reset links asked, per email and address
    "password_change": "5/15 minutes",  # current passwords tried when changing it, per account
    "register": "5/hour",  # registrations sent, per email (each sends an email to it)
    # the same per address: looser, an integration office may register several people
    "register_address": "30/hour",
    "agent_login": "5/15 minutes",  # failed agent logins (/agent/connexion) per email typed
    "agent_code": "5/15 minutes",  # wrong second-factor codes per agent
}


class ConfigError(ValueError):
    """A setting's value cannot be used; the message names the environment variable
    (or config key) and what is expected, without the value of a secret."""


# --- parsers: the raw text of a variable -> the value (ValueError saying what is expected)

def _text(raw: str) -> str:
    return raw


def _whole(minimum: int, maximum: int | None = None) -> Callable[[str], int]:
    """A parser of whole numbers from `minimum` (to `maximum`, when given)."""
    def parse(raw: str) -> int:
        try:
            value = int(raw.strip())
        except ValueError:
            raise ValueError("expected a whole number") from None
        if value < minimum:
            raise ValueError(f"expected a whole number, {minimum} or more")
        if maximum is not None and value > maximum:
            raise ValueError(f"expected a whole number from {minimum} to {maximum}")
        return value
    return parse


_count = _whole(0)
_positive_count = _whole(1)


def _positive(raw: str) -> float:
    try:
        value = float(raw.strip())
    except ValueError:
        raise ValueError("expected a number") from None
    if not (value > 0 and math.isfinite(value)):
        raise ValueError("expected a finite number above 0")
    return value


MAX_PROCESSES = 64  # gunicorn workers on one machine: beyond, a typo, not a plan


_processes = _whole(1, MAX_PROCESSES)


# Where attempt counts can be kept: the portal's database (database://, the default),
# or a store of the `limits` library (its storage schemes).
RATELIMIT_SCHEMES = ("database", "memory", "redis", "rediss", "redis+unix", "redis+sentinel",
                     "redis+cluster", "memcached", "mongodb", "mongodb+srv")


_BOOLEANS = {"1": True, "true": True, "yes": True, "on": True,
             "0": False, "false": False, "no": False, "off": False}


def _flag(raw: str) -> bool:
    try:
        return _BOOLEANS[raw.strip().lower()]
    except KeyError:
        raise ValueError("expected yes or no (1/0, true/false)") from None


def _proxies(raw: str) -> int:
    flag = _BOOLEANS.get(raw.strip().lower())
    if flag is not None and not raw.strip().isdigit():
        return int(flag)
    try:
        return _count(raw)
    except ValueError:
        raise ValueError("expected the number of proxies in front (0, 1, 2...)") from None


def _url(*schemes: str) -> Callable[[str], str]:
    def parse(raw: str) -> str:
        if urlsplit(raw.strip()).scheme.lower() not in schemes:
            raise ValueError("expected a URL starting with "
                             + " or ".join(f"{s}://" for s in schemes))
        return raw.strip()
    return parse


def _clamd(raw: str) -> str:
    value = raw.strip()
    host, _, port = value.rpartition(":")
    if value.startswith("/") or (host and port.isdigit() and 0 < int(port) < 65536):
        return value
    raise ValueError("expected the path of clamd's unix socket (/run/clamav/clamd.ctl) "
                     "or host:port (127.0.0.1:3310)")


def _hosts(raw: str) -> list[str]:
    hosts = [h.strip().lower() for h in raw.split(",") if h.strip()]
    for host in hosts:
        if not re.fullmatch(r"\.?[a-z0-9.-]+", host):
            raise ValueError("expected host names separated by commas, such as "
                             "portail.example,.portail.example (a leading dot: any "
                             f"subdomain), without scheme or port, not {host!r}")
    return hosts


LOCAL_HOSTS = ("127.0.0.1", "localhost")  # trusted when TRUSTED_HOSTS is unset


def trusted_hosts(values: Mapping[str, Any]) -> list[str]:
    """The host names requests may name (Flask's TRUSTED_HOSTS): those configured, else
    LOCAL_HOSTS; always the host of PORTAL_URL, the portal's own address."""
    hosts = list(values.get("TRUSTED_HOSTS") or LOCAL_HOSTS)
    portal = urlsplit(values.get("PORTAL_URL") or "").hostname
    if portal and portal not in hosts:
        hosts.append(portal)
    return hosts


def _scheme(raw: str) -> str:
    value = raw.strip().lower()
    if value not in ("http", "https"):
        raise ValueError("expected http or https")
    return value


def _limits(raw: str) -> dict[str, str]:
    try:
        rules = json.loads(raw)
    except ValueError:
        rules = None
    if not isinstance(rules, dict):
        raise ValueError('expected a JSON object such as {"login": "5/15 minutes"}')
    for name, rule in rules.items():
        if name not in ATTEMPT_LIMITS:
            raise ValueError(f"unknown limit {name!r} (known: {', '.join(ATTEMPT_LIMITS)})")
        try:
            parse_limit(rule)
        except (TypeError, ValueError):
            raise ValueError(f"limit {name!r}: expected a rule such as "
                             f"\"5/15 minutes\", not {rule!r}") from None
    return rules


@dataclass(frozen=True)
class Setting:
    """One setting: `key` in `app.config`, read from the environment variable `env`
    (None: fixed here, or given by a test's config only), `default` when unset, its
    `unit`, what it means, and how the variable's text is read (`parse` raises
    ValueError saying what is expected). `secret`: never echoed in errors or listings.
    `merge`: a mapping given for it updates the default mapping instead of replacing it."""

    key: str
    env: str | None
    default: Any
    unit: str
    meaning: str
    parse: Callable[[str], Any] = _text
    secret: bool = False
    merge: bool = False


SETTINGS: tuple[Setting, ...] = (
    # --- where things are
    Setting("INSTANCE_PATH", "GUICHET_INSTANCE", "instance", "folder",
            "The instance folder (relative to the working directory): the SQLite database "
            "when DATABASE_URL is unset, and the secret key made when none is given."),
    Setting("FORMS_DIR", "GUICHET_FORMS_DIR", None, "folder",
            "The folder whose *.yaml files are the dossier types served, checked and "
            "published at start-up and on each reload (SIGHUP), and checked by default; "
            "unset: forms/ installed with the package. "
            "Older versions that dossiers still use are read from the database."),
    Setting("DATABASE_URL", "DATABASE_URL", None, "URL",
            "postgresql://user@host:port/db, or sqlite:////absolute/path.db; unset: the "
            "SQLite file guichet.sqlite3 in the instance folder.",
            _url("postgresql", "postgres", "sqlite"), secret=True),
    Setting("DATABASE_CONNECT_TIMEOUT", "GUICHET_DATABASE_CONNECT_TIMEOUT",
            DEFAULT_TIMEOUTS.connect, "seconds",
            "PostgreSQL: how long opening a connection may take; past it the page answers "
            "503 with Retry-After (a database that hangs frees the server's threads).",
            _positive),
    Setting("DATABASE_STATEMENT_TIMEOUT", "GUICHET_DATABASE_STATEMENT_TIMEOUT",
            DEFAULT_TIMEOUTS.statement, "seconds",
            "PostgreSQL: how long one statement may run (statement_timeout); a server that "
            "cannot answer at all is given up one second later. Past it: 503.", _positive),
    Setting("DATABASE_LOCK_TIMEOUT", "GUICHET_DATABASE_LOCK_TIMEOUT",
            DEFAULT_TIMEOUTS.lock, "seconds",
            "How long a statement waits for a lock held by another transaction "
            "(PostgreSQL lock_timeout, SQLite busy timeout); past it: 503.", _positive),
    Setting("PORTAL_URL", "GUICHET_PORTAL_URL", "http://127.0.0.1:8000", "URL",
            "The portal's public address, written in notification emails and password "
            "reset links (never taken from a request's Host header).", _url("http", "https")),
    Setting("SMTP_URL", "SMTP_URL", None, "URL",
            "Where emails go: smtp://host:port, smtp://user:password@host:587?starttls=1, "
            "smtps://host (implicit TLS), &from=address for the sender; unset: emails are "
            "written to the log (recipient masked, links cut).",
            _url("smtp", "smtps"), secret=True),
    # --- uploaded files
    Setting("FILES_URL", "GUICHET_FILES_URL", None, "URL",
            "Where uploaded files' bytes are kept: s3://bucket/prefix (an S3-compatible "
            "bucket, which must exist), file:///absolute/folder; unset: the folder files/ "
            "of the instance folder. Files are named by random keys, never by their names.",
            _url("s3", "file")),
    Setting("S3_ENDPOINT_URL", "GUICHET_S3_ENDPOINT_URL", None, "URL",
            "With FILES_URL s3://: the S3 service's address (https://minio.example:9000); "
            "unset: AWS S3 itself.", _url("http", "https")),
    Setting("S3_REGION", "GUICHET_S3_REGION", None, "text",
            "With FILES_URL s3://: the bucket's region (us-east-1...); unset: boto3's "
            "default."),
    Setting("S3_ACCESS_KEY_ID", "AWS_ACCESS_KEY_ID", None, "text",
            "With FILES_URL s3://: the access key; unset (with the secret key): boto3's "
            "own credential chain (~/.aws, an instance or pod role).", secret=True),
    Setting("S3_SECRET_ACCESS_KEY", "AWS_SECRET_ACCESS_KEY", None, "text",
            "With FILES_URL s3://: the secret key going with AWS_ACCESS_KEY_ID.", secret=True),
    Setting("CLAMD", "GUICHET_CLAMD", None, "socket",
            "ClamAV's clamd, to scan every upload before it is kept: a unix socket path "
            "(/run/clamav/clamd.ctl) or host:port; unset: no scanning. When set and clamd "
            "does not answer, uploads are refused (fail closed).", _clamd),
    Setting("CLAMD_TIMEOUT", "GUICHET_CLAMD_TIMEOUT", 30, "seconds",
            "How long connecting to clamd, or waiting on it while it scans, may take before "
            "it counts as unavailable (the upload is refused).", _positive),
    Setting("UPLOAD_REQUEST_MAX_MB", "GUICHET_UPLOAD_REQUEST_MAX_MB", 25, "MB",
            "The largest request body a section holding a file question may post (all its "
            "files and answers together; 1 MB = 1,000,000 bytes); every other request keeps "
            "MAX_CONTENT_LENGTH. Larger gets the 413 page before the body is read.",
            _positive_count),
    Setting("UPLOAD_DOSSIER_MAX_MB", "GUICHET_UPLOAD_DOSSIER_MAX_MB", 50, "MB",
            "All the files of one dossier together, at most (1 MB = 1,000,000 bytes); a file "
            "that would pass it is refused. Each question's own limit is its max_size_mb.",
            _positive_count),
    # --- security
    Setting("SECRET_KEY", "GUICHET_SECRET_KEY", None, "text",
            "Signs session cookies and CSRF tokens; unset: a random key made once and kept "
            "in <instance>/secret_key, shared by every process using that folder.",
            secret=True),
    Setting("RECEIPT_KEY", "GUICHET_RECEIPT_KEY", None, "text",
            "Signs the fingerprint printed on every recap PDF (HMAC-SHA256); unset: derived "
            "from the secret key. Changing it leaves fingerprints already issued valid "
            "(they are kept), new ones differ.", secret=True),
    Setting("SESSION_IDLE_MINUTES", "GUICHET_SESSION_IDLE_MINUTES", 30, "minutes",
            "A logged-in session idle this long asks to log in again (what its request "
            "posted to a section is kept aside, never saved).", _positive),
    Setting("SESSION_MAX_HOURS", "GUICHET_SESSION_MAX_HOURS", 12, "hours",
            "A session this old (since its login) asks to log in again, however active "
            "(ASVS 3.3.2; what its request posted is kept aside, as on idle expiry).",
            _positive),
    Setting("AGENT_SESSION_IDLE_MINUTES", "GUICHET_AGENT_SESSION_IDLE_MINUTES", 15, "minutes",
            "An agent's session (/agent/) idle this long asks to log in again.", _positive),
    Setting("AGENT_SESSION_MAX_HOURS", "GUICHET_AGENT_SESSION_MAX_HOURS", 8, "hours",
            "An agent's session this old (since its login) asks to log in again, however "
            "active.", _positive),
    Setting("SESSION_RESCUE_HOURS", "GUICHET_SESSION_RESCUE_HOURS", 12, "hours",
            "How long after the last activity an expired session's POST to a section may "
            "still have its answers kept aside (never saved) for after the next login; "
            "also how long a logged-out session is remembered.", _positive),
    Setting("API_ACCESS_SECONDS", "GUICHET_API_ACCESS_SECONDS", 900, "seconds",
            "How long an access token of the JSON API (/api/v1, POST /tokens) is accepted; "
            "then the app exchanges its refresh token for a new pair. Short: a leaked "
            "access token is soon useless.", _positive_count),
    Setting("API_REFRESH_SECONDS", "GUICHET_API_REFRESH_SECONDS", 30 * 24 * 3600, "seconds",
            "How long a refresh token of the JSON API may be exchanged (once) for a new "
            "pair (default 30 days): an app unused that long asks for the password again.",
            _positive_count),
    Setting("ATTEMPT_LIMITS", "GUICHET_ATTEMPT_LIMITS", ATTEMPT_LIMITS, "attempts/window",
            f"Attempt limits ({', '.join(ATTEMPT_LIMITS)}) as a JSON object; "
            "the names given replace the defaults', the others keep theirs.",
            _limits, merge=True),
    Setting("RATELIMIT_STORAGE_URI", "GUICHET_RATELIMIT_STORAGE_URI", "database://", "URI",
            "Where attempt counts are kept: database:// (the portal's database: one count "
            "for every worker of every server sharing it), redis://host:port (one count "
            "in Redis), or memory:// (each process its own: tests and a single process "
            "only).", _url(*RATELIMIT_SCHEMES), secret=True),
    Setting("PROXY_FIX", "GUICHET_PROXY_FIX", 0, "proxies",
            "How many proxies in front are trusted for X-Forwarded-* (client address, "
            "HTTPS); 0: forwarded headers are ignored.", _proxies),
    Setting("TRUSTED_HOSTS", "GUICHET_TRUSTED_HOSTS", None, "host names",
            "The host names a request's Host header (or X-Forwarded-Host, with PROXY_FIX) "
            "may name, comma-separated (.example.org: any subdomain); any other gets 400, "
            "so no page or redirect is built from a forged host. Unset: 127.0.0.1 and "
            "localhost; the host of GUICHET_PORTAL_URL is always added.", _hosts),
    Setting("SESSION_COOKIE_SECURE", "GUICHET_SESSION_COOKIE_SECURE", False, "yes/no",
            "Send the session cookie over HTTPS only, always (it is already whenever the "
            "request came over HTTPS).", _flag),
    Setting("PREFERRED_URL_SCHEME", "GUICHET_PREFERRED_URL_SCHEME", "http", "http|https",
            "https: the portal is served over HTTPS only (Secure cookie always).", _scheme),
    Setting("MAX_CONTENT_LENGTH", "GUICHET_MAX_CONTENT_LENGTH", 256 * 1024, "bytes",
            "The largest request body accepted (a dossier section is a few KB); larger gets "
            "a friendly 413 page.", _positive_count),
    # --- performance
    Setting("PAGE_CACHE_SIZE", "GUICHET_PAGE_CACHE_SIZE", 1000, "pages",
            "Section pages kept rendered per dossier version in each process (about 8 kB "
            "each); 0 turns the cache off.", _count),
    Setting("API_CACHE_SIZE", "GUICHET_API_CACHE_SIZE", 1000, "sections",
            "JSON API: sections' answers (GET of a section) kept encoded per dossier "
            "version in each process (about 1 kB each); 0 turns the cache off.", _count),
    Setting("WORKERS", "GUICHET_WORKERS", None, "processes",
            "`guichet serve`: gunicorn worker processes; unset: 2 to 4, by the number of "
            "CPUs.", _processes),
    Setting("THREADS", "GUICHET_THREADS", 8, "threads",
            "`guichet serve`: threads per worker process (requests wait on the database).",
            _processes),
    # --- fixed: not read from the environment
    Setting("SESSION_COOKIE_HTTPONLY", None, True, "yes/no",
            "Scripts never read the session cookie."),
    Setting("SESSION_COOKIE_SAMESITE", None, "Lax", "text",
            "The session cookie is not sent with cross-site POSTs."),
    Setting("WTF_CSRF_TIME_LIMIT", None, None, "seconds",
            "None: a CSRF token lives as long as its session."),
    Setting("WTF_CSRF_ENABLED", None, True, "yes/no",
            "Every POST's CSRF token is checked."),
    Setting("WTF_CSRF_METHODS", None, ["POST", "PUT", "PATCH", "DELETE"], "HTTP methods",
            "The methods whose requests must carry the session's CSRF token."),
    Setting("WTF_CSRF_CHECK_DEFAULT", None, False, "yes/no",
            "Off: web/http/csrf.py runs Flask-WTF's check itself, so a form of the same "
            "account refused after a new login is shown again instead of lost."),
    Setting("TEMPLATES_AUTO_RELOAD", None, False, "yes/no",
            "Templates are read once per process."),
    Setting("REGISTRY", None, None, "engine.Registry",
            "Not a variable: dossier types already compiled (`guichet serve` gives those "
            "its master process checked; tests); None: every file of forms/ is compiled "
            "at start-up."),
)

BY_KEY: dict[str, Setting] = {s.key: s for s in SETTINGS}


def defaults() -> dict[str, Any]:
    """Every setting's default, by config key (mappings copied: callers may change them)."""
    return {s.key: dict(s.default) if isinstance(s.default, dict) else s.default
            for s in SETTINGS}


def from_environment(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The settings the environment sets (default: this process's), parsed, by config key;
    unset or empty variables are left out. ConfigError names the first bad variable."""
    environ = os.environ if environ is None else environ
    found: dict[str, Any] = {}
    for setting in SETTINGS:
        raw = environ.get(setting.env) if setting.env else None
        if raw is None or not raw.strip():
            continue
        try:
            found[setting.key] = setting.parse(raw)
        except ValueError as exc:
            got = "" if setting.secret else f" (got {raw!r})"
            raise ConfigError(f"{setting.env} ({setting.unit}): {exc}{got}") from None
    return found


def load(overrides: Mapping[str, Any] | None = None,
         environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The configuration: defaults, then the environment (`environ`, default: this
    process's), then `overrides` (a test's config: Python values, any Flask key), by
    config key. `INSTANCE_PATH` comes back absolute, `TRUSTED_HOSTS` completed
    (`trusted_hosts`). Raises ConfigError."""
    values = defaults()
    for layer in (from_environment(environ), dict(overrides or {})):
        for key, value in layer.items():
            setting = BY_KEY.get(key)
            if setting is not None and setting.merge and isinstance(value, Mapping):
                value = {**values[key], **value}
            values[key] = value
    values["INSTANCE_PATH"] = os.path.abspath(values["INSTANCE_PATH"] or "instance")
    values["TRUSTED_HOSTS"] = trusted_hosts(values)
    return values


def instance_secret_key(instance_path: str) -> str:
    """The key kept in `<instance_path>/secret_key` (hex text), made once (atomically:
    the first process wins) when missing, so every server process and every restart
    signs sessions with the same key when GUICHET_SECRET_KEY is unset."""
    os.makedirs(instance_path, exist_ok=True)
    path = os.path.join(instance_path, "secret_key")
    if not os.path.exists(path):
        tmp = f"{path}.{os.getpid()}"
        with open(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as f:
            f.write(secrets.token_hex(32))
        try:
            os.link(tmp, path)  # atomic: the first process wins, the others read its key
        except FileExistsError:
            pass
        finally:
            os.unlink(tmp)
    with open(path) as f:
        return f.read().strip()


def receipt_key(values: Mapping[str, Any]) -> bytes:
    """The key signing submissions' fingerprints (storage/receipts.py): RECEIPT_KEY's
    UTF-8 bytes when set, else 32 bytes derived from the secret key (HMAC-SHA256 of a
    fixed label under SECRET_KEY, or the instance folder's key when that is unset), so
    every process sharing the secret key fingerprints alike, and the session key itself
    never signs a receipt."""
    if values.get("RECEIPT_KEY"):
        return str(values["RECEIPT_KEY"]).encode("utf-8")
    secret = values.get("SECRET_KEY") or instance_secret_key(values["INSTANCE_PATH"])
    return hmac.new(str(secret).encode("utf-8"), b"guichet receipt fingerprint",
                    hashlib.sha256).digest()


def forms_paths(values: Mapping[str, Any]) -> list[str] | None:
    """Where the dossier types are read from, as `engine.load_registry` takes it: the
    loaded setting FORMS_DIR in a list, or None for forms/ installed with the package."""
    return [values["FORMS_DIR"]] if values.get("FORMS_DIR") else None


def database_timeouts(values: Mapping[str, Any]) -> Timeouts:
    """The store's waits on the database (storage.Timeouts, seconds) from the loaded
    settings DATABASE_CONNECT_TIMEOUT, DATABASE_STATEMENT_TIMEOUT, DATABASE_LOCK_TIMEOUT.
    Raises ConfigError for a value that is not seconds above 0 (a test's config)."""
    try:
        return Timeouts(connect=float(values["DATABASE_CONNECT_TIMEOUT"]),
                        statement=float(values["DATABASE_STATEMENT_TIMEOUT"]),
                        lock=float(values["DATABASE_LOCK_TIMEOUT"]))
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"database timeouts: {exc}") from None


def file_settings(values: Mapping[str, Any]) -> FileSettings:
    """Where the store keeps uploaded files and who scans them (storage.FileSettings) from
    the loaded settings FILES_URL, S3_*, CLAMD and CLAMD_TIMEOUT. Raises ConfigError for
    a CLAMD_TIMEOUT that is not seconds above 0 (a test's config)."""
    try:
        timeout = float(values["CLAMD_TIMEOUT"])
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"CLAMD_TIMEOUT: {exc}") from None
    return FileSettings(url=values["FILES_URL"], s3_endpoint_url=values["S3_ENDPOINT_URL"],
                        s3_region=values["S3_REGION"],
                        s3_access_key_id=values["S3_ACCESS_KEY_ID"],
                        s3_secret_access_key=values["S3_SECRET_ACCESS_KEY"],
                        clamd=values["CLAMD"], clamd_timeout=timeout)


def shown(setting: Setting, value: Any) -> str:
    """`value` as a listing shows it. Secrets: a URL with its password as ***, anything
    else only "(set)"; "(unset)" for None."""
    if value is None:
        return "(unset)"
    if setting.secret:
        parts = urlsplit(value) if isinstance(value, str) and "://" in value else None
        if parts is None:
            return "(set)"
        if parts.password is None:
            return value
        return value.replace(f":{parts.password}@", ":***@", 1)
    return json.dumps(value) if isinstance(value, dict) else repr(value)
