"""REST API schemas for users and teams."""

from ninja import Schema


class TeamOut(Schema):
    id: int
    name: str
    description: str


class ApiKeyInfoOut(Schema):
    name: str
    prefix: str
    scopes: list[str]


class MeOut(Schema):
    id: int
    email: str
    name: str
    role: str
    language: str
    timezone: str
    teams: list[TeamOut]
    api_key: ApiKeyInfoOut
