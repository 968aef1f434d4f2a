"""Public typed objects returned by the client.

Frozen attrs classes parsed straight from the API's JSON: absent or null fields are ``None``,
timestamps are timezone-aware datetimes, and fields this version does not know are kept in
``extra`` so nothing the server sends is lost. Parsing is deliberately hand-written and cheap —
it sits on the hot path of every call.

>>> p = Prediction.from_dict(
...     {"id": "abc", "status": "starting", "created_at": "2024-01-01T00:00:00.123456789Z"}
... )
>>> p.status, p.created_at.year, p.output
('starting', 2024, None)
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Mapping
from typing import Any, ClassVar, TypeVar

import attrs

from ._pagination import AsyncPage, Page

__all__ = [
    "Account",
    "AsyncPage",
    "Collection",
    "Deployment",
    "DeploymentConfiguration",
    "DeploymentRelease",
    "DocPage",
    "File",
    "Hardware",
    "Model",
    "Page",
    "Prediction",
    "PredictionURLs",
    "SearchCollection",
    "SearchModel",
    "SearchModelMetadata",
    "SearchResult",
    "Training",
    "Version",
]

_T = TypeVar("_T", bound="_APIObject")
_LONG_FRACTION = re.compile(r"(\.\d{6})\d+")


def parse_datetime(value: Any) -> _dt.datetime | None:
    """ISO 8601 → aware datetime (naive means UTC); 1 to 9 fractional digits; junk → None."""
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = _dt.datetime.fromisoformat(value)
    except ValueError:
        try:
            parsed = _dt.datetime.fromisoformat(_LONG_FRACTION.sub(r"\1", value))
        except ValueError:
            from dateutil.parser import isoparse

            try:
                parsed = isoparse(value)
            except (ValueError, OverflowError):
                return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=_dt.UTC)
    return parsed


def _str(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    return str(value)


def _req_str(value: Any) -> str:
    if isinstance(value, str):
        return value
    return "" if value is None else str(value)


def _int(value: Any) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


def _bool(value: Any) -> bool | None:
    return value if isinstance(value, bool) else None


def _dict(value: Any) -> dict[str, Any] | None:
    return value if isinstance(value, dict) else None


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _extra(data: Mapping[str, Any], known: frozenset[str]) -> dict[str, Any]:
    if data.keys() <= known:  # the common case, checked in C
        return {}
    return {k: v for k, v in data.items() if k not in known}


def _to_jsonable(value: Any) -> Any:
    if isinstance(value, _APIObject):
        return value.to_dict()
    if isinstance(value, _dt.datetime):
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, list):
        return [_to_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: _to_jsonable(v) for k, v in value.items()}
    return value


@attrs.frozen
class _APIObject:
    _FIELDS: ClassVar[frozenset[str]] = frozenset()

    @classmethod
    def from_dict(cls: type[_T], data: Mapping[str, Any]) -> _T:  # pragma: no cover - abstract
        raise NotImplementedError

    def to_dict(self) -> dict[str, Any]:
        """Back to a JSON-ready dict (datetimes as ISO strings; ``extra`` merged in)."""
        out: dict[str, Any] = {}
        for field in attrs.fields(type(self)):
            if field.name == "extra":
                continue
            value = getattr(self, field.name)
            if value is not None:
                out[field.name] = _to_jsonable(value)
        extra = getattr(self, "extra", None)
        if extra:
            out.update(extra)
        return out


def _maybe(cls: type[_T], value: Any) -> _T | None:
    return cls.from_dict(value) if isinstance(value, dict) else None


@attrs.frozen
class PredictionURLs(_APIObject):
    """API and web URLs of a prediction or training; any of them may be None."""

    get: str | None = None
    cancel: str | None = None
    stream: str | None = None
    web: str | None = None
    extra: dict[str, Any] = attrs.field(factory=dict, repr=False)

    _FIELDS: ClassVar[frozenset[str]] = frozenset({"get", "cancel", "stream", "web"})

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PredictionURLs:
        get = data.get
        return cls(
            get=_str(get("get")),
            cancel=_str(get("cancel")),
            stream=_str(get("stream")),
            web=_str(get("web")),
            extra=_extra(data, cls._FIELDS) if len(data) > 4 else {},
        )


_EMPTY_URLS = PredictionURLs()


@attrs.frozen
class Prediction(_APIObject):
    """One run of a model. ``status`` is starting, processing, succeeded, failed, canceled or
    aborted (a status unknown to this version is kept as its string)."""

    id: str
    status: str
    model: str | None = None
    version: str | None = None
    input: dict[str, Any] | None = None
    output: Any = None
    error: str | None = None
    logs: str | None = None
    metrics: dict[str, Any] | None = None
    created_at: _dt.datetime | None = None
    started_at: _dt.datetime | None = None
    completed_at: _dt.datetime | None = None
    deadline: _dt.datetime | None = None
    urls: PredictionURLs = _EMPTY_URLS
    data_removed: bool | None = None
    deployment: str | None = None
    source: str | None = None
    webhook: str | None = None
    webhook_events_filter: list[str] | None = None
    extra: dict[str, Any] = attrs.field(factory=dict, repr=False)

    _FIELDS: ClassVar[frozenset[str]] = frozenset(
        {
            "id", "status", "model", "version", "input", "output", "error", "logs", "metrics",
            "created_at", "started_at", "completed_at", "deadline", "urls", "data_removed",
            "deployment", "source", "webhook", "webhook_events_filter",
        }
    )  # fmt: skip

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Prediction:
        get = data.get
        urls = get("urls")
        wef = get("webhook_events_filter")
        return cls(
            id=_req_str(get("id")),
            status=_req_str(get("status")),
            model=_str(get("model")),
            version=_str(get("version")),
            input=_dict(get("input")),
            output=get("output"),
            error=_str(get("error")),
            logs=_str(get("logs")),
            metrics=_dict(get("metrics")),
            created_at=parse_datetime(get("created_at")),
            started_at=parse_datetime(get("started_at")),
            completed_at=parse_datetime(get("completed_at")),
            deadline=parse_datetime(get("deadline")),
            urls=PredictionURLs.from_dict(urls) if isinstance(urls, dict) else _EMPTY_URLS,
            data_removed=_bool(get("data_removed")),
            deployment=_str(get("deployment")),
            source=_str(get("source")),
            webhook=_str(get("webhook")),
            webhook_events_filter=wef if isinstance(wef, list) else None,
            extra=_extra(data, cls._FIELDS),
        )

    @property
    def is_terminal(self) -> bool:
        """True once the status is succeeded, failed, canceled or aborted."""
        return self.status in ("succeeded", "failed", "canceled", "aborted")


@attrs.frozen
class Training(_APIObject):
    """A training job; ``output`` holds e.g. ``{"version": ..., "weights": ...}`` when done."""

    id: str
    status: str
    model: str | None = None
    version: str | None = None
    input: dict[str, Any] | None = None
    output: Any = None
    error: str | None = None
    logs: str | None = None
    metrics: dict[str, Any] | None = None
    created_at: _dt.datetime | None = None
    started_at: _dt.datetime | None = None
    completed_at: _dt.datetime | None = None
    urls: PredictionURLs = _EMPTY_URLS
    source: str | None = None
    destination: str | None = None
    webhook: str | None = None
    extra: dict[str, Any] = attrs.field(factory=dict, repr=False)

    _FIELDS: ClassVar[frozenset[str]] = frozenset(
        {
            "id", "status", "model", "version", "input", "output", "error", "logs", "metrics",
            "created_at", "started_at", "completed_at", "urls", "source", "destination",
            "webhook",
        }
    )  # fmt: skip

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Training:
        get = data.get
        urls = get("urls")
        return cls(
            id=_req_str(get("id")),
            status=_req_str(get("status")),
            model=_str(get("model")),
            version=_str(get("version")),
            input=_dict(get("input")),
            output=get("output"),
            error=_str(get("error")),
            logs=_str(get("logs")),
            metrics=_dict(get("metrics")),
            created_at=parse_datetime(get("created_at")),
            started_at=parse_datetime(get("started_at")),
            completed_at=parse_datetime(get("completed_at")),
            urls=PredictionURLs.from_dict(urls) if isinstance(urls, dict) else _EMPTY_URLS,
            source=_str(get("source")),
            destination=_str(get("destination")),
            webhook=_str(get("webhook")),
            extra=_extra(data, cls._FIELDS),
        )

    @property
    def is_terminal(self) -> bool:
        return self.status in ("succeeded", "failed", "canceled", "aborted")


@attrs.frozen
class Version(_APIObject):
    """A model version; ``openapi_schema`` describes its inputs and outputs."""

    id: str
    created_at: _dt.datetime | None = None
    cog_version: str | None = None
    openapi_schema: dict[str, Any] | None = None
    extra: dict[str, Any] = attrs.field(factory=dict, repr=False)

    _FIELDS: ClassVar[frozenset[str]] = frozenset(
        {"id", "created_at", "cog_version", "openapi_schema"}
    )

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Version:
        get = data.get
        return cls(
            id=_req_str(get("id")),
            created_at=parse_datetime(get("created_at")),
            cog_version=_str(get("cog_version")),
            openapi_schema=_dict(get("openapi_schema")),
            extra=_extra(data, cls._FIELDS),
        )


@attrs.frozen
class Model(_APIObject):
    """A model; ``full_name`` is ``"owner/name"``."""

    owner: str
    name: str
    description: str | None = None
    visibility: str | None = None
    url: str | None = None
    github_url: str | None = None
    paper_url: str | None = None
    license_url: str | None = None
    cover_image_url: str | None = None
    run_count: int | None = None
    is_official: bool | None = None
    default_example: Prediction | None = None
    latest_version: Version | None = None
    extra: dict[str, Any] = attrs.field(factory=dict, repr=False)

    _FIELDS: ClassVar[frozenset[str]] = frozenset(
        {
            "owner", "name", "description", "visibility", "url", "github_url", "paper_url",
            "license_url", "cover_image_url", "run_count", "is_official", "default_example",
            "latest_version",
        }
    )  # fmt: skip

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Model:
        get = data.get
        return cls(
            owner=_req_str(get("owner")),
            name=_req_str(get("name")),
            description=_str(get("description")),
            visibility=_str(get("visibility")),
            url=_str(get("url")),
            github_url=_str(get("github_url")),
            paper_url=_str(get("paper_url")),
            license_url=_str(get("license_url")),
            cover_image_url=_str(get("cover_image_url")),
            run_count=_int(get("run_count")),
            is_official=_bool(get("is_official")),
            default_example=_maybe(Prediction, get("default_example")),
            latest_version=_maybe(Version, get("latest_version")),
            extra=_extra(data, cls._FIELDS),
        )

    @property
    def full_name(self) -> str:
        return f"{self.owner}/{self.name}"


@attrs.frozen
class Account(_APIObject):
    """A user or organization (``type`` is "user" or "organization")."""

    username: str
    type: str | None = None
    name: str | None = None
    github_url: str | None = None
    avatar_url: str | None = None
    extra: dict[str, Any] = attrs.field(factory=dict, repr=False)

    _FIELDS: ClassVar[frozenset[str]] = frozenset(
        {"username", "type", "name", "github_url", "avatar_url"}
    )

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Account:
        get = data.get
        return cls(
            username=_req_str(get("username")),
            type=_str(get("type")),
            name=_str(get("name")),
            github_url=_str(get("github_url")),
            avatar_url=_str(get("avatar_url")),
            extra=_extra(data, cls._FIELDS),
        )


@attrs.frozen
class DeploymentConfiguration(_APIObject):
    hardware: str | None = None
    min_instances: int | None = None
    max_instances: int | None = None
    extra: dict[str, Any] = attrs.field(factory=dict, repr=False)

    _FIELDS: ClassVar[frozenset[str]] = frozenset({"hardware", "min_instances", "max_instances"})

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> DeploymentConfiguration:
        get = data.get
        return cls(
            hardware=_str(get("hardware")),
            min_instances=_int(get("min_instances")),
            max_instances=_int(get("max_instances")),
            extra=_extra(data, cls._FIELDS),
        )


@attrs.frozen
class DeploymentRelease(_APIObject):
    number: int | None = None
    model: str | None = None
    version: str | None = None
    created_at: _dt.datetime | None = None
    created_by: Account | None = None
    configuration: DeploymentConfiguration | None = None
    extra: dict[str, Any] = attrs.field(factory=dict, repr=False)

    _FIELDS: ClassVar[frozenset[str]] = frozenset(
        {"number", "model", "version", "created_at", "created_by", "configuration"}
    )

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> DeploymentRelease:
        get = data.get
        return cls(
            number=_int(get("number")),
            model=_str(get("model")),
            version=_str(get("version")),
            created_at=parse_datetime(get("created_at")),
            created_by=_maybe(Account, get("created_by")),
            configuration=_maybe(DeploymentConfiguration, get("configuration")),
            extra=_extra(data, cls._FIELDS),
        )


@attrs.frozen
class Deployment(_APIObject):
    """A deployment ``owner/name`` and its current release (model, version, hardware)."""

    owner: str
    name: str
    current_release: DeploymentRelease | None = None
    extra: dict[str, Any] = attrs.field(factory=dict, repr=False)

    _FIELDS: ClassVar[frozenset[str]] = frozenset({"owner", "name", "current_release"})

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Deployment:
        get = data.get
        return cls(
            owner=_req_str(get("owner")),
            name=_req_str(get("name")),
            current_release=_maybe(DeploymentRelease, get("current_release")),
            extra=_extra(data, cls._FIELDS),
        )

    @property
    def full_name(self) -> str:
        return f"{self.owner}/{self.name}"


@attrs.frozen
class File(_APIObject):
    """An uploaded file; ``urls["get"]`` is its API URL."""

    id: str
    content_type: str | None = None
    size: int | None = None
    checksums: dict[str, Any] | None = None
    metadata: dict[str, Any] | None = None
    created_at: _dt.datetime | None = None
    expires_at: _dt.datetime | None = None
    urls: dict[str, Any] | None = None
    extra: dict[str, Any] = attrs.field(factory=dict, repr=False)

    _FIELDS: ClassVar[frozenset[str]] = frozenset(
        {
            "id", "content_type", "size", "checksums", "metadata", "created_at", "expires_at",
            "urls",
        }
    )  # fmt: skip

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> File:
        get = data.get
        return cls(
            id=_req_str(get("id")),
            content_type=_str(get("content_type")),
            size=_int(get("size")),
            checksums=_dict(get("checksums")),
            metadata=_dict(get("metadata")),
            created_at=parse_datetime(get("created_at")),
            expires_at=parse_datetime(get("expires_at")),
            urls=_dict(get("urls")),
            extra=_extra(data, cls._FIELDS),
        )


@attrs.frozen
class Collection(_APIObject):
    """A curated collection of models (``models`` is None in list results)."""

    slug: str
    name: str | None = None
    description: str | None = None
    full_description: str | None = None
    models: list[Model] | None = None
    extra: dict[str, Any] = attrs.field(factory=dict, repr=False)

    _FIELDS: ClassVar[frozenset[str]] = frozenset(
        {"slug", "name", "description", "full_description", "models"}
    )

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Collection:
        get = data.get
        models = get("models")
        return cls(
            slug=_req_str(get("slug")),
            name=_str(get("name")),
            description=_str(get("description")),
            full_description=_str(get("full_description")),
            models=(
                [Model.from_dict(m) for m in models if isinstance(m, dict)]
                if isinstance(models, list)
                else None
            ),
            extra=_extra(data, cls._FIELDS),
        )


@attrs.frozen
class Hardware(_APIObject):
    """A hardware SKU models and deployments can run on."""

    sku: str
    name: str | None = None
    extra: dict[str, Any] = attrs.field(factory=dict, repr=False)

    _FIELDS: ClassVar[frozenset[str]] = frozenset({"sku", "name"})

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Hardware:
        get = data.get
        return cls(
            sku=_req_str(get("sku")), name=_str(get("name")), extra=_extra(data, cls._FIELDS)
        )


@attrs.frozen
class SearchModelMetadata(_APIObject):
    generated_description: str | None = None
    score: float | None = None
    tags: list[str] = attrs.field(factory=list)
    extra: dict[str, Any] = attrs.field(factory=dict, repr=False)

    _FIELDS: ClassVar[frozenset[str]] = frozenset({"generated_description", "score", "tags"})

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SearchModelMetadata:
        get = data.get
        score = get("score")
        return cls(
            generated_description=_str(get("generated_description")),
            score=float(score)
            if isinstance(score, int | float) and not isinstance(score, bool)
            else None,
            tags=[t for t in _list(get("tags")) if isinstance(t, str)],
            extra=_extra(data, cls._FIELDS),
        )


@attrs.frozen
class SearchModel(_APIObject):
    model: Model
    metadata: SearchModelMetadata
    extra: dict[str, Any] = attrs.field(factory=dict, repr=False)

    _FIELDS: ClassVar[frozenset[str]] = frozenset({"model", "metadata"})

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SearchModel:
        model = data.get("model")
        metadata = data.get("metadata")
        return cls(
            model=Model.from_dict(model if isinstance(model, dict) else {}),
            metadata=SearchModelMetadata.from_dict(metadata if isinstance(metadata, dict) else {}),
            extra=_extra(data, cls._FIELDS),
        )


@attrs.frozen
class SearchCollection(_APIObject):
    slug: str
    name: str | None = None
    description: str | None = None
    models: list[str] | None = None
    extra: dict[str, Any] = attrs.field(factory=dict, repr=False)

    _FIELDS: ClassVar[frozenset[str]] = frozenset({"slug", "name", "description", "models"})

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SearchCollection:
        get = data.get
        models = get("models")
        return cls(
            slug=_req_str(get("slug")),
            name=_str(get("name")),
            description=_str(get("description")),
            models=[str(m) for m in models] if isinstance(models, list) else None,
            extra=_extra(data, cls._FIELDS),
        )


@attrs.frozen
class DocPage(_APIObject):
    name: str
    href: str
    extra: dict[str, Any] = attrs.field(factory=dict, repr=False)

    _FIELDS: ClassVar[frozenset[str]] = frozenset({"name", "href"})

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> DocPage:
        return cls(
            name=_req_str(data.get("name")),
            href=_req_str(data.get("href")),
            extra=_extra(data, cls._FIELDS),
        )


@attrs.frozen
class SearchResult(_APIObject):
    """Models, collections and documentation pages matching a query."""

    query: str
    models: list[SearchModel] = attrs.field(factory=list)
    collections: list[SearchCollection] = attrs.field(factory=list)
    pages: list[DocPage] = attrs.field(factory=list)
    extra: dict[str, Any] = attrs.field(factory=dict, repr=False)

    _FIELDS: ClassVar[frozenset[str]] = frozenset({"query", "models", "collections", "pages"})

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SearchResult:
        get = data.get
        return cls(
            query=_req_str(get("query")),
            models=[SearchModel.from_dict(m) for m in _list(get("models")) if isinstance(m, dict)],
            collections=[
                SearchCollection.from_dict(c)
                for c in _list(get("collections"))
                if isinstance(c, dict)
            ],
            pages=[DocPage.from_dict(p) for p in _list(get("pages")) if isinstance(p, dict)],
            extra=_extra(data, cls._FIELDS),
        )
