"""Admin for routing: the skill catalogue and skill requirements are edited here (or in
the API); availability, agent skills and team strategies are shown read-only, because
their services also route waiting tickets when they change (use the Routing pages)."""

from django.contrib import admin

from loopdesk.core.admin_base import ReadOnlyAdmin

from .models import AgentProfile, AgentSkill, Skill, SkillRequirement, TeamRouting


@admin.register(Skill)
class SkillAdmin(admin.ModelAdmin):
    list_display = ("name", "description")
    search_fields = ("name",)


@admin.register(SkillRequirement)
class SkillRequirementAdmin(admin.ModelAdmin):
    list_display = ("kind", "category", "value", "skill", "min_level")
    list_filter = ("kind", "skill")
    autocomplete_fields = ("skill",)


@admin.register(AgentProfile)
class AgentProfileAdmin(ReadOnlyAdmin):
    list_display = (
        "user",
        "status",
        "status_changed_at",
        "capacity",
        "calendar",
        "last_assigned_at",
    )
    list_filter = ("status",)


@admin.register(AgentSkill)
class AgentSkillAdmin(ReadOnlyAdmin):
    list_display = ("user", "skill", "level")
    list_filter = ("skill",)


@admin.register(TeamRouting)
class TeamRoutingAdmin(ReadOnlyAdmin):
    list_display = ("team", "strategy", "require_all_skills")
