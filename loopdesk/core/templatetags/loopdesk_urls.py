"""`{% link %}`: `{% url %}` for the templates drawn on every request.

reverse() matches the name against every candidate pattern, quotes and re-checks the
result each time: about 0.1 ms per call, and the page shell plus a ticket page draw some
forty links. `link` reverses each (name, argument count) once per process and script
prefix, with a sentinel integer, and then only joins strings. Only integer arguments take
the fast path (ticket numbers, ids), so the sentinel cannot meet another converter;
anything else falls back to reverse().
"""

from django import template
from django.urls import get_script_prefix, get_urlconf, reverse

register = template.Library()

_SENTINEL = 987654321
_templates: dict[tuple, tuple[str, ...]] = {}


def fast_reverse(name: str, *args) -> str:
    if not all(type(a) is int for a in args):
        return reverse(name, args=args)
    key = (get_urlconf(), get_script_prefix(), name, len(args))
    parts = _templates.get(key)
    if parts is None:
        sentinels = [_SENTINEL + i for i in range(len(args))]
        url = reverse(name, args=sentinels)
        parts = (url,) if not args else _split(url, sentinels)
        _templates[key] = parts
    if not args:
        return parts[0]
    out = [parts[0]]
    for arg, tail in zip(args, parts[1:], strict=True):
        out += [str(arg), tail]
    return "".join(out)


def _split(url: str, sentinels: list[int]) -> tuple[str, ...]:
    parts, rest = [], url
    for sentinel in sentinels:
        head, sep, rest = rest.partition(str(sentinel))
        if not sep:
            raise ValueError(f"{url!r} does not contain the argument {sentinel}")
        parts.append(head)
    return (*parts, rest)


@register.simple_tag
def link(name: str, *args) -> str:
    return fast_reverse(name, *args)
