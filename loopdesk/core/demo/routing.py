"""Demo routing: skills and requirements, the agents' skills, capacity and status, and a
strategy per team (repair by skills, support by load, billing in turns, key accounts by
hand). Set after the history is written, so the made-up past is not re-routed; the worker's
sweep then hands a few waiting tickets to the online agents."""

from django.db import transaction
from django.utils import timezone

from loopdesk.routing.constants import AgentStatus, RequirementKind, Strategy
from loopdesk.routing.models import AgentProfile, AgentSkill, Skill, SkillRequirement, TeamRouting
from loopdesk.routing.selectors import agent_open_count
from loopdesk.tickets.models import Category

from .setup import DemoCast

SKILLS = [
    ("空调 Air conditioning", "Installation and repair of AC units"),
    ("白电 Appliances", "Refrigerators, washing machines, water heaters"),
    ("App 与账号 App & accounts", "Software subscriptions, login, app usage"),
    ("退款 Refunds", "Refund decisions and payment providers"),
    ("发票 Invoices", "Fapiao and invoices"),
    ("中文 Chinese", "Writes to customers in Chinese"),
    ("英语 English", "Writes to customers in English"),
]
# (category parent name, child name or None) -> skill index, min level
CATEGORY_NEEDS = [
    ("空调 Air conditioner", None, 0, 2),
    ("冰箱 Refrigerator", None, 1, 2),
    ("洗衣机 Washing machine", None, 1, 2),
    ("热水器 Water heater", None, 1, 1),
    ("软件订阅 Software subscription", None, 2, 1),
    ("账单 Billing", "退款 Refund", 3, 2),
    ("账单 Billing", "发票 Invoice", 4, 1),
]
LANGUAGE_NEEDS = [("zh-hans", 5, 2), ("en", 6, 2)]
# email local part -> {skill index: level}, status
AGENTS = {
    "li.na": ({0: 5, 1: 3, 5: 5, 6: 2}, AgentStatus.ONLINE),
    "zhang.wei": ({0: 3, 1: 4, 2: 3, 5: 5, 6: 3}, AgentStatus.ONLINE),
    "liu.yang": ({2: 5, 5: 5, 6: 2}, AgentStatus.AWAY),
    "zhao.min": ({3: 4, 4: 5, 5: 5}, AgentStatus.ONLINE),
    "james.miller": ({2: 4, 6: 5}, AgentStatus.ONLINE),
    "sofia.garcia": ({3: 5, 4: 3, 6: 5, 5: 2}, AgentStatus.OFFLINE),
}
STRATEGIES = {
    "repair": Strategy.SKILLS,
    "support": Strategy.LEAST_LOAD,
    "billing": Strategy.ROUND_ROBIN,
    "key_accounts": Strategy.MANUAL,
}
ROOM = 5  # free slots above the agent's current open tickets


def ensure_routing(cast: DemoCast) -> None:
    with transaction.atomic():
        skills = [
            Skill.objects.get_or_create(name=name, defaults={"description": text})[0]
            for name, text in SKILLS
        ]
        for parent_name, child_name, index, level in CATEGORY_NEEDS:
            category = Category.objects.filter(parent=None, name=parent_name).first()
            if category is not None and child_name:
                category = Category.objects.filter(parent=category, name=child_name).first()
            if category is None:
                continue
            SkillRequirement.objects.get_or_create(
                kind=RequirementKind.CATEGORY,
                category=category,
                value="",
                skill=skills[index],
                defaults={"min_level": level},
            )
        for language, index, level in LANGUAGE_NEEDS:
            SkillRequirement.objects.get_or_create(
                kind=RequirementKind.LANGUAGE,
                category=None,
                value=language,
                skill=skills[index],
                defaults={"min_level": level},
            )
        now = timezone.now()
        for local, (levels, status) in AGENTS.items():
            user = cast.staff.get(local)
            if user is None:
                continue
            capacity = -(-(agent_open_count(user.pk) + ROOM) // 5) * 5
            AgentProfile.objects.update_or_create(
                user=user,
                defaults={"status": status, "status_changed_at": now, "capacity": capacity},
            )
            for index, level in levels.items():
                AgentSkill.objects.update_or_create(
                    user=user, skill=skills[index], defaults={"level": level}
                )
        for key, strategy in STRATEGIES.items():
            team = cast.teams.get(key)
            if team is not None:
                TeamRouting.objects.update_or_create(
                    team=team, defaults={"strategy": strategy, "require_all_skills": False}
                )
