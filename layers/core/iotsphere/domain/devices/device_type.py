"""A device type: the profile devices of one kind share.

It holds the default configuration every new device starts from, the schema every configuration
must satisfy, the metrics a device reports (with units and plausible ranges), the firmware family
its images belong to, and named configuration templates (merge patches applied on request).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from iotsphere.domain.devices.config_schema import ANY_OBJECT, ConfigSchema, schema_problems
from iotsphere.domain.devices.fields import OrgId, Slug
from iotsphere.domain.devices.merge_patch import apply_merge_patch

MetricName = Annotated[str, StringConstraints(pattern=r"^[A-Za-z][A-Za-z0-9_.-]{0,63}$")]
MAX_METRICS = 100
MAX_TEMPLATES = 50


class MetricSpec(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    name: MetricName
    kind: Literal["number", "boolean", "string"] = "number"
    unit: str = Field(default="", max_length=32)
    minimum: float | None = None
    maximum: float | None = None

    @model_validator(mode="after")
    def _range_is_ordered(self) -> Self:
        if self.minimum is not None and self.maximum is not None and self.minimum > self.maximum:
            raise ValueError(f"metric {self.name}: minimum is above maximum")
        return self


class DeviceType(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    id: Slug
    org_id: OrgId
    name: str = Field(min_length=1, max_length=100)
    firmware_family: Slug
    config_schema: ConfigSchema = ANY_OBJECT
    default_config: dict[str, Any] = Field(default_factory=dict)
    metrics: list[MetricSpec] = Field(default_factory=list, max_length=MAX_METRICS)
    templates: dict[Slug, dict[str, Any]] = Field(default_factory=dict, max_length=MAX_TEMPLATES)
    created_at: datetime

    @model_validator(mode="after")
    def _configs_fit_the_schema(self) -> Self:
        """The default and the default with each template applied satisfy the schema."""
        if self.config_schema.type != "object":
            raise ValueError("config_schema must describe an object")
        names = [m.name for m in self.metrics]
        if len(names) != len(set(names)):
            raise ValueError("metric names must be unique")
        candidates = {"default_config": self.default_config} | {
            f"template {name}": apply_merge_patch(self.default_config, patch)
            for name, patch in self.templates.items()
        }
        for where, document in candidates.items():
            problems = schema_problems(self.config_schema, document)
            if problems:
                raise ValueError(f"{where} breaks config_schema: {'; '.join(problems[:5])}")
        return self

    def metric(self, name: str) -> MetricSpec | None:
        return next((m for m in self.metrics if m.name == name), None)
