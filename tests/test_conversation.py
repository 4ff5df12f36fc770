"""The session's logic turn by turn with text: states, commands, safety turns, timer, idle and wake."""

from __future__ import annotations

import pytest

from voice.conversation import AdjustVoice, Conversation, Cue, Options, State
from voice.resolver import Context, Pregnancy, Resolver

from conftest import FakeClock


def said(reply) -> str:
    return " ".join(reply.spoken)


def to_state(talk: Conversation, state: State, clock: FakeClock) -> None:
    """Drive a fresh conversation into a state the way a person would."""
    steps = {
        State.WHERE: [],
        State.PREGNANCY: ["my left wrist hurts"],
        State.INSTRUCTED: ["my left elbow hurts"],
        State.TIMING: ["my left elbow hurts", "start"],
        State.OFFER: ["my left elbow hurts", "start", None],
    }[state]
    for step in steps:
        if step is None:
            clock.now += 61
            talk.tick()
        else:
            talk.hear(step)
    assert talk.state is state


ASKING = [State.WHERE, State.PREGNANCY, State.INSTRUCTED, State.TIMING, State.OFFER]


def test_greeting_then_where_does_it_hurt(resolver: Resolver) -> None:
    conversation = Conversation(resolver, Context(), Options("hello helper"))
    reply = conversation.start()
    assert reply.spoken[-1] == "Where does it hurt?"
    assert conversation.state is State.WHERE


def test_an_instruction_echoes_first_and_offers_the_timer(talk: Conversation) -> None:
    reply = talk.hear("my left elbow hurts")
    text = said(reply)
    assert text.startswith("Your left elbow.")
    assert "right knee" in text and text.endswith("Say start, and I will time one minute for you.")
    assert talk.state is State.INSTRUCTED


@pytest.mark.parametrize("state", ASKING)
def test_stop_works_in_every_state(talk: Conversation, clock: FakeClock, state: State) -> None:
    to_state(talk, state, clock)
    reply = talk.hear("stop")
    assert said(reply) == "Goodbye. Take care."
    assert talk.ended and talk.timer_due is None


@pytest.mark.parametrize("word", ["cancel", "quit", "I'm done"])
def test_cancel_and_quit_stop_too(talk: Conversation, word: str) -> None:
    talk.hear(word)
    assert talk.ended


@pytest.mark.parametrize("state", ASKING)
def test_help_says_what_can_be_said_now(talk: Conversation, clock: FakeClock, state: State) -> None:
    to_state(talk, state, clock)
    reply = talk.hear("help")
    assert reply.spoken and "stop" in said(reply)
    assert talk.state is state


@pytest.mark.parametrize("state", ASKING)
@pytest.mark.parametrize("change", ["slower", "faster", "louder", "softer"])
def test_voice_changes_in_every_state(talk: Conversation, clock: FakeClock, state: State, change: str) -> None:
    to_state(talk, state, clock)
    reply = talk.hear(change)
    assert reply.actions[0] == AdjustVoice(change)
    assert talk.state is state


@pytest.mark.parametrize("state", ASKING)
def test_repeat_says_the_last_thing_again(talk: Conversation, clock: FakeClock, state: State) -> None:
    to_state(talk, state, clock)
    before = talk._last[:-1] if state is State.TIMING else talk._last  # not "say start": it has started
    reply = talk.hear("repeat")
    assert tuple(reply.spoken) == before and reply.spoken
    assert talk.state is state


def test_repeat_while_the_timer_runs_says_the_instruction_not_say_start(talk: Conversation, clock: FakeClock) -> None:
    instruction = talk.hear("my right knee hurts").spoken
    talk.hear("start")
    clock.now += 30
    talk.tick()
    again = talk.hear("repeat").spoken
    assert again == instruction[:-1] and not any("Say start" in text for text in again)
    assert talk.state is State.TIMING
    clock.now += 31
    assert talk.tick().spoken[0] == "Time is up. Well done."


def test_repeat_gives_the_same_instruction_even_after_help(talk: Conversation) -> None:
    first = talk.hear("my right knee hurts")
    talk.hear("help")
    talk.hear("slower")
    assert talk.hear("say that again").spoken == first.spoken


@pytest.mark.parametrize("state", ASKING)
def test_another_spot_in_every_state(talk: Conversation, clock: FakeClock, state: State) -> None:
    to_state(talk, state, clock)
    reply = talk.hear("another spot")
    assert said(reply) == "Where does it hurt?"
    assert talk.state is State.WHERE and talk.timer_due is None


@pytest.mark.parametrize("state", ASKING)
def test_a_new_pain_is_answered_in_every_state(talk: Conversation, clock: FakeClock, state: State) -> None:
    to_state(talk, state, clock)
    reply = talk.hear("my right knee hurts")
    assert said(reply).startswith("Your right knee.")
    assert talk.state is State.INSTRUCTED


def test_the_pregnancy_question_comes_before_any_contraindicated_area(talk: Conversation) -> None:
    reply = talk.hear("my left wrist hurts")
    assert reply.spoken == ["Your left wrist.", talk.resolver.language.say["ask_pregnancy"]]
    assert "massage" not in said(reply).lower()
    answer = talk.hear("yes")
    text = said(answer)
    assert text.index("Because you are pregnant") < text.index("Gently massage your right ankle")


def test_the_answer_is_remembered_for_the_session(talk: Conversation) -> None:
    talk.hear("my left wrist hurts")
    talk.hear("no")
    assert talk.context.pregnancy is Pregnancy.NO
    reply = talk.hear("my thumb hurts")
    assert "pregnant" not in said(reply) and talk.state is State.INSTRUCTED


def test_pregnancy_said_with_the_pain_needs_no_question(talk: Conversation) -> None:
    reply = talk.hear("I'm pregnant and my left hip hurts")
    assert "are you pregnant" not in said(reply)
    assert said(reply).index("Because you are pregnant") < said(reply).index("Gently massage")
    assert talk.hear("my left wrist").spoken[0].startswith("Your left wrist. Because you are pregnant")


def test_every_contraindicated_area_asks_first(resolver: Resolver, clock: FakeClock) -> None:
    for area in resolver.knowledge.areas.values():
        if area.corresponds_to is None:
            continue
        conversation = Conversation(resolver, Context(), Options("hello helper"), clock=clock)
        conversation.start()
        name = resolver.language.area_names[area.id][0]
        reply = conversation.hear(f"my {name} hurts")
        target = resolver.knowledge.areas[area.corresponds_to]
        risky = [p for p in resolver.points_near(target.id) if p.avoid_in_pregnancy]
        assert (conversation.state is State.PREGNANCY) == bool(risky), area.id
        if risky:
            assert "massage" not in said(reply).lower()


UNCLEAR = "Please say yes or no: are you, or the person you are massaging, pregnant?"


@pytest.mark.parametrize("answer, pregnancy", [
    ("yes she is", Pregnancy.YES), ("yes my wife is", Pregnancy.YES), ("yes he is", Pregnancy.YES),
    ("no, but my wife is", Pregnancy.UNKNOWN), ("no she is", Pregnancy.UNKNOWN), ("no he isn't", Pregnancy.UNKNOWN),
])
def test_an_answer_that_names_the_person_massaged(talk: Conversation, answer: str, pregnancy: Pregnancy) -> None:
    """The question asks about the speaker or the person massaged: "yes she is" answers it; a no
    with someone else in it is never taken for a no."""
    talk.hear("my wife's left wrist hurts")
    reply = talk.hear(answer)
    assert talk.context.pregnancy is pregnancy
    if pregnancy is Pregnancy.YES:
        assert said(reply).index("is pregnant, do not press") < said(reply).index("Gently massage")
    else:
        assert reply.spoken == [UNCLEAR] and talk.state is State.PREGNANCY


def test_an_unclear_pregnancy_answer_is_asked_again_then_warned_first(talk: Conversation) -> None:
    talk.hear("I have a headache")
    assert talk.hear("no idea").spoken == [UNCLEAR]
    assert talk.context.pregnancy is Pregnancy.UNKNOWN  # "no idea" is not a no
    reply = talk.hear("I don't know")
    text = said(reply)
    assert text.index("If you are pregnant") < text.index("Gently massage")
    assert "You can also press" not in text  # nothing to avoid is recommended while unknown


@pytest.mark.parametrize("answer", ["", "[unk]", "mm hmm", "banana"])
def test_noise_is_not_an_answer_and_never_gives_up(talk: Conversation, answer: str) -> None:
    talk.hear("I have a headache")
    for _ in range(5):
        assert talk.hear(answer).spoken == [UNCLEAR]
    assert talk.state is State.PREGNANCY


@pytest.mark.parametrize("answer", ["no, but I might be", "yes no", "not sure"])
def test_mixed_answers_are_not_taken_as_no(talk: Conversation, answer: str) -> None:
    talk.hear("I have a headache")
    talk.hear(answer)
    assert talk.context.pregnancy is not Pregnancy.NO


@pytest.mark.parametrize("answer", ["no I'm not", "no I am not", "no not me", "no, I'm not"])
def test_no_with_i_am_not_is_a_no(talk: Conversation, answer: str) -> None:
    """The most usual answer to "are you pregnant?" was asked again ("Please say yes or no")."""
    talk.hear("I have a headache")
    reply = talk.hear(answer)
    assert talk.context.pregnancy is Pregnancy.NO and "Gently massage" in said(reply)


@pytest.mark.parametrize("answer", ["I don't think so", "not that I know of", "I'm not", "yes not"])
def test_a_not_without_a_no_may_hedge_and_is_asked_again(talk: Conversation, answer: str) -> None:
    talk.hear("I have a headache")
    assert talk.hear(answer).spoken == [UNCLEAR]
    assert talk.context.pregnancy is not Pregnancy.NO


@pytest.mark.parametrize("state", [State.PREGNANCY, State.INSTRUCTED, State.OFFER])
@pytest.mark.parametrize("answer", ["no chest pain", "no fever", "yes chest pain"])
def test_a_sign_said_right_after_an_answer_word_is_had_not_denied(
        talk: Conversation, clock: FakeClock, state: State, answer: str) -> None:
    """Speech comes without commas: to a question (or an echo-back), "no chest pain" is "no,
    chest pain", so it gets medical help, not "please say yes or no" and then a massage.
    Said as a first request, "no chest pain, my shoulder aches" denies it (the table)."""
    to_state(talk, state, clock)
    reply = talk.hear(answer)
    assert "medical help" in said(reply) and "Gently massage" not in said(reply), said(reply)


def test_that_is_wrong_to_the_question_corrects_the_echo(talk: Conversation) -> None:
    talk.hear("I have a headache")
    assert said(talk.hear("that's wrong")) == "Sorry about that. Where does it hurt?"
    assert talk.context.pregnancy is Pregnancy.UNKNOWN and talk.state is State.WHERE


def test_pregnancy_said_after_the_instruction_corrects_it(talk: Conversation) -> None:
    talk.hear("I'm not pregnant")
    first = said(talk.hear("I have a headache"))
    assert "You can also press" in first
    talk.hear("start")
    again = said(talk.hear("actually I am pregnant"))
    assert again.index("Because you are pregnant") < again.index("Gently massage")
    assert "You can also press" not in again
    assert talk.timer_due is None and talk.state is State.INSTRUCTED


def test_a_pain_that_will_not_stop_is_a_pain_not_a_stop(talk: Conversation) -> None:
    reply = talk.hear("my knee pain won't stop")
    assert said(reply).startswith("Your knee.") and not talk.ended


def test_not_understood_mid_session_says_what_can_be_said(talk: Conversation) -> None:
    talk.hear("my left elbow hurts")
    reply = talk.hear("how much longer")
    assert reply.spoken == ["Sorry, I did not catch that.", talk.resolver.language.say["help_instructed"]]


def test_start_again_while_timing_restarts_the_timer(talk: Conversation, clock: FakeClock) -> None:
    talk.hear("my left elbow hurts")
    talk.hear("start")
    clock.now += 30
    talk.hear("start")
    assert talk.timer_due == clock.now + 60


def test_at_home_the_next_person_starts_afresh(resolver: Resolver) -> None:
    home = Conversation(resolver, Context(), Options("hello helper", home=True))
    home.start()
    home.hear("hello helper")
    home.hear("I'm not pregnant")
    home.hear("my left foot hurts")
    home.hear("stop")
    home.hear("hello helper")
    assert home.context.pregnancy is Pregnancy.UNKNOWN
    assert said(home.hear("other side")).startswith("This place has no other side")
    assert home.hear("I have a headache").spoken[-1] == resolver.language.say["ask_pregnancy"]


def test_a_request_with_the_wake_phrase_is_answered(resolver: Resolver) -> None:
    home = Conversation(resolver, Context(), Options("hello helper", home=True))
    home.start()
    reply = home.hear("hello helper, my left knee hurts")
    assert said(reply).startswith("Your left knee.") and home.state is State.INSTRUCTED


def test_no_corrects_a_mishearing(talk: Conversation) -> None:
    talk.hear("my left elbow hurts")
    reply = talk.hear("no that's wrong")
    assert said(reply) == "Sorry about that. Where does it hurt?"
    assert talk.state is State.WHERE
    assert said(talk.hear("no, my left knee")).startswith("Your left knee.")


def test_the_timer_turn(talk: Conversation, clock: FakeClock) -> None:
    talk.hear("my left elbow hurts")
    reply = talk.hear("start")
    assert said(reply) == "Massage gently now. I will tell you when one minute is up."
    assert talk.timer_due == clock.now + 60
    clock.now += 59
    assert talk.tick().actions == ()
    assert talk.silence().actions == ()  # quiet while massaging is normal
    clock.now += 1
    done = talk.tick()
    assert done.actions[0] == Cue("timer")
    assert done.spoken == ["Time is up. Well done.",
                           "Would you like the other side, another spot, or are you done?"]
    assert talk.tick().actions == ()  # said once


def test_the_other_side_after_the_timer(talk: Conversation, clock: FakeClock) -> None:
    to_state(talk, State.OFFER, clock)
    reply = talk.hear("yes")
    assert said(reply).startswith("Your right elbow.") and "left knee" in said(reply)


def test_no_after_the_timer_ends(talk: Conversation, clock: FakeClock) -> None:
    to_state(talk, State.OFFER, clock)
    talk.hear("no")
    assert talk.ended


def test_other_side_when_there_is_none(talk: Conversation) -> None:
    talk.hear("my neck hurts")
    talk.hear("no")
    assert said(talk.hear("the other side")).startswith("This place has no other side")


def test_duration_setting_is_used(resolver: Resolver, clock: FakeClock) -> None:
    conversation = Conversation(resolver, Context(duration_seconds=120), Options("hello helper"), clock=clock)
    conversation.start()
    conversation.hear("my knee")
    assert "2 minutes" in said(conversation.hear("start"))
    assert conversation.timer_due == clock.now + 120


def test_not_understood_gives_an_example(talk: Conversation) -> None:
    reply = talk.hear("my stomach hurts")
    assert reply.spoken == ["Sorry, I did not understand where it hurts.",
                            "You can say, for example: my left elbow hurts."]
    assert talk.state is State.WHERE


def test_systemic_gets_an_honest_answer(talk: Conversation) -> None:
    assert "practitioner" in said(talk.hear("I have insomnia"))


def test_silence_reprompts_then_goes_idle_and_the_wake_phrase_wakes_it(talk: Conversation) -> None:
    assert said(talk.silence()) == "I am listening. Where does it hurt?"
    assert said(talk.silence()) == "I will wait. Say hello helper when you need me."
    assert talk.state is State.IDLE
    assert talk.hear("my knee hurts").actions == ()  # asleep: ignores speech
    assert talk.hear("stop").actions == ()
    woke = talk.hear("hello helper")
    assert woke.spoken[-1] == "Where does it hurt?" and talk.state is State.WHERE


def test_home_mode_starts_idle_and_stop_goes_back_to_idle(resolver: Resolver) -> None:
    conversation = Conversation(resolver, Context(), Options("hello helper", home=True))
    assert conversation.start().actions == ()
    assert conversation.state is State.IDLE
    conversation.hear("Hello, helper!")
    conversation.hear("stop")
    assert conversation.state is State.IDLE and not conversation.ended


def test_pregnancy_mentioned_alone_is_remembered(talk: Conversation) -> None:
    reply = talk.hear("I am pregnant")
    assert said(reply).startswith("Thank you")
    assert "Because you are pregnant" in said(talk.hear("my right wrist"))


def test_someone_else_is_asked_about_afresh(talk: Conversation) -> None:
    talk.hear("I'm not pregnant")
    reply = talk.hear("my wife has a headache")
    assert reply.spoken[-1] == talk.resolver.language.say["ask_pregnancy"]


def test_someone_elses_place_stays_theirs_through_the_session(talk: Conversation) -> None:
    """The person massaging their son hears where to massage him, not themselves."""
    first = said(talk.hear("my son's left elbow hurts"))
    assert first.startswith("The left elbow.") and "Gently massage the right knee." in first
    assert "Gently massage the left knee." in said(talk.hear("other side"))
    assert "Gently massage your right knee." in said(talk.hear("my own left elbow hurts"))
