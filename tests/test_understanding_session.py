"""The spoken session on the way people really talk: which part of a vague place, a second place
offered next, red flags and idioms, turn by turn with text."""

from __future__ import annotations

import pytest

from voice.conversation import Conversation, Options, State
from voice.resolver import Context, Resolver

from conftest import FakeClock


def said(reply) -> str:
    return " ".join(reply.spoken)


def test_a_vague_place_is_asked_about_then_answered_on_its_side(talk: Conversation) -> None:
    reply = talk.hear("my left arm hurts")
    assert reply.spoken == ["Which part of your arm: shoulder, upper arm, elbow, forearm, wrist or hand?"]
    assert talk.state is State.WHICH
    answer = said(talk.hear("the elbow"))
    assert answer.startswith("Your left elbow.") and "Gently massage your right knee" in answer
    assert talk.state is State.INSTRUCTED


@pytest.mark.parametrize("text, question", [
    ("I stubbed my toe", "Which toe? Or all of them?"), ("my finger hurts", "Which finger? Or all of them?"),
    ("my back hurts", "Which part of your back: lower back or middle of the back?"),
    ("my leg is sore", "Which part of your leg: hip, thigh, knee, lower leg, ankle or foot?"),
])
def test_each_vague_place_has_its_question(talk: Conversation, text: str, question: str) -> None:
    assert talk.hear(text).spoken == [question]


@pytest.mark.parametrize("answer, area", [("the big one", "big_toe"), ("big", "big_toe"), ("second", "second_toe"),
                                          ("my little toe", "little_toe")])
def test_which_toe_is_understood_from_a_short_answer(talk: Conversation, answer: str, area: str) -> None:
    talk.hear("I stubbed my toe")
    talk.hear(answer)
    assert talk._pain is not None and talk._pain.area == area


@pytest.mark.parametrize("pain, answer, said, target", [
    ("my fingers ache", "all of them", "Both hands.", "Gently massage both feet."),
    ("my left toes hurt", "all", "Your left foot.", "Gently massage your right hand."),
])
def test_all_the_fingers_or_toes_are_the_hand_or_the_foot(talk: Conversation, pain: str, answer: str, said: str,
                                                           target: str) -> None:
    talk.hear(pain)
    assert " ".join(talk.hear(answer).spoken).startswith(said)
    assert target in " ".join(talk.hear("no").spoken)  # not pregnant


def test_an_unclear_answer_asks_again_and_stop_still_works(talk: Conversation) -> None:
    talk.hear("my arm hurts")
    reply = talk.hear("banana")
    assert reply.spoken[-1].startswith("Which part of your arm")
    assert talk.state is State.WHICH
    assert said(talk.hear("stop")) == "Goodbye. Take care."


def test_silence_repeats_the_question(talk: Conversation) -> None:
    talk.hear("my back hurts")
    assert talk.silence().spoken == ["Which part of your back: lower back or middle of the back?"]


def test_the_second_place_is_offered_when_the_first_is_done(talk: Conversation, clock: FakeClock) -> None:
    """The places to massage hurt too here: each time it says so and uses the other side."""
    first = said(talk.hear("my left knee and my right elbow hurt"))
    assert first.startswith("Your left knee.")
    assert "There is pain in your right elbow too, so use the other side. Gently massage your left elbow." in first
    talk.hear("start")
    clock.now += 61
    offer = talk.tick()
    assert offer.spoken[-1] == "You also mentioned your right elbow. Shall we do that next?"
    answer = said(talk.hear("yes"))
    assert answer.startswith("Your right elbow.")
    assert "There is pain in your left knee too, so use the other side. Gently massage your right knee." in answer


@pytest.mark.parametrize("text, first, offered, second", [
    ("I'm not pregnant, my left knee and my wife's right wrist hurt", "Your left knee.", "the right wrist",
     "The right wrist."),
    ("my wife's left knee and my own right wrist hurt", "The left knee.", "your right wrist", "Your right wrist."),
])
def test_a_second_place_is_its_own_persons_and_their_pregnancy_is_asked(
        talk: Conversation, clock: FakeClock, text: str, first: str, offered: str, second: str) -> None:
    """Places said together may be two people's: each is "your" or "the" by its own person, and
    what one said of their pregnancy is not the other's, so the wrist (whose corresponding ankle
    holds points never used in pregnancy) is asked about before any instruction."""
    assert said(talk.hear(text)).startswith(first)
    talk.hear("start")
    clock.now += 61
    assert talk.tick().spoken[-1] == f"You also mentioned {offered}. Shall we do that next?"
    question = said(talk.hear("yes"))
    assert question.startswith(second) and "pregnant?" in question and "massage" not in question
    assert talk.state is State.PREGNANCY
    answer = said(talk.hear("no"))
    assert f"Gently massage {offered.split()[0]} left ankle" in answer


def test_the_second_place_can_be_declined(talk: Conversation, clock: FakeClock) -> None:
    talk.hear("my knee and my elbow both hurt")
    talk.hear("start")
    clock.now += 61
    assert talk.tick().spoken[-1] == "You also mentioned your elbow. Shall we do that next?"
    assert talk.hear("no").spoken == ["Would you like another spot, or are you done?"]
    assert talk.state is State.OFFER


@pytest.mark.parametrize("text", ["I have chest pain", "I hit my head and now it hurts", "my left arm is numb",
                                  "I can't put any weight on my ankle"])
def test_a_red_flag_gets_medical_help_never_a_massage(talk: Conversation, text: str) -> None:
    reply = said(talk.hear(text))
    assert "medical help now" in reply
    assert "massage your" not in reply and "press" not in reply and "start" not in reply.lower()
    assert talk.state is State.WHERE and talk.timer_due is None


def test_a_red_flag_during_the_pregnancy_question(talk: Conversation) -> None:
    talk.hear("my left wrist hurts")
    assert "medical help now" in said(talk.hear("actually I have chest pain"))


@pytest.mark.parametrize(("text", "place"), [("I don't have a fever, my knee hurts", "Your knee."),
                                             ("no chest pain, my left shoulder aches", "Your left shoulder.")])
def test_a_red_flag_said_not_to_be_had_gets_the_massage(talk: Conversation, text: str, place: str) -> None:
    reply = said(talk.hear(text))
    assert reply.startswith(place) and "Gently massage" in reply and "doctor" not in reply


def test_a_no_that_answers_then_a_red_flag_gets_medical_help(talk: Conversation) -> None:
    talk.hear("my left wrist hurts")
    reply = said(talk.hear("no, chest pain"))
    assert "medical help now" in reply and "massage your" not in reply


@pytest.mark.parametrize("text", ["hand me the remote", "break a leg", "can you give me a hand"])
def test_an_idiom_is_not_a_pain(talk: Conversation, text: str) -> None:
    reply = said(talk.hear(text))
    assert "massage" not in reply and talk.state is State.WHERE


def test_a_place_said_not_to_hurt_is_never_massaged(talk: Conversation) -> None:
    reply = said(talk.hear("my knee doesn't hurt anymore"))
    assert "massage" not in reply and "glad" in reply
    reply = said(talk.hear("my wrist is fine, it's my ankle that hurts"))
    assert reply.startswith("Your ankle.") and "massage either wrist" in reply


def test_someone_elses_pregnancy_is_asked_though_the_speaker_is_not_pregnant(talk: Conversation) -> None:
    reply = said(talk.hear("I'm not pregnant, my wife has a migraine"))
    assert "are you, or the person you are massaging, pregnant" in reply
    assert "press gently on" not in reply


def test_an_elided_yes_is_said_of_the_person_it_names(talk: Conversation) -> None:
    """ "I'm not pregnant but my wife IS": the wife is pregnant, and the speaker's no is not hers."""
    reply = said(talk.hear("I'm not pregnant but my wife is and she has a migraine"))
    assert "Because the person you are massaging is pregnant, do not press" in reply
    assert "press gently on" not in reply


def test_two_places_said_as_alternatives_are_asked_about_and_the_answer_taken(talk: Conversation) -> None:
    """ "My knee or my shin, I can't tell": never a guess; "the shin" is answered."""
    assert said(talk.hear("my left knee or my left shin, I can't tell which")) == \
        "Which hurts: your left knee or the front of your left lower leg?"
    answer = said(talk.hear("the shin"))
    assert answer.startswith("The front of your left lower leg.") and "forearm" in answer


def test_a_word_not_heard_where_a_not_could_stand_is_asked_back(talk: Conversation) -> None:
    """ "My knee [unk] hurt anymore": a "doesn't" may have been lost; the place is asked back first."""
    assert said(talk.hear("my left knee [unk] hurt anymore")) == "Did you say your left knee?"
    assert "Gently massage your right elbow" in said(talk.hear("yes"))


@pytest.mark.parametrize("answer", ["no, probably not", "no I hope not", "not that I know of", "i [unk] not"])
def test_a_hedged_answer_to_the_pregnancy_question_is_no_no(talk: Conversation, answer: str) -> None:
    """To "are you pregnant?", only a plain no is a no: a hedged one leaves the points avoided."""
    assert "pregnant?" in said(talk.hear("I have a headache"))
    reply = said(talk.hear(answer))
    assert "press gently on" not in reply
    assert "pregnant" in reply  # asked again, or the points named to avoid
