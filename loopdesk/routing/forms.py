"""Workspace forms of routing: the values are validated again by the services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from loopdesk.sla.models import BusinessCalendar

from .constants import MAX_CAPACITY, MAX_LEVEL, MIN_LEVEL, AgentStatus, Strategy
from .models import Skill

LEVEL_CHOICES = [(n, str(n)) for n in range(MIN_LEVEL, MAX_LEVEL + 1)]


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=AgentStatus.choices)


class AgentSettingsForm(forms.Form):
    capacity = forms.IntegerField(
        label=_("Capacity (most open tickets)"), min_value=0, max_value=MAX_CAPACITY
    )
    calendar = forms.ModelChoiceField(
        label=_("Shift calendar"),
        queryset=BusinessCalendar.objects.order_by("name"),
        required=False,
        empty_label=_("Always (no shift calendar)"),
    )


class SkillLevelForm(forms.Form):
    skill = forms.ModelChoiceField(label=_("Skill"), queryset=Skill.objects.order_by("name"))
    level = forms.TypedChoiceField(label=_("Level"), choices=LEVEL_CHOICES, coerce=int)


class TeamRoutingForm(forms.Form):
    strategy = forms.ChoiceField(
        label=_("Assignment strategy"), choices=Strategy.choices, widget=forms.RadioSelect
    )
    require_all_skills = forms.BooleanField(
        label=_("Skills-based: wait for an agent with every required skill"),
        required=False,
        help_text=_("Off: when nobody has every skill, the best partial match is assigned."),
    )
