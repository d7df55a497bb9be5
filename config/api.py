"""The one NinjaAPI instance: /api/v1/ (OpenAPI at /api/v1/openapi.json, docs at /api/v1/docs)."""

from ninja import NinjaAPI

api = NinjaAPI(
    title="Loopdesk API",
    version="1.0.0",
    urls_namespace="api",
    description="REST API of Loopdesk. Authenticate with `Authorization: Bearer <api key>`.",
)
