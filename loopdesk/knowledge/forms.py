from django import forms
from django.utils.translation import gettext_lazy as _

from .constants import LANGUAGES, MAX_BODY_CHARS, MAX_TITLE_CHARS
from .models import Category, Section, Visibility


class ArticleForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=MAX_TITLE_CHARS)
    language = forms.ChoiceField(label=_("Language"), choices=LANGUAGES)
    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.all())
    section = forms.ModelChoiceField(
        label=_("Section"), queryset=Section.objects.select_related("category"), required=False
    )
    tags = forms.CharField(
        label=_("Tags"), required=False, help_text=_("Separated by commas."), max_length=800
    )
    visibility = forms.ChoiceField(label=_("Visibility"), choices=Visibility.choices)
    body_md = forms.CharField(
        label=_("Body (Markdown)"),
        required=False,
        max_length=MAX_BODY_CHARS,
        widget=forms.Textarea(attrs={"rows": 18}),
    )
    note = forms.CharField(label=_("Change note"), required=False, max_length=200)

    def clean_tags(self) -> list[str]:
        raw = self.cleaned_data.get("tags") or ""
        return [t.strip() for t in raw.replace("，", ",").split(",") if t.strip()]


class CategoryForm(forms.Form):
    slug = forms.SlugField(label=_("Slug"), max_length=80)
    name_en = forms.CharField(label=_("Name (English)"), max_length=120)
    name_zh = forms.CharField(label=_("Name (Chinese)"), max_length=120)
    description_en = forms.CharField(
        label=_("Description (English)"), max_length=300, required=False
    )
    description_zh = forms.CharField(
        label=_("Description (Chinese)"), max_length=300, required=False
    )


class SectionForm(forms.Form):
    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.all())
    name_en = forms.CharField(label=_("Name (English)"), max_length=120)
    name_zh = forms.CharField(label=_("Name (Chinese)"), max_length=120)


class UploadForm(forms.Form):
    file = forms.FileField(label=_("Image or file"))
