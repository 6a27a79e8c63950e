"""An 8th-month questionnaire for the test world (Katsushika's 妊娠8か月アンケート contact):

1. 相談したいことはありますか (single, required): はい / いいえ
2. 内容を教えてください (free text, required), shown only if 1 is はい
3. 気になること (multiple, optional): 眠れない / 食欲がない / 特になし
4. 2週間以上続いていますか (single, required), shown only if 3 includes 眠れない:
   はい (a flag) / いいえ
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from scheduling.contact_models import Contact
from scheduling.questionnaire_models import Choice, Question, Questionnaire
from tests.base import World
from tests.contacts.helpers import katsushika_contacts

# Due 2027-02-01: weeks 28–31 run from 2026-11-16 to 2026-12-13, so on NOW (12-01) it is due.
DUE_DATE = dt.date(2027, 2, 1)


@dataclass
class Sheet:
    contact: Contact
    questionnaire: Questionnaire
    talk: Question
    talk_yes: Choice
    talk_no: Choice
    what: Question
    worries: Question
    no_sleep: Choice
    no_appetite: Choice
    nothing: Choice
    long: Question
    long_yes: Choice
    long_no: Choice


def _question(q: Questionnaire, order: int, kind: str, text: str, **extra: object) -> Question:
    return Question.objects.create(questionnaire=q, order=order, kind=kind, text=text, **extra)


def _choice(question: Question, order: int, text: str, **extra: object) -> Choice:
    return Choice.objects.create(question=question, order=order, text=text, **extra)


def eighth_month_sheet(world: World) -> Sheet:
    contact = katsushika_contacts(world).questionnaire
    q = Questionnaire.objects.create(contact=contact, intro="妊娠8か月のアンケートです。")
    talk = _question(
        q,
        1,
        "single",
        "相談したいことはありますか",
        required=True,
        text_translations={"en": "Is there anything you would like to talk about?"},
    )
    talk_yes = _choice(talk, 1, "はい", text_translations={"en": "Yes"})
    talk_no = _choice(talk, 2, "いいえ", text_translations={"en": "No"})
    what = _question(q, 2, "text", "内容を教えてください", required=True, shown_if=talk_yes)
    worries = _question(q, 3, "multiple", "気になること")
    no_sleep = _choice(worries, 1, "眠れない")
    no_appetite = _choice(worries, 2, "食欲がない")
    nothing = _choice(worries, 3, "特になし")
    long = _question(q, 4, "single", "2週間以上続いていますか", required=True, shown_if=no_sleep)
    long_yes = _choice(long, 1, "はい", is_flag=True)
    long_no = _choice(long, 2, "いいえ")
    world.hanako_pregnancy.due_date = DUE_DATE
    world.hanako_pregnancy.save()
    return Sheet(
        contact,
        q,
        talk,
        talk_yes,
        talk_no,
        what,
        worries,
        no_sleep,
        no_appetite,
        nothing,
        long,
        long_yes,
        long_no,
    )


def send(sheet: Sheet, pregnancy: object, *, flagged: bool, what: str = "夜眠れません") -> object:
    """Her answers, sent: 1 はい with a text; 3 眠れない; 4 はい (the flag) or いいえ."""
    from scheduling.questionnaires import Given, questionnaire_response_save

    given = {
        sheet.talk.pk: Given(choice_ids=frozenset({sheet.talk_yes.pk})),
        sheet.what.pk: Given(text=what),
        sheet.worries.pk: Given(choice_ids=frozenset({sheet.no_sleep.pk})),
        sheet.long.pk: Given(
            choice_ids=frozenset({(sheet.long_yes if flagged else sheet.long_no).pk})
        ),
    }
    response, missing = questionnaire_response_save(
        pregnancy=pregnancy,  # type: ignore[arg-type]
        questionnaire=sheet.questionnaire,
        given=given,
        submit=True,
    )
    assert not missing, missing
    return response
