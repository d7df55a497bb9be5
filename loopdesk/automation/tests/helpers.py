from loopdesk.automation.services import rule_create


def trigger(user, name, *, events, all=(), any=(), actions, **kw):
    return rule_create(
        user=user,
        name=name,
        kind="trigger",
        events=list(events),
        conditions={"all": list(all), "any": list(any)},
        actions=list(actions),
        **kw,
    )


def time_rule(user, name, *, all=(), any=(), actions, **kw):
    return rule_create(
        user=user,
        name=name,
        kind="time",
        events=[],
        conditions={"all": list(all), "any": list(any)},
        actions=list(actions),
        **kw,
    )
