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


# ---------------------------------------------------------------- directions by touch, one step at a time


def elbow_steps(resolver: Resolver) -> list[str]:
    """The steps to the right elbow (the answer to a left knee), as each is said."""
    steps = resolver.language.directions.areas["elbow"]
    return [f"Step {n}. {step}" for n, step in enumerate((*steps.steps, steps.spot), start=1)]


def test_how_do_i_find_it_leads_through_the_steps_with_next_repeat_and_back(talk: Conversation) -> None:
    steps = elbow_steps(talk.resolver)
    talk.hear("my left knee hurts")
    first = talk.hear("how do I find it?")
    assert first.spoken == ["To find your right elbow: 4 steps.", steps[0]]
    assert talk.state is State.FINDING
    assert talk.hear("next").spoken == [steps[1]]
    assert talk.hear("repeat").spoken == [steps[1]]
    assert talk.hear("back").spoken == first.spoken  # "back" is a step, not "which part of your back?"
    assert talk.hear("back").spoken == [talk.resolver.language.directions.say["first_step"], *first.spoken]
    assert talk.hear("next please").spoken == [steps[1]]
    assert talk.hear("next").spoken == [steps[2]]
    assert talk.hear("next").spoken == [steps[3]]
    end = talk.hear("next")
    assert end.spoken == ["That was the last step.", "Say start, and I will time one minute for you."]
    assert talk.state is State.INSTRUCTED
    assert said(talk.hear("start")).startswith("Massage gently now")


@pytest.mark.parametrize("asked", ["where is that?", "where exactly?", "ok so how do I find that"])
def test_each_way_of_asking_starts_the_steps(talk: Conversation, asked: str) -> None:
    talk.hear("my left knee hurts")
    assert talk.hear(asked).spoken[1] == elbow_steps(talk.resolver)[0]


def test_a_pause_says_the_next_step_and_wait_holds_it(talk: Conversation) -> None:
    steps = elbow_steps(talk.resolver)
    talk.hear("my left knee hurts")
    assert talk.step_pause is None  # nothing being followed: the usual listening
    talk.hear("where exactly")
    assert talk.step_pause == 8.0
    assert talk.silence().spoken == [steps[1]]  # the person had the time to follow the step
    assert talk.hear("wait").spoken == ["I will wait. Say next when you are ready."]
    assert talk.step_pause is None  # no step comes by itself now
    assert talk.silence().spoken == ["I will wait. Say next when you are ready."]
    assert talk.state is State.FINDING
    assert talk.hear("go on").spoken == [steps[2]]
    assert talk.silence().spoken == [steps[3]]
    assert talk.silence().spoken[0] == "That was the last step." and talk.state is State.INSTRUCTED


def test_the_pause_is_a_setting(resolver: Resolver, clock: FakeClock) -> None:
    talk = Conversation(resolver, Context(), Options("hello helper", step_pause=15.0), clock=clock)
    talk.start()
    talk.hear("my left knee hurts")
    talk.hear("how do I find it")
    assert talk.step_pause == 15.0


@pytest.mark.parametrize("step", range(4))
def test_a_new_place_is_answered_at_any_step(talk: Conversation, step: int) -> None:
    talk.hear("my left knee hurts")
    talk.hear("how do I find it")
    for _ in range(step):
        talk.hear("next")
    reply = talk.hear("my right ankle hurts")
    assert said(reply).startswith("Your right ankle.") and "left wrist" in said(reply)
    assert talk.state is State.INSTRUCTED and talk.step_pause is None


@pytest.mark.parametrize("step", range(4))
def test_another_spot_and_stop_work_at_any_step(talk: Conversation, step: int) -> None:
    talk.hear("my left knee hurts")
    talk.hear("how do I find it")
    for _ in range(step):
        talk.silence()
    assert talk.hear("another spot").spoken == ["Where does it hurt?"] and talk.state is State.WHERE
    talk.hear("my left knee hurts")
    talk.hear("how do I find it")
    assert said(talk.hear("stop")) == "Goodbye. Take care." and talk.ended


def test_my_back_during_the_steps_is_a_place_not_a_step_back(talk: Conversation) -> None:
    talk.hear("my left knee hurts")
    talk.hear("how do I find it")
    talk.hear("next")
    assert said(talk.hear("my back hurts")).startswith("Which part of your back")


def test_help_during_the_steps_says_next_back_repeat_and_wait(talk: Conversation) -> None:
    talk.hear("my left knee hurts")
    talk.hear("how do I find it")
    help_ = said(talk.hear("help"))
    assert all(word in help_ for word in ("next", "back", "repeat", "wait"))
    assert talk.state is State.FINDING


def test_the_points_recommended_follow_the_place(resolver: Resolver, clock: FakeClock) -> None:
    talk = Conversation(resolver, Context(pregnancy=Pregnancy.NO), Options("hello helper"), clock=clock)
    talk.start()
    talk.hear("I have a headache")
    titles = [talk.hear("how do I find it").spoken[0]]
    for _ in range(30):
        reply = talk.hear("next")
        titles += [text for text in reply.spoken if text.startswith("To find")]
        if talk.state is not State.FINDING:
            break
    names = resolver.language.point_names
    assert titles == ["To find your hands and feet: 4 steps.", f"To find {names['LI4']}: 5 steps.",
                      f"To find {names['LV3']}: 4 steps."]


def all_steps(talk: Conversation, asked: str) -> list[str]:
    """Everything said from asking for directions to the end of their steps."""
    spoken = list(talk.hear(asked).spoken)
    for _ in range(30):
        if talk.state is not State.FINDING:
            return spoken
        spoken += talk.hear("next").spoken
    raise AssertionError("the steps never ended")


def test_a_pregnant_person_finds_the_points_to_keep_off(talk: Conversation) -> None:
    talk.hear("I'm pregnant and my right wrist hurts")  # the left ankle: keep off UB60 and SP6
    spoken = all_steps(talk, "where is that point?")
    names = talk.resolver.language.point_names
    assert f"Where {names['UB60']} is, so you can keep off it: 4 steps." in spoken
    assert f"Where {names['SP6']} is, so you can keep off it: 4 steps." in spoken
    assert f"Step 4. That is {names['UB60']}. In pregnancy, do not press here: take the fingers away." in spoken
    for code in ("UB60", "SP6"):  # never told to stay on it
        assert not any(talk.resolver.language.directions.points[code].spot in text for text in spoken)
    assert spoken[-1] == "Say start, and I will time one minute for you."


@pytest.mark.parametrize("asked", ["where is LI4?", "where is L I four", "where is large intestine four"])
def test_a_point_named_by_its_code_or_name_is_found_to_keep_off_unless_not_pregnant(
        talk: Conversation, asked: str) -> None:
    spoken = all_steps(talk, asked)  # before any answer: pregnancy not known, so kept off
    assert spoken[0].startswith(f"Where {talk.resolver.language.point_names['LI4']} is, so you can keep off it")
    assert "do not press here" in spoken[-3] and spoken[-1] == "Where does it hurt?"
    talk.hear("I'm not pregnant")
    spoken = all_steps(talk, asked)
    assert spoken[0].startswith("To find") and talk.resolver.language.directions.points["LI4"].spot in spoken[-3]


def test_nothing_to_find_before_an_answer_and_no_point_to_find_without_one(talk: Conversation) -> None:
    say = talk.resolver.language.directions.say
    assert talk.hear("how do I find it").spoken == [say["nothing_to_find"]] and talk.state is State.WHERE
    talk.hear("my left knee hurts")
    assert talk.hear("where is that point").spoken == [say["no_points"]] and talk.state is State.INSTRUCTED
    assert said(talk.hear("next")) == "Where does it hurt?"  # without steps, next is "another spot"


def test_asking_while_the_timer_runs_stops_it_for_the_steps(talk: Conversation, clock: FakeClock) -> None:
    talk.hear("my left knee hurts")
    talk.hear("start")
    talk.hear("where exactly")
    assert talk.state is State.FINDING and talk.timer_due is None
    clock.now += 120
    assert talk.tick().spoken == []  # no "time is up" while the steps are followed


def test_detailed_the_steps_follow_the_instruction(resolver: Resolver, clock: FakeClock) -> None:
    from voice.verbosity import Verbosity

    talk = Conversation(resolver, Context(), Options("hello helper", verbosity=Verbosity.DETAILED), clock=clock)
    talk.start()
    reply = talk.hear("my left knee hurts")
    assert "Gently massage your right elbow." in reply.spoken[0] and "Why there" in reply.spoken[0]
    assert reply.spoken[1:] == ["To find your right elbow: 4 steps.", elbow_steps(resolver)[0]]
    assert talk.state is State.FINDING
    for _ in range(3):
        talk.silence()
    assert talk.silence().spoken[-1] == "Say start, and I will time one minute for you."


def test_korean_steps_are_asked_for_and_followed_in_korean(korean: Resolver, clock: FakeClock) -> None:
    talk = Conversation(korean, Context(), Options(korean.language.wake_phrase), clock=clock)
    talk.start()
    talk.hear("왼쪽 무릎 아파")
    steps = korean.language.directions.areas["elbow"].steps
    assert talk.hear("위치").spoken == ["오른쪽 팔꿈치 찾기, 4단계예요.", f"1단계. {steps[0]}"]
    assert talk.hear("네").spoken == [f"2단계. {steps[1]}"]  # the pack's yes is its next
    assert talk.hear("이전").spoken[-1] == f"1단계. {steps[0]}"
    assert talk.hear("어떻게").spoken[-1] == f"1단계. {steps[0]}"
    assert talk.hear("sp6 어디").spoken[0].startswith("피해야 할")  # typed: a point by its code
