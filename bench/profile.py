"""`python -m bench profile`: where one request's CPU goes.

Runs a URL in-process (Django's test Client, the whole middleware stack) as the bench
agent li.na, `runs` times after two warm-up requests, under cProfile, and prints the
functions with the most own time and the most cumulative time. GET by default; with
`--post-json` it POSTs that JSON body (API create) with an API key of the same user.

    python -m bench profile /tickets/?view=open
    python -m bench profile /api/v1/tickets --post-json '{"subject": "x", ...}'
"""

import cProfile
import io
import json
import pstats
import time

from django.conf import settings
from django.test import Client
from django.urls import clear_url_caches

from loopdesk.accounts.models import User
from loopdesk.accounts.services import api_key_create, api_key_revoke

AGENT = "li.na@loopdesk.localhost"
SCOPES = ["tickets:read", "tickets:write"]


def run(*, url: str, runs: int, post_json: str = "", top: int = 30, sort: str = "") -> None:
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    settings.ROOT_URLCONF = "bench.urls"
    clear_url_caches()
    user = User.objects.get(email=AGENT)
    client = Client()
    client.force_login(user)
    issued = api_key_create(user=user, name="bench-profile", scopes=SCOPES)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {issued.secret}"} if "/api/" in url else {}
    body = json.loads(post_json) if post_json else None

    def request(i: int) -> int:
        if body is None:
            return client.get(url, **headers).status_code
        payload = dict(body)
        if "subject" in payload:
            payload["subject"] = f"{payload['subject']} {i}"
        return client.post(url, payload, content_type="application/json", **headers).status_code

    try:
        statuses = {request(-1), request(-2)}
        profiler = cProfile.Profile()
        started = time.process_time()
        profiler.enable()
        for i in range(runs):
            statuses.add(request(i))
        profiler.disable()
        cpu = (time.process_time() - started) / runs * 1000
    finally:
        api_key_revoke(api_key=issued.api_key)
    print(f"{url}: statuses {sorted(statuses)}; {cpu:.1f} ms CPU per request (under cProfile)")
    for key in [sort] if sort else ["tottime", "cumulative"]:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats(key).print_stats(top)
        print(out.getvalue())
