"""Settings read from the environment once, validated at start-up."""

from functools import lru_cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Configuration of the API and the loader."""

    model_config = SettingsConfigDict(env_file=None, extra="ignore")

    database_url: str = Field(
        default="sqlite:///./initiatives.db",
        description="Database the API reads (on PostgreSQL, a read-only role).",
    )
    loader_database_url: str | None = Field(
        default=None,
        description="Database the loader writes as its owner; defaults to DATABASE_URL.",
    )
    statement_timeout_ms: int = Field(default=5000, ge=100)
    connect_timeout_s: int = Field(default=3, ge=1)
    pool_size: int = Field(default=5, ge=1)
    pool_wait_s: float = Field(default=10, gt=0, description="How long a request waits for a connection.")
    max_query_string_length: int = Field(default=4096, ge=256)
    max_export_rows: int = Field(default=2_000_000, ge=1)
    cors_origins: list[str] = Field(default_factory=list)
    cache_max_age_s: int = Field(default=60, ge=0)
    gc_freeze: bool = Field(
        default=True,
        description="After start-up, move every object to the garbage collector's permanent generation:"
        " its full collections (76 ms with 114,000 start-up objects) then scan only what requests create.",
    )
    count_bitmaps: bool = Field(
        default=True,
        description="Count totals and facets from in-memory bitmaps per dataset version (app.common.counting).",
    )

    @property
    def writer_url(self) -> str:
        return self.loader_database_url or self.database_url


@lru_cache
def get_settings() -> Settings:
    return Settings()
