"""Forms for a municipality administrator's questionnaire pages (issue 16): a question and its
choices, each text in Japanese with a field per other language (stored as JSON)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.forms import BaseInlineFormSet, inlineformset_factory
from django.utils.translation import gettext_lazy as _

from scheduling.questionnaire_models import Choice, Question, Questionnaire

OTHER_LANGUAGES = [(code, name) for code, name in settings.LANGUAGES if code != "ja"]


class TranslatedForm(forms.ModelForm):
    """Adds `text_<lang>` fields for the other languages, read from and written to the model's
    `text_translations`; an empty one falls back to Japanese."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        saved = self.instance.text_translations or {}
        for code, name in OTHER_LANGUAGES:
            self.fields[f"text_{code}"] = forms.CharField(
                label=_("In %(language)s") % {"language": name},
                required=False,
                max_length=500,
                initial=saved.get(code, ""),
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        self.instance.text_translations = {
            code: text
            for code, _name in OTHER_LANGUAGES
            if (text := (data.get(f"text_{code}") or "").strip())
        }
        return data


class QuestionForm(TranslatedForm):
    class Meta:
        model = Question
        fields = ["order", "kind", "text", "required", "shown_if"]
        labels = {"text": _("Question (Japanese)")}

    def __init__(self, *args: Any, questionnaire: Questionnaire, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.questionnaire = questionnaire
        earlier = Choice.objects.filter(question__questionnaire=questionnaire).select_related(
            "question"
        )
        if self.instance.pk:
            earlier = earlier.exclude(question=self.instance)
        field = self.fields["shown_if"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = earlier.order_by("question__order", "question_id", "order")
        field.help_text = _("Leave empty to show it always. Only a choice of an earlier question.")


class ChoiceForm(TranslatedForm):
    class Meta:
        model = Choice
        fields = ["order", "text", "is_flag"]
        labels = {"text": _("Choice (Japanese)")}


ChoiceFormSet: type[BaseInlineFormSet] = inlineformset_factory(
    Question, Choice, form=ChoiceForm, extra=2, can_delete=True
)
