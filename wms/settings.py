"""Typed settings: defaults < TOML file < `WMS_<SECTION>__<KEY>` environment variables."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

import siteconfig

ENV_PREFIX = siteconfig.ENV_PREFIX
# Sections read by the station program (`wms-station`), not by the server. The server lets them
# pass so one file can configure a small site; the station validates them itself.
STATION_SECTIONS = frozenset({"station", "scanner", "printer", "camera"})
LANGUAGES = ("ru", "en", "kk")


class SettingsError(Exception):
    """The configuration cannot be used; the message says which key and why."""


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ServerSettings(_Section):
    # Development default; create_app() warns when it is used outside tests and demos.
    secret_key: str = "dev-insecure-change-me"  # noqa: S105
    public_url: str = "http://127.0.0.1:8000"
    session_cookie_secure: bool = False


class DatabaseSettings(_Section):
    url: str = "sqlite:///var/wms.sqlite"
    echo: bool = False
    pool_size: int = Field(default=10, ge=1, le=200)
    sqlite_busy_timeout_ms: int = Field(default=15000, ge=0)


class StorageSettings(_Section):
    photo_dir: str = "var/photos"
    max_upload_mb: float = Field(default=10.0, gt=0, le=100)


class I18nSettings(_Section):
    default_language: str = Field(default="ru", pattern="^(ru|en|kk)$")


class WarehouseSettings(_Section):
    code: str = "ALA-1"
    name: str = "Алматы, склад возвратов"
    zones: list[str] = Field(
        default_factory=lambda: [
            "receiving",
            "inspection",
            "repair",
            "repack",
            "stock_main",
            "stock_resale",
            "hold",
            "disposal",
            "return_to_merchant",
        ]
    )
    lpn_block_size: int = Field(default=200, ge=10, le=10000)


class SlaSettings(_Section):
    receiving_hours: float = 4
    inspection_hours: float = 24
    repair_hours: float = 72
    repack_hours: float = 24
    putaway_hours: float = 8
    decision_hours: float = 72


class SecuritySettings(_Section):
    encryption_key: str = ""
    login_rate_limit_per_minute: int = Field(default=10, ge=1)
    # argon2id cost (RFC 9106 "low memory" profile by default).
    argon2_time_cost: int = Field(default=3, ge=1, le=20)
    argon2_memory_kib: int = Field(default=65536, ge=1024)
    argon2_parallelism: int = Field(default=4, ge=1, le=16)


class SyncSettings(_Section):
    batch_size: int = Field(default=500, ge=1, le=10000)
    poll_interval_seconds: float = Field(default=0.5, gt=0)
    max_attempts: int = Field(default=12, ge=1)
    lease_seconds: float = Field(default=60, gt=0)
    webhook_timeout_seconds: float = Field(default=10, gt=0)
    http_timeout_seconds: float = Field(default=30, gt=0)
    retry_base_seconds: float = Field(default=2, gt=0)
    retry_max_seconds: float = Field(default=600, gt=0)
    rate_safety: float = Field(default=0.97, gt=0, le=1)
    account_pause_seconds: float = Field(default=60, gt=0)


class MarketplaceEndpoint(_Section):
    base_url: str = ""
    enabled: bool = True
    time_scale: float = Field(default=1.0, gt=0)


class MarketplacesSettings(_Section):
    kaspi: MarketplaceEndpoint = MarketplaceEndpoint(base_url="http://127.0.0.1:8101")
    wildberries: MarketplaceEndpoint = MarketplaceEndpoint(base_url="http://127.0.0.1:8102")
    ozon: MarketplaceEndpoint = MarketplaceEndpoint(base_url="http://127.0.0.1:8103")


class JobsSettings(_Section):
    """The worker's scheduler (issue 12): how often it looks, leases, retries, job overrides."""

    # Seconds between the scheduler's looks at the jobs table (also how soon "run now" starts).
    tick_seconds: float = Field(default=1.0, gt=0, le=60)
    # A running job's lease; renewed while the job runs, taken over by another worker once it
    # expires (the holder died). Jobs run at least once, complete once per period.
    lease_seconds: float = Field(default=120, gt=0)
    retry_base_seconds: float = Field(default=30, gt=0)
    retry_max_seconds: float = Field(default=1800, gt=0)
    # Jobs run at once per worker process.
    threads: int = Field(default=4, ge=1, le=32)
    # Schedules per job name: "every 10m", "every 2h", a cron expression ("30 2 * * *", in the
    # warehouse's time zone) or "off". Jobs not named keep their default (`wms jobs list`).
    schedule: dict[str, str] = Field(default_factory=dict)
    # Extra modules whose `JOBS` list adds site-specific jobs.
    modules: list[str] = Field(default_factory=list)
    # Kaspi has not fetched an account's price list for this long → alarm and merchant webhook.
    kaspi_feed_stale_hours: float = Field(default=2, gt=0)


class PrintingSettings(_Section):
    """Server printing (issue 15): the worker feeds every printer's queue on its own lane."""

    # Seconds between the worker's looks for printers with waiting jobs.
    poll_seconds: float = Field(default=0.5, gt=0, le=60)
    # A printer's lease: one worker feeds it; another takes over when the holder dies.
    lease_seconds: float = Field(default=20, gt=0)
    # How long to wait for `~HS` and `~HQOD` answers and for a connection.
    status_timeout_seconds: float = Field(default=2, gt=0, le=60)
    # Seconds between status checks while a printer cannot print (paper out, head open …).
    retry_seconds: float = Field(default=3, gt=0, le=600)


class RetentionSettings(_Section):
    """How long the retention job keeps what only matters for a while."""

    # Scan answers (the full reply a station got) older than this keep only result and prompt.
    scan_answer_days: int = Field(default=90, ge=1)
    # Resolved floor exceptions older than this are deleted.
    closed_exception_days: int = Field(default=365, ge=1)
    # Delivered outbox rows and job run records older than this are deleted.
    delivered_outbox_days: int = Field(default=30, ge=1)
    job_run_days: int = Field(default=30, ge=1)
    # Printed (and cancelled) print jobs older than this are deleted.
    printed_job_days: int = Field(default=14, ge=1)


class ClipsSettings(_Section):
    """Video clips of opened parcels (issue 10): where they live, how big, how long they stay."""

    dir: str = "var/clips"
    # A station's upload above this is refused (413); 20 minutes of 720p H.264 is ~150 MB.
    max_upload_mb: float = Field(default=500.0, gt=0, le=10_000)
    # Clips older than this are deleted by `wms clips purge` and the clips_purge job, unless held
    # as evidence of a claim.
    retention_days: int = Field(default=180, ge=1)


class MetricsSettings(_Section):
    """`/metrics` (Prometheus) and logging."""

    # Bearer token Prometheus sends; empty = /metrics answers only direct loopback requests.
    token: str = ""
    # Log lines as JSON objects (one per line) instead of text.
    json_logs: bool = False


class Settings(_Section):
    server: ServerSettings = ServerSettings()
    database: DatabaseSettings = DatabaseSettings()
    storage: StorageSettings = StorageSettings()
    i18n: I18nSettings = I18nSettings()
    warehouse: WarehouseSettings = WarehouseSettings()
    sla: SlaSettings = SlaSettings()
    security: SecuritySettings = SecuritySettings()
    sync: SyncSettings = SyncSettings()
    marketplaces: MarketplacesSettings = MarketplacesSettings()
    jobs: JobsSettings = JobsSettings()
    retention: RetentionSettings = RetentionSettings()
    clips: ClipsSettings = ClipsSettings()
    printing: PrintingSettings = PrintingSettings()
    metrics: MetricsSettings = MetricsSettings()

    def with_overrides(self, **sections: Mapping[str, Any]) -> Settings:
        """Return a copy with some keys replaced, e.g. `database={"url": ...}` (used by tests)."""
        data = self.model_dump()
        for section, values in sections.items():
            siteconfig.merge(data, {section: dict(values)})
        return _validate(data)


def load_settings(
    path: str | os.PathLike[str] | None = None, env: Mapping[str, str] | None = None
) -> Settings:
    """Read settings from a TOML file (or `WMS_CONFIG`) and `WMS_*__*` environment overrides."""
    env = os.environ if env is None else env
    file = siteconfig.config_path(path, env)
    data = siteconfig.read_toml(file, SettingsError) if file else {}
    for section in STATION_SECTIONS:
        data.pop(section, None)
    siteconfig.merge(data, siteconfig.env_overrides(env, _server_section))
    return _validate(data)


def _server_section(name: str) -> bool:
    return name not in STATION_SECTIONS


def _validate(data: Mapping[str, Any]) -> Settings:
    return siteconfig.validate(Settings, data, SettingsError, "configuration")
