"""A questionnaire's branching: a question whose condition (an earlier answer's choice) is not
met is not shown and not required, whatever the shape of the questionnaire."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from scheduling.questionnaire_models import Question
from scheduling.questionnaires import Given, missing_answers, visible_questions
from tests.base import BaseTestCase

from .helpers import eighth_month_sheet


class BranchingOnTheSheetTest(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.s = eighth_month_sheet(self.w)
        self.questions = list(self.s.questionnaire.questions.order_by("order"))

    def shown(self, given: dict[int, Given]) -> list[Question]:
        return visible_questions(self.questions, given)

    def test_with_no_answers_only_the_unconditioned_questions_show(self) -> None:
        self.assertEqual(self.shown({}), [self.s.talk, self.s.worries])

    def test_a_yes_shows_the_follow_up_question(self) -> None:
        given = {self.s.talk.pk: Given(choice_ids=frozenset({self.s.talk_yes.pk}))}
        self.assertEqual(self.shown(given), [self.s.talk, self.s.what, self.s.worries])

    def test_a_no_keeps_it_hidden_and_not_required(self) -> None:
        given = {self.s.talk.pk: Given(choice_ids=frozenset({self.s.talk_no.pk}))}
        self.assertNotIn(self.s.what, self.shown(given))
        self.assertEqual(missing_answers(self.questions, given), {})

    def test_a_condition_on_one_of_several_choices_of_a_multiple_choice(self) -> None:
        worries = frozenset({self.s.no_appetite.pk, self.s.no_sleep.pk})
        given = {
            self.s.talk.pk: Given(choice_ids=frozenset({self.s.talk_no.pk})),
            self.s.worries.pk: Given(choice_ids=worries),
        }
        self.assertIn(self.s.long, self.shown(given))
        self.assertEqual(list(missing_answers(self.questions, given)), [self.s.long.pk])

    def test_a_required_shown_question_left_empty_is_missing(self) -> None:
        given = {self.s.talk.pk: Given(choice_ids=frozenset({self.s.talk_yes.pk}))}
        self.assertEqual(list(missing_answers(self.questions, given)), [self.s.what.pk])
        given[self.s.what.pk] = Given(text="   ")
        self.assertEqual(list(missing_answers(self.questions, given)), [self.s.what.pk])

    def test_a_hidden_question_shows_nothing_that_hangs_on_its_choices(self) -> None:
        # 3 now hangs on 1's はい, and 4 on 3's 眠れない: with 1 answered いいえ, 3 is hidden, so
        # its stale 眠れない must not show 4.
        self.s.worries.shown_if = self.s.talk_yes
        self.s.worries.save()
        questions = list(self.s.questionnaire.questions.order_by("order"))
        given = {
            self.s.talk.pk: Given(choice_ids=frozenset({self.s.talk_no.pk})),
            self.s.worries.pk: Given(choice_ids=frozenset({self.s.no_sleep.pk})),
        }
        self.assertEqual(visible_questions(questions, given), [self.s.talk])


@st.composite
def questionnaires(draw: st.DrawFn) -> tuple[list[Question], dict[int, Given]]:
    """Up to 8 questions of 3 choices each (choice id = 10 × question id + 1..3), each with
    no condition or a condition on a choice of an earlier question; and random picks."""
    count = draw(st.integers(min_value=1, max_value=8))
    questions = []
    for pk in range(1, count + 1):
        condition = draw(
            st.none()
            | st.builds(
                lambda q, c: 10 * q + c,
                st.integers(min_value=1, max_value=max(pk - 1, 1)),
                st.integers(min_value=1, max_value=3),
            )
        )
        if pk == 1:
            condition = None
        questions.append(
            Question(
                pk=pk,
                order=pk,
                kind="multiple",
                text=f"q{pk}",
                required=draw(st.booleans()),
                shown_if_id=condition,
            )
        )
    picks = {
        q.pk: Given(
            choice_ids=frozenset(
                draw(st.sets(st.sampled_from([10 * q.pk + c for c in (1, 2, 3)]), max_size=3))
            )
        )
        for q in questions
    }
    return questions, picks


@given(questionnaires())
def test_a_question_shows_exactly_when_its_condition_is_met_by_a_shown_question(
    case: tuple[list[Question], dict[int, Given]],
) -> None:
    questions, picks = case
    shown = visible_questions(questions, picks)
    shown_ids = {q.pk for q in shown}
    for question in questions:
        condition = question.shown_if_id
        if condition is None:
            assert question.pk in shown_ids
            continue
        owner = condition // 10
        met = owner in shown_ids and condition in picks[owner].choice_ids
        assert (question.pk in shown_ids) == met
    assert [q.pk for q in shown] == sorted(shown_ids)


@given(questionnaires())
def test_only_shown_required_empty_questions_are_missing(
    case: tuple[list[Question], dict[int, Given]],
) -> None:
    questions, picks = case
    shown_ids = {q.pk for q in visible_questions(questions, picks)}
    missing = set(missing_answers(questions, picks))
    expected = {
        q.pk for q in questions if q.pk in shown_ids and q.required and not picks[q.pk].choice_ids
    }
    assert missing == expected
