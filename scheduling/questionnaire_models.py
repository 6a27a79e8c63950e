"""Questionnaires (アンケート, issue 16): a municipality's questions for a contact, and her answers.

A `Questionnaire` belongs to one contact (the 8th-month アンケート, say). Its `Question`s come in
order; each is single choice, multiple choice or free text, may be required, and may be shown only
if an earlier answer is one `Choice` (one condition). Texts are Japanese, the fallback, with the
other languages in a JSON of language code → text. The administrator marks choices as flags: a
submitted answer with a flag puts the pregnancy on the nurses' follow-up list
(scheduling.worklist).

Her `QuestionnaireResponse` (one per pregnancy and questionnaire) is a draft until she submits;
its `Answer`s hold the choices picked or the text typed. Answers are health details: they never
go into SMS, calendar feeds or logs, and retention deletes them (scheduling.retention).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


def _in(text: str, translations: dict[str, str], language: str) -> str:
    return str(translations.get(language) or text)


class Questionnaire(models.Model):
    contact = models.OneToOneField(
        "scheduling.Contact",
        on_delete=models.PROTECT,
        related_name="questionnaire",
        verbose_name=_("contact"),
    )
    intro = models.TextField(_("introduction"), blank=True)
    intro_translations = models.JSONField(
        _("introduction in other languages"), default=dict, blank=True
    )

    class Meta:
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")

    def __str__(self) -> str:
        return str(self.contact)

    def intro_in(self, language: str) -> str:
        return _in(self.intro, self.intro_translations, language)


class Question(models.Model):
    class Kind(models.TextChoices):
        SINGLE = "single", _("Single choice")
        MULTIPLE = "multiple", _("Multiple choice")
        TEXT = "text", _("Free text")

    questionnaire = models.ForeignKey(
        Questionnaire,
        on_delete=models.CASCADE,
        related_name="questions",
        verbose_name=_("questionnaire"),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    text = models.CharField(_("question"), max_length=500)
    text_translations = models.JSONField(_("question in other languages"), default=dict, blank=True)
    required = models.BooleanField(_("required"), default=False)
    # Shown only if this choice (of an earlier question) was picked.
    shown_if = models.ForeignKey(
        "scheduling.Choice",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("shown only if the answer was"),
    )

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["questionnaire", "order", "id"]

    def __str__(self) -> str:
        return self.text

    def text_in(self, language: str) -> str:
        return _in(self.text, self.text_translations, language)

    def clean(self) -> None:
        if self.shown_if_id is None:
            return
        earlier = self.shown_if.question if self.shown_if else None
        if (
            earlier is None
            or earlier.questionnaire_id != self.questionnaire_id
            or (earlier.order, earlier.pk) >= (self.order, self.pk or 1 << 62)
        ):
            raise ValidationError(
                {"shown_if": _("The condition must be a choice of an earlier question.")}
            )


class Choice(models.Model):
    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="choices", verbose_name=_("question")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    text = models.CharField(_("choice"), max_length=200)
    text_translations = models.JSONField(_("choice in other languages"), default=dict, blank=True)
    is_flag = models.BooleanField(_("flag: puts her on the follow-up list"), default=False)

    class Meta:
        verbose_name = _("choice")
        verbose_name_plural = _("choices")
        ordering = ["question", "order", "id"]

    def __str__(self) -> str:
        return f"{self.question.text} → {self.text}"

    def text_in(self, language: str) -> str:
        return _in(self.text, self.text_translations, language)


class QuestionnaireResponse(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")

    pregnancy = models.ForeignKey(
        "scheduling.Pregnancy",
        on_delete=models.CASCADE,
        related_name="questionnaire_responses",
        verbose_name=_("pregnancy"),
    )
    questionnaire = models.ForeignKey(
        Questionnaire,
        on_delete=models.PROTECT,
        related_name="responses",
        verbose_name=_("questionnaire"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    updated_at = models.DateTimeField(_("saved"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)

    class Meta:
        verbose_name = _("questionnaire response")
        verbose_name_plural = _("questionnaire responses")
        constraints = [
            models.UniqueConstraint(
                fields=["pregnancy", "questionnaire"], name="one_response_per_questionnaire"
            ),
        ]

    def __str__(self) -> str:
        return f"response {self.pk}"


class Answer(models.Model):
    response = models.ForeignKey(
        QuestionnaireResponse,
        on_delete=models.CASCADE,
        related_name="answers",
        verbose_name=_("response"),
    )
    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="answers", verbose_name=_("question")
    )
    choices = models.ManyToManyField(
        Choice, blank=True, related_name="answers", verbose_name=_("choices")
    )
    text = models.TextField(_("text"), blank=True, max_length=2000)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(
                fields=["response", "question"], name="one_answer_per_question"
            ),
        ]

    def __str__(self) -> str:
        return f"answer {self.pk}"
