"""All runtime configuration, read once from ``NEWSWIRE_*`` environment variables.

Every service, admin command and test asks :func:`get_settings` instead of reading the
environment itself, so each knob has exactly one name, one type and one default.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parents[2]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="NEWSWIRE_", env_file=None, extra="ignore")

    # --- Kafka -------------------------------------------------------------------------
    kafka_bootstrap_servers: str = "127.0.0.1:9092"
    kafka_security_protocol: Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"] = "PLAINTEXT"
    kafka_sasl_mechanism: Literal["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"] | None = None
    kafka_sasl_username: str | None = None
    kafka_sasl_password: SecretStr | None = None
    kafka_ssl_cafile: Path | None = None
    #: Prepended to every topic name, so several deployments can share one cluster.
    topic_prefix: str = ""
    #: Partitions for the topics that carry work; replicas of a service scale up to this.
    partitions: int = Field(default=6, ge=1)
    replication_factor: int = Field(default=1, ge=1)
    #: How long the group waits for a silent member before giving its partitions to others:
    #: the pause a crashed replica causes. Heartbeats run on the event loop, which the
    #: services keep free of CPU-bound work, so this can be short.
    kafka_session_timeout_s: float = Field(default=15.0, ge=6.0)

    # --- Search engine -----------------------------------------------------------------
    search_backend: Literal["opensearch", "elasticsearch"] = "opensearch"
    #: One URL, or several comma-separated (the nodes of a cluster): the client spreads
    #: requests over them and moves on from a node that does not answer.
    search_url: str = "http://127.0.0.1:9200"
    search_api_key: SecretStr | None = None
    search_username: str | None = None
    search_password: SecretStr | None = None
    search_verify_certs: bool = True
    search_ca_certs: Path | None = None
    #: The alias other teams query; the concrete indices behind it are ``<alias>-NNNNNN``.
    index_alias: str = "newswire-articles"
    index_shards: int = Field(default=1, ge=1)
    index_replicas: int = Field(default=0, ge=0)

    # --- Fetcher -----------------------------------------------------------------------
    seeds_file: Path = REPO_ROOT / "seeds" / "sites.yaml"
    user_agent: str = "newswire/0.1 (+https://github.com/newswire/newswire)"
    fetch_timeout_s: float = 20.0
    max_body_bytes: int = 10 * 1024 * 1024
    max_decompressed_bytes: int = 40 * 1024 * 1024
    max_redirects: int = 5
    host_delay_s: float = 1.0
    host_concurrency: int = 1
    max_crawl_delay_s: float = 30.0
    max_connections: int = 200
    max_retries: int = 3
    obey_robots: bool = True
    robots_ttl_s: float = 24 * 3600
    #: Hosts or CIDR ranges that may resolve to private/loopback addresses (tests: 127.0.0.1).
    allow_private_networks: list[str] = Field(default_factory=list)
    refetch_articles: bool = False
    #: Retries after a timeout (within max_retries): each try holds the host for the timeout.
    timeout_retries: int = Field(default=1, ge=0)
    #: Fetch time one URL may take across all its attempts (waits for the host excluded).
    url_fetch_budget_s: float = Field(default=60.0, gt=0)
    #: A host timing out 3 times in a row pauses this long, doubled per further timeout.
    host_timeout_backoff_s: float = Field(default=60.0, ge=0)
    #: A URL that ended in a dead letter is not fetched again for this long (unless forced).
    dead_letter_cooldown_s: float = Field(default=24 * 3600, ge=0)
    #: Outlinked URLs never fetched before that one site may fetch per hour (0: no limit);
    #: the rest wait for a later link (spider traps, fetcher/new_url_budget.py).
    new_urls_per_site_per_hour: int = Field(default=1000, ge=0)
    #: Adaptive re-visits of start pages, feeds and sitemaps (fetcher/revisit_policy.py): the
    #: defaults of the site list's ``adaptive_revisit``, ``revisit_min``, ``revisit_max`` and
    #: ``list_budget`` (list fetches per site and hour).
    adaptive_revisits: bool = True
    revisit_min_s: float = Field(default=60.0, gt=0)
    revisit_max_s: float = Field(default=24 * 3600.0, gt=0)
    list_budget_per_hour: float = Field(default=120.0, gt=0)

    # --- Parser ------------------------------------------------------------------------
    extract_workers: int = Field(default=1, ge=0)
    default_timezone: str = "Asia/Shanghai"
    follow_offsite_links: bool = False
    #: Links more than this many hops from a seed are not followed (pagination traps).
    crawl_max_depth: int = Field(default=6, ge=0)
    #: Seconds one page may take in the extractor before it is dead-lettered.
    extract_timeout_s: float = 30.0
    #: Fill rates (``newswire status --sites``) are computed over this many newest articles
    #: per site, read from ``articles.fill`` going back at most ``fill_history_s``.
    fill_window: int = Field(default=200, ge=1)
    fill_history_s: float = Field(default=2 * 24 * 3600, gt=0)

    # --- Indexer -----------------------------------------------------------------------
    bulk_max_docs: int = Field(default=500, ge=1)
    bulk_max_bytes: int = Field(default=5 * 1024 * 1024, ge=1024)
    bulk_max_wait_s: float = Field(default=1.0, gt=0)
    #: Batches in flight at once per indexer process: one is built while another is written.
    bulk_concurrency: int = Field(default=2, ge=1)
    bulk_max_retry_s: float = 60.0

    # --- Archive (WARC files of pages.raw) -----------------------------------------------
    archive_dir: Path = REPO_ROOT / ".data" / "archive"
    #: A file is closed and the next one started at this size or this age, whichever first.
    archive_max_file_bytes: int = Field(default=1_000_000_000, ge=1)
    archive_max_file_age_s: float = Field(default=3600.0, gt=0)
    #: Deflate level of each record: 1-3 are ISA-L's (1 keeps up with a fast crawl on one
    #: core, bench/archive_throughput.py), 4-9 zlib's (6: files ~15% smaller, ~10x the CPU).
    archive_gzip_level: int = Field(default=1, ge=1, le=9)

    # --- Stories -------------------------------------------------------------------------
    #: The story stage runs: the indexer writes ``articles.storied`` (articles with their
    #: story) instead of ``articles``. Off, the indexer reads ``articles`` as before.
    stories: bool = False

    # --- Operations ------------------------------------------------------------------------
    log_level: str = "INFO"
    log_json: bool | None = None
    #: Seconds between the summary lines of an ongoing Kafka or search-engine outage.
    log_summary_s: float = Field(default=60.0, gt=0)
    metrics_port: int | None = None
    data_dir: Path = REPO_ROOT / ".data" / "services"

    @property
    def search_hosts(self) -> list[str]:
        """``search_url`` split into its nodes."""
        return [url.strip() for url in self.search_url.split(",") if url.strip()]

    def as_environment(self) -> dict[str, str]:
        """These settings as ``NEWSWIRE_*`` variables, for starting a service as a child process."""
        env: dict[str, str] = {}
        for name, value in self.model_dump(mode="json").items():
            if value is not None:
                env[f"NEWSWIRE_{name.upper()}"] = (
                    value if isinstance(value, str) else json.dumps(value)
                )
        return env


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
