"""A large table of fresh English utterances and what the resolver must make of them.

Each line: "utterance => expected". Expected is one of
  "<area> <side>"            understood: the pain place (side L, R, B or -), then optional facts
  "? <vague id> <side>"      not understood, reason "vague": which part?
  "!"                        not understood, reason "red_flag"
  "x"                        not understood (an idiom, nothing that hurts, or said not to hurt)
Optional facts after a place: "+<area> <side>" another place (listed under `also`),
"q=<qualifier>", "preg=<yes|no|unknown>", "care=<id>" ("care=none": no special care), "ask" (asks about pregnancy),
"noask" (does not ask).
"""

PLAIN = """
my left elbow hurts => elbow L
my right knee is sore => knee R
my shoulder aches => shoulder -
both my wrists hurt => wrist B
my hips are killing me => hip B
my left ankle is swollen => ankle L
i have pain in my right thigh => thigh R
my forearm has been sore since yesterday => forearm -
pain in my left hand => hand L
my right foot hurts when I walk => foot R
my thumb is sore => thumb -
my left big toe hurts => big_toe L
my index finger aches => index_finger -
the ring finger on my right hand hurts => ring_finger R
my little toe hurts => little_toe -
my neck is stiff => neck -
my lower back is killing me => lower_back -
I have a headache => head -
I've got a migraine => head -
my upper back is sore => mid_back -
my right heel hurts => heel_of_foot R
the ball of my left foot hurts => ball_of_foot L
the heel of my right hand is sore => heel_of_hand R
my left calf is tight => lower_leg L q=back
my shins hurt => lower_leg B q=front
my right hamstring is sore => thigh R q=back
my left bicep aches => upper_arm L q=front
my kneecap hurts => knee - q=front
the inside of my left knee hurts => knee L q=inner
the outside of my right ankle is sore => ankle R q=outer
the palm of my left hand hurts => hand L q=palm
the sole of my right foot is sore => foot R q=sole
the back of my left hand aches => hand L q=back
the top of my right foot hurts => foot R q=top
my funny bone hurts => elbow - q=inner
I have tennis elbow => elbow - q=outer
my left wrist is sprained => wrist L
I twisted my right ankle => ankle R
I stubbed my big toe => big_toe -
my pinky hurts => little_finger -
my left middle finger is sore => middle_finger L
my second toe hurts => second_toe -
my right elbow is throbbing => elbow R
my upper arm is sore => upper_arm -
my right upper arm hurts => upper_arm R
my quads are sore => thigh B q=front
my achilles hurts => ankle - q=back
my temples hurt => head -
I have sciatica => lower_back -
my tailbone hurts => lower_back -
my shoulder blade hurts => mid_back -
the fleshy part of my thumb hurts => thumb_ball -
the fleshy part of your knuckle under your thumb is sore => thumb_ball -
the base of my left thumb aches => thumb_ball L
my left shoulder is stiff => shoulder L
my right hip hurts => hip R
left knee => knee L
right elbow => elbow R
my knees => knee B
my elbows ache => elbow B
my feet hurt => foot B
my hands are sore => hand B
my left shoulder hurts a lot => shoulder L
my right thigh is really sore => thigh R
my forearms are tight => forearm B
my lower leg hurts => lower_leg -
my left lower leg aches => lower_leg L
carpal tunnel in my right wrist => wrist R q=inner
my left knee has been bothering me => knee L
my right wrist is tender => wrist R
my left ankle hurts after running => ankle L
I hurt my left knee playing tennis => knee L
my right shoulder hurts when I lift my arm => shoulder R
"""

EVERYDAY = """
ouch my left elbow => elbow L
my knee is acting up again => knee -
my back is really bad today, my lower back => lower_back -
I pulled my right hamstring => thigh R q=back
I think I sprained my left wrist => wrist L
my neck has a crick in it => neck -
my bunion hurts => big_toe -
my right knee keeps clicking and it hurts => knee R
there's a sharp pain in my left heel => heel_of_foot L
I have a dull ache in my right forearm => forearm R
I banged my elbow on the door => elbow -
my stiff neck => neck -
my shoulders are tense => shoulder B
my left hip is bugging me => hip L
my right ankle gave me trouble all day => ankle R
my wrist hurts from typing => wrist -
I slept funny and now my neck hurts => neck -
my thumb hurts from texting => thumb -
my calves are cramping => lower_leg B q=back
I have a knot in my right shoulder => shoulder R
my left shin is sore from running => lower_leg L q=front
the arch of my left foot hurts => foot L q=sole
my right instep hurts => foot R q=top
my pointer finger is jammed => index_finger -
my left pinky toe is sore => little_toe L
my lumbar spine aches => lower_back -
I have a terrible headache => head -
I woke up with a stiff neck => neck -
my heels hurt in the morning => heel_of_foot B
my knuckles ache => hand -
"""

QUESTIONS = """
what can I do for my sore left knee => knee L
can you help with my right shoulder => shoulder R
how do I massage my sore elbow => elbow -
what should I do about my aching lower back => lower_back -
where should I press for my headache => head -
can you help me with pain in my left wrist => wrist L
what about my right ankle, it hurts => ankle R
is there anything for a sore neck => neck -
could you help my left hip, it aches => hip L
any tips for my sore feet => foot B
how can I relieve the pain in my right thumb => thumb R
what helps a migraine => head -
"""

ASR = """
um my left elbow hurts => elbow L
uh my right knee is sore => knee R
my left shoulder um it hurts => shoulder L
um i have a headache => head -
my lower back uh really hurts => lower_back -
um the inside of my left knee => knee L q=inner
uh both my ankles hurt => ankle B
i have um pain in my right wrist => wrist R
my left hip uh aches => hip L
um um my neck => neck -
er my right big toe hurts => big_toe R
my left thumb um is sore => thumb L
my left wrist hurts right now => wrist L
uh my right foot => foot R
um my knees hurt => knee B
its my left elbow => elbow L
my right heel um hurts when i walk => heel_of_foot R
im pregnant and my left wrist hurts => wrist L preg=yes
um im not pregnant my right knee hurts => knee R preg=no
my wife is pregnant and her right wrist hurts => wrist R preg=yes
"""

PREGNANCY = """
I'm not pregnant but my wife is and she has a migraine => head - preg=yes
I'm not pregnant, my sister has a headache => head - preg=unknown ask
I am not pregnant and my friend's left foot hurts => foot L preg=unknown ask
my wife's right wrist hurts => wrist R preg=unknown ask
she has a sore left wrist => wrist L preg=unknown ask
her neck hurts => neck - preg=unknown ask
my daughter's left hand hurts => hand L preg=unknown care=child
my pregnant wife has a headache => head - preg=yes
my girlfriend is pregnant and her lower back hurts => lower_back - preg=yes
I'm 20 weeks along and my left wrist hurts => wrist L preg=yes
I'm in my third trimester and my neck is sore => neck - preg=yes
I'm due in March and my right foot hurts => foot R preg=yes
I'm expecting twins, my left hand is sore => hand L preg=yes
I'm 34 weeks and my right ankle hurts => ankle R preg=yes
34 weeks, my lower back hurts => lower_back - preg=yes
I'm not sure if I'm pregnant, my left hand hurts => hand L preg=unknown
we're trying for a baby and I have a headache => head - preg=unknown
I might be pregnant, my neck hurts => neck - preg=unknown
I can't be pregnant, my left wrist hurts => wrist L preg=unknown
I couldn't be pregnant and my neck hurts => neck - preg=unknown
my knee has hurt for 3 weeks => knee -
I'm not pregnant and my left hand hurts => hand L preg=no
I'm pregnant and have a headache => head - preg=yes
my left shoulder hurts and I'm pregnant => shoulder L preg=yes
I'm pregnant, my wife isn't, my right hip hurts => hip R preg=yes
she is 30 weeks pregnant and her foot hurts => foot - preg=yes
my wife is not pregnant and her left wrist hurts => wrist L preg=no
"""

AGES = """
my 5 year old's knee hurts => knee - care=child
my little boy hurt his elbow => elbow - care=child
I'm 85 and my right knee hurts => knee R care=elderly
I'm seventy-eight, my left hip is sore => hip L care=elderly
my newborn's foot => foot - care=child
my elderly neighbour has a sore shoulder => shoulder - care=elderly
my 3 month old's left hand => hand L care=child
my mum is 90 and her right wrist hurts => wrist R care=elderly
my 80 year old father's knee => knee - care=elderly
my seven year old daughter's ankle hurts => ankle - care=child
I'm 40 and my left knee hurts => knee L
my grandma's lower back hurts => lower_back - care=elderly
my dog's left elbow => elbow L care=pet
"""

NEGATION = """
my wrist is fine, it's my ankle that hurts => ankle -
no pain in my hands, just my feet => foot B
sorry, knee not elbow => knee -
elbow... scratch that, knee => knee -
right ankle, correction, right wrist => wrist R
my knee is all right but my wrist hurts => wrist -
my knee doesn't hurt anymore => x
not my elbow, my knee => knee -
my right elbow, no wait, my left => elbow L
left hip, no, right hip => hip R
not the left knee, the right one => knee R
my left ankle doesn't hurt, my right one does => ankle R
my elbow is fine => x
it's not my shoulder, it's my hip => hip -
my shoulder is ok but my neck hurts => neck -
my hands are fine, my feet ache => foot B
my right knee, I mean my left knee => knee L
my thumb, sorry, my index finger => index_finger -
the elbow, actually no, the wrist => wrist -
my left wrist is better but my right wrist hurts => wrist R
my knee feels fine now => x
nothing wrong with my knee, it's my hip => hip -
my neck doesn't hurt, my lower back does => lower_back -
left elbow no wait right elbow => elbow R
my ankle, oops, my wrist => wrist -
"""

RIGHT_NOT_A_SIDE = """
I'm right-handed and my left wrist hurts => wrist L
right after my run my knee started hurting => knee -
my elbow hurts right now => elbow -
that's right, my left knee => knee L
all right, my shoulder hurts => shoulder -
my left ankle hurts right away when I stand => ankle L
it hurts right in my elbow => elbow -
"""

BOTH_AND_TWO = """
my left and right elbows hurt => elbow B
my left ankle and my right ankle both hurt => ankle B
my knee and my elbow both hurt => knee - +elbow -
my left shoulder and my right hip => shoulder L +hip R
my neck and my lower back hurt => neck - +lower_back -
my right wrist and my left knee are sore => wrist R +knee L
I have a headache and my left foot hurts => head - +foot L
my left knee and my left hip ache => knee L +hip L
"""

VAGUE = """
my arm hurts => ? arm -
my left arm hurts => ? arm L
my leg hurts => ? leg -
my right leg is sore => ? leg R
my back hurts => ? back -
I stubbed my toe => ? toe -
my finger hurts => ? finger -
my legs ache => ? leg B
my left arm, the elbow => elbow L
"""

IDIOMS = """
arm the alarm => x
hand me the remote => x
can you give me a hand => x
break a leg => x
the table leg is wobbly => x
I'll foot the bill => x
my right hand man => x
no elbow room => x
knee-high socks => x
this project is a pain in the neck => x
my back teeth hurt => x
it costs an arm and a leg => x
you're pulling my leg => x
I got cold feet => x
she has a green thumb => x
that's a rule of thumb => x
keep your chin up => x
I'll be right back => x
on the other hand => x
put your best foot forward => x
shoulder the blame => x
elbow grease => x
head over heels => x
I have two left feet => x
give me a heads up => x
he's all thumbs => x
back to square one => x
I need to head out => x
the foot of the bed => x
hands down the best => x
a slap on the wrist => x
break a leg tonight => x
"""

RED_FLAGS = """
I have chest pain => !
my chest hurts and my left arm aches => !
the worst headache of my life => !
a sudden headache => !
I hit my head and now it hurts => !
I can't move my wrist => !
I can't put weight on my ankle => !
my finger looks deformed => !
my left hand is numb => !
my right leg feels weak => !
my knee hurts and I have a high fever => !
I fell and hit my head => !
I think I broke my wrist => !
"""

OTHER = """
my stomach hurts => x
what's the weather => x
I can't sleep => x
hello => x
"""

CASES = [line for block in (PLAIN, EVERYDAY, QUESTIONS, ASR, PREGNANCY, AGES, NEGATION, RIGHT_NOT_A_SIDE,
                            BOTH_AND_TWO, VAGUE, IDIOMS, RED_FLAGS, OTHER)
         for line in block.strip().splitlines()]

# A second batch, written after the rules above were settled and scored before any change.
SECOND = """
my right shoulder is really stiff this morning => shoulder R
I have an ache in my left forearm => forearm L
both of my knees hurt => knee B
my left hip aches at night => hip L
my right wrist has been hurting for days => wrist R
there is pain in the back of my left knee => knee L q=back
the front of my right shin hurts => lower_leg R q=front
my left ring finger is swollen => ring_finger L
my right middle finger hurts => middle_finger R
my left big toe is throbbing => big_toe L
I have a stiff neck and it hurts => neck -
i have a migraine again => head -
my thighs are sore after the gym => thigh B
my right thumb joint aches => thumb R
my left heel is sore when I stand => heel_of_foot L
the bottom of my right foot hurts => foot R q=sole
the outer side of my left elbow => elbow L q=outer
my inner left wrist hurts => wrist L q=inner
my triceps are sore => upper_arm B q=back
my right pinky toe => little_toe R
so um my left knee kind of hurts => knee L
uh the right side of my neck => neck -
hmm my lower back um is sore => lower_back -
my left knee hurts and i am pregnant => knee L preg=yes
i am pregnant my right wrist is sore => wrist R preg=yes
my daughter is pregnant and her ankle hurts => ankle - preg=yes
my son's right knee hurts => knee R care=child
my grandfather's left shoulder aches => shoulder L care=elderly
my cat's leg => ? leg -
my 4 year old has a sore foot => foot - care=child
I am 92 and my hands ache => hand B care=elderly
my friend is expecting and her neck hurts => neck - preg=yes
I'm not pregnant, my right ankle hurts => ankle R preg=no
my partner has a sore right hand => hand R preg=unknown
I'm 12 weeks pregnant and my left foot hurts => foot L preg=yes
im about 30 weeks and my back hurts => ? back -
my knee hurts, I'm not sure if I'm pregnant => knee - preg=unknown
my left wrist not my right => wrist L
my right knee is fine but my left knee hurts => knee L
no pain in my left elbow, but my right elbow hurts => elbow R
my wrist doesn't hurt, my thumb does => thumb -
not my shoulder, my neck => neck -
hip, sorry, I mean my knee => knee -
the left one, no, the right elbow => elbow R
my ankle is ok now => x
my neck doesn't hurt anymore, thanks => x
I'm right-handed, my right elbow hurts => elbow R
right now my left ankle is killing me => ankle L
my left elbow and my right knee hurt => elbow L +knee R
my shoulders and my neck are stiff => shoulder B +neck -
my left foot and my left ankle hurt => foot L +ankle L
my right arm => ? arm R
my left leg hurts when I walk => ? leg L
I hurt my finger => ? finger -
my toe is sore => ? toe -
my back aches => ? back -
the lower part of my back => lower_back -
I bumped my right shin => lower_leg R q=front
it's a pain in the neck => x
he's a pain in the neck => x
I'm on my last legs => x
she gave him the cold shoulder => x
he has a chip on his shoulder => x
it was neck and neck => x
we see eye to eye => x
I'm up to my neck in work => x
he put his foot in his mouth => x
keep an eye on the kids => x
my hands are tied => x
it's at arm's length => x
the clock hands stopped => x
play it by ear => x
learn it by heart => x
get off my back => x
you've got my back => x
I'll stick my neck out => x
twist my arm => x
I crossed my fingers => x
the back door is open => x
the head of the company => x
a show of hands => x
my chest is tight and I can't breathe => !
crushing pain in my chest => !
I have the worst headache ever => !
I banged my head on the cupboard => !
my ankle looks deformed => !
I can't walk on my left leg => !
I can't feel my fingers => !
my face is drooping => !
my back hurts and I have a fever => !
my wrist might be broken => !
what's the time => x
I feel nauseous => x
play some music => x
I'm tired => x
thank you => x
"""

CASES += [line for line in SECOND.strip().splitlines()]

# A third batch, also scored before any change (one miss: "what helps sore feet").
THIRD = """
my right forearm is cramping up => forearm R
pain on the inside of my right elbow => elbow R q=inner
my left kneecap aches when I climb stairs => knee L q=front
the top of my left foot is sore => foot L q=top
my right shoulder joint hurts => shoulder R
i keep getting headaches => head -
my temples are throbbing => head -
there's a dull pain in my lower back => lower_back -
both my heels are sore => heel_of_foot B
my left index finger is stiff => index_finger L
my right ring finger aches => ring_finger R
my third toe on the left foot hurts => third_toe L
my wrists hurt from typing all day => wrist B
my hamstrings are tight => thigh B q=back
my left quad is sore => thigh L q=front
my right calf cramped last night => lower_leg R q=back
can you help with a stiff neck => neck -
what do I do for tennis elbow => elbow - q=outer
what helps sore feet => foot B
how do i treat my aching hips => hip B
um uh my right wrist => wrist R
er the palm of my right hand => hand R q=palm
my left thumb uh it hurts => thumb L
i um twisted my left knee => knee L
so my right ankle is swollen => ankle R
my husband's left knee hurts => knee L preg=no
my mother's neck hurts => neck - preg=unknown
I'm not pregnant but my daughter has a headache => head - preg=unknown care=child
she's 25 weeks pregnant with a sore right foot => foot R preg=yes
I'm 8 months pregnant and my lower back aches => lower_back - preg=yes
im expecting and my feet hurt => foot B preg=yes
i think i might be pregnant and my left wrist hurts => wrist L preg=unknown
my 2 year old bumped her knee => knee - care=child
my ninety year old grandmother's hand => hand - care=elderly
I'm 75 with a sore left shoulder => shoulder L care=elderly
my toddler's foot hurts => foot - care=child
my elderly dad has a sore knee => knee - care=elderly
my wrist is okay, but my elbow hurts => elbow -
my left knee is fine, my right knee hurts => knee R
not the right shoulder, the left one => shoulder L
my ankle, no, my wrist => wrist -
knee, I mean elbow => elbow -
my shoulder isn't sore anymore => x
my back is better now => x
my left hip hurts, no wait, my right hip => hip R
my left hand, sorry, my left foot => foot L
I'm right handed and my right wrist hurts => wrist R
right before bed my left ankle aches => ankle L
that's right, the left elbow => elbow L
my left knee and my right elbow => knee L +elbow R
my neck and shoulders are stiff => neck - +shoulder B
my right thumb and my left big toe hurt => thumb R +big_toe L
my arms are sore => ? arm B
my right leg aches => ? leg R
I jammed my finger => ? finger -
my toes hurt => ? toe B
my back is killing me => ? back -
the back of my neck is sore => neck -
between my shoulder blades hurts => mid_back -
my shoulder blades ache => mid_back -
it's my tailbone => lower_back -
the meaty part of my thumb aches => thumb_ball -
hand it over => x
give him a hand => x
arm in arm => x
elbow your way in => x
he's head and shoulders above the rest => x
i'm all ears => x
toe the line => x
she put her foot down => x
that was a shot in the arm => x
knee jerk reaction => x
he's a real pain in the back => x
back up the car => x
my back up plan => x
hip hop music => x
the chicken thigh recipe => x
palm tree => x
she turned her back on me => x
I have chest pains => !
my chest feels tight => !
sudden severe headache => !
I fell off my bike and hit my head => !
my wrist is bent out of shape => !
I can't bend my finger at all => !
my left arm is weak and tingling => !
I have a fever and my whole body aches => !
my knee is numb => !
"""

CASES += [line for line in THIRD.strip().splitlines()]

# A fourth batch, scored before any change: 67 of 73 ("uh huh my neck", "my headache is gone",
# "my back, the lower part" (left out: not done), "I'm on my feet all day", "my leg is bent the wrong way",
# and "my knees are knocking", whose expected answer was wrong: it is an idiom).
FOURTH = """
my left shoulder has been aching for a week => shoulder L
i've had pain in my right knee since saturday => knee R
both elbows are stiff => elbow B
my left middle toe hurts => third_toe L
the inner part of my right knee aches => knee R q=inner
my right wrist hurts when i lift things => wrist R
the back of my right thigh is sore => thigh R q=back
my left outer ankle hurts => ankle L q=outer
sore right hip => hip R
aching neck => neck -
headache => head -
pain in both knees => knee B
my lower back hurts when i bend => lower_back -
the middle of my back aches => mid_back -
my right big toe joint is sore => big_toe R
i think i strained my left calf => lower_leg L q=back
my thumb and index finger hurt => thumb - +index_finger -
can you tell me what to do for my left hip => hip L
is there something for my aching feet => foot B
what should i press for a sore right wrist => wrist R
um yeah my knee hurts => knee -
ok so my left elbow hurts => elbow L
yeah it's my right shoulder => shoulder R
uh huh my neck => neck -
my wife has a sore neck => neck - preg=unknown
my sister is pregnant and has a sore right ankle => ankle R preg=yes
i'm pregnant with twins and my feet ache => foot B preg=yes
i'm 28 weeks along, my hips hurt => hip B preg=yes
my partner is expecting and her back hurts => ? back -
i am not pregnant and my neck is stiff => neck - preg=no
my grandson's right knee => knee R care=child
my 10 year old's ankle is sore => ankle - care=child
my 15 year old's ankle is sore => ankle -
my dad is 82 and his left hip hurts => hip L care=elderly
my horse's leg => ? leg -
my left elbow is fine now but my right elbow hurts => elbow R
it's not my left knee, it's my right knee => knee R
my hands don't hurt, my wrists do => wrist B
no pain in my neck, just my lower back => lower_back -
my right wrist, not my left => wrist R
the knee, sorry, the ankle => ankle -
left shoulder, correction, left hip => hip L
my foot, scratch that, my ankle => ankle -
my left knee, wait, my right knee => knee R
my hip doesn't hurt anymore => x
my headache is gone => x
my right hand, the one I write with, hurts => hand R
i hurt my knee right after lunch => knee -
my left leg, the knee => knee L
my right arm, the wrist => wrist R
cost me an arm and a leg => x
I'm on my feet all day => x
he stepped on my toes => x
don't stick your neck out => x
he's got a broken heart => x
we need a hand with the move => x
let's head home => x
my heart goes out to you => x
the foot of the mountain => x
she's a pain in the backside => x
a leg up on the competition => x
the chair has a broken leg => x
put your back into it => x
my knees are knocking => x
I have a crushing chest pain => !
I just hit my head really hard => !
i can't move my neck at all => !
my leg is bent the wrong way => !
my foot went numb => !
sudden weakness in my left arm => !
pain with a high fever => !
my elbow popped out => !
"""

CASES += [line for line in FOURTH.strip().splitlines()]

# Everyday words and conditions found by trying more sentences by hand.
PROBED = """
pain between my thumb and index finger => hand -
my finger joints ache => hand B
charley horse in my left leg => ? leg L
my knee buckles => knee -
I threw my back out => lower_back -
my back went out => lower_back -
plantar fasciitis => foot - q=sole
my hip flexor is tight => hip - q=front
I have shin splints => lower_leg B q=front
frozen shoulder => shoulder -
my fingertips hurt => hand B
I need to head out => x
my right shoulder sorta hurts => shoulder R
my left knee is terribly sore => knee L
my right knee. no wait. the left one => knee L
ankle no knee => knee -
the pain is in my right knee not my left => knee R
my wife is pregnant, my knee hurts => knee - preg=unknown
she's not pregnant and her wrist hurts => wrist - preg=no
pregnant lady with a sore wrist => wrist - preg=yes
"""

CASES += [line for line in PROBED.strip().splitlines()]

AGES_AND_INJURIES = """
my 16 year old son has a sore knee => knee -
my 6 year old son has a sore knee => knee - care=child
I'm 40 and my daughter's knee hurts => knee - care=child
i'm in my seventies and my knee hurts => knee - care=elderly
due any day now and my feet hurt => foot B preg=yes
I hit my knee on the table => knee -
I broke my arm last year and it still aches => ? arm - care=trauma
I'm recovering from a broken ankle => ankle - care=trauma
you hit the nail on the head => x
"""

CASES += [line for line in AGES_AND_INJURIES.strip().splitlines()]

PARTS_NAMED_APART = """
my back, the lower part => lower_back -
my back hurts, the middle => mid_back -
my left arm, the upper part => upper_arm L
my right toe hurts, the little one => little_toe R
my left leg, the upper part => thigh L
my arm hurts a little => ? arm -
"""

CASES += [line for line in PARTS_NAMED_APART.strip().splitlines()]

# Found by trying the assistant as a user would (session 14): how far along a pregnancy is, and
# a place's pain named as one noun ("my wrist pain") before it is said to be gone.
LEAD_PROBED = """
I'm 7 months pregnant and my ankle hurts => ankle - preg=yes care=none
I'm 7 months along and my left ankle hurts => ankle L preg=yes care=none
she's 6 months along and her ankle hurts => ankle - preg=yes care=none
I'm 8 months gone and my wrist aches => wrist - preg=yes care=none
my 7 month old's ankle hurts => ankle - care=child
I'm 7 and my ankle hurts => ankle - care=child
my wrist pain is gone => x
my knee pain is much better => x
the knee pain has gone away => x
my wrist pain is gone but my elbow hurts => elbow -
my back pain is better, it's my neck now => neck -
my knee pain is bad => knee -
"""

CASES += [line for line in LEAD_PROBED.strip().splitlines()]

# Found by trying the assistant as users would (session 15): a side said not to hurt before the
# place, a pregnancy that is over (asked, never taken for now), more pregnancy and family words,
# an animal's legs and paws, chest pain said with another place, and "the worst I've ever had".
TRIAL_PROBED = """
not my left, my right elbow => elbow R
not the left, the right elbow => elbow R
not left, right knee => knee R
my knee, not the left one, the right => knee R
my knee, not left => knee -
I don't have any pain in my left knee, only the right => knee R
I was pregnant last year and my wrist hurts => wrist - preg=unknown ask
I had a baby 3 weeks ago and my wrist hurts => wrist - preg=unknown ask care=none
I just had a baby and my wrist hurts => wrist - preg=unknown ask care=none
I gave birth last month and my wrist hurts => wrist - preg=unknown ask
I was pregnant last year and I'm pregnant again, my wrist hurts => wrist - preg=yes
I am no longer pregnant and my wrist hurts => wrist - preg=no
preggers and my wrist hurts => wrist - preg=yes
I'm knocked up and my wrist hurts => wrist - preg=yes
baby on the way, sore wrist => wrist - preg=yes care=none
my wife's knee and my own wrist => knee - +wrist -
my 90 yo dad has a sore shoulder => shoulder - care=elderly
my nan's hip hurts => hip - care=elderly
my grandad's knee => knee - care=elderly
my step dad's shoulder => shoulder -
my grandkid's wrist => wrist - care=child
the kids' knees hurt => knee B care=child
our little one's elbow => elbow - care=child
my dog is limping on his back leg => ? leg -
my dog's front leg is sore => ? arm -
my cat's back leg hurts => ? leg -
my dog's front paw is sore => hand - care=pet
my cat's left hind paw hurts => foot L care=pet
my chest and my left arm hurt => !
my chest is heavy => !
my chest of drawers fell on my foot => foot -
my wrist hurts 3 weeks now => wrist - preg=unknown ask
my hip, my knee, and my ankle all hurt => hip - +knee - +ankle -
ugh my neck => neck -
argh, my left shoulder => shoulder L
my left_knee hurts => knee L
I'm pregnant and massaging my husband's wrist => wrist - preg=no
I thought it was my knee but it's actually my hip => hip -
my left knee used to hurt, now it's the right => knee R
my knee used to hurt => x
I hurt my hand punching a wall => hand -
my great grandmother's hand => hand - care=elderly
my baby girl's foot => foot - care=child
one of my knees hurts => knee -
my knees hurt => knee B
the web of my hand between thumb and finger => hand -
pain between thumb and finger => hand -
I have a terrible headache, the worst I've ever had => !
"""

CASES += [line for line in TRIAL_PROBED.strip().splitlines()]

# Typed with a slip (`ask`, Home Assistant's text): two letters swapped in a body or side word, or a
# letter left out or added in a long one, is read as that word; never a guess from a short word
# or from another real word ("light" is not "right", "spin" is not "spine").
TYPOS = """
my rigth knee hurts => knee R
my left sholder hurts => shoulder L
my ankel hurts => ankle -
my lfet wirst is sore => wrist L
my lower bakc hurts => lower_back -
my forarm aches => forearm -
my thgih is sore => thigh -
my left knee and my rihgt ankle => knee L +ankle R
my kne hurts => x
i have a light ache in my knee => knee -
the bright light hurts my eyes => x
spin class was hard => x
the finder window is stuck => x
"""

CASES += [line for line in TYPOS.strip().splitlines()]

# Said of someone with "'s" before their age ("my dad's 92"): an age, not a possessive; "'s" before
# a body word stays possessive. A red flag said not to be had ("no chest pain", "I don't have a
# fever") is not one; one not clearly denied still is ("chest pain, no fever", "no, chest pain").
AGES_AND_DENIED_SIGNS = """
my dad's 92, his knee hurts => knee - care=elderly
my dad's 92 and his left knee hurts => knee L care=elderly
my mum's 85 and her right wrist is sore => wrist R care=elderly
my grandad is 90 and his hip hurts => hip - care=elderly
my mum's eighty five, her shoulder aches => shoulder - care=elderly
my son's 6 and his ankle hurts => ankle - care=child
my dad's knee hurts => knee - care=none
my mum's left elbow is sore => elbow L care=none
I don't have a fever, my knee hurts => knee -
no chest pain, my shoulder aches => shoulder -
my left wrist hurts, without any numbness => wrist L
I haven't got a temperature, my right ankle is sore => ankle R
I do not have a high fever but my hip hurts => hip -
I did not hit my head, my neck is stiff => neck -
no numbness, just a sore thumb => thumb -
chest pain, no fever => !
no, chest pain => !
no chest pain but I have a fever => !
I have a fever, no chest pain => !
no fever or chest pain, my knee hurts => !
I don't think I hit my head => !
no I have chest pain => !
I have no feeling in my hand => !
I can't feel my fingers, no fever => !
"""

CASES += [line for line in AGES_AND_DENIED_SIGNS.strip().splitlines()]

SIDE_FOR_BOTH_AND_AGE_AT = """
my elbow hurts and my knee hurts too, both on the left => elbow L +knee L
my shoulder and my hip on the right both ache => shoulder R +hip R
wrist and ankle are sore, left side for both => wrist L +ankle L
my knee and my left elbow both hurt => knee - +elbow L
at seventy eight my right knee is the trouble => knee R care=elderly
now at ninety its my hands that ache => hand B care=elderly
the car was doing 60 at the time, my neck is stiff => neck - care=none
at 30 degrees my left knee clicks and aches => knee L care=none
my girlfriends twenty eight weeks and her right hip aches => hip R preg=yes
our babys due in august and my lower back aches => lower_back - preg=yes
my dads 92 and his left knee is sore => knee L care=elderly
my knees 2 weeks sore now => knee B
my dads knee hurts => knee -
"""

CASES += [line for line in SIDE_FOR_BOTH_AND_AGE_AT.strip().splitlines()]

SIGNS_SAID_CASUALLY = """
fell off my bike and my wrist looks a bit bent => !
my ankle looks kind of wonky since the fall => !
i couldnt put any weight on my ankle after i fell => !
my son wont put weight on his foot since he jumped off the wall => !
ive been unable to walk on my right foot since the fall => !
my calf is sore and im a bit short of breath => !
one leg is fatter than the other and my calf aches => !
ive got diabetes and my little toe has gone a dark colour => !
spilt oven cleaner on my hand and the skin is peeling => !
thirty weeks pregnant with pain under my ribs => !
im hot and shivery and my neck aches => !
knocked myself out on the shelf, just my shoulder hurts now => !
im not pregnant am i, my hip hurts => hip - preg=unknown
she isnt pregnant is she, her wrist hurts => wrist - preg=unknown
im not pregnant, its my right wrist => wrist R preg=no
im a surrogate for my sister and my left hip is sore => hip L care=none
back in the seventies i played rugby, now my right knee aches => knee R care=none
my knee is a bit sore after running => knee -
my ankle is kind of puffy but i walked home on it => ankle -
"""

CASES += [line for line in SIGNS_SAID_CASUALLY.strip().splitlines()]

FINGERS_AND_TOES = """
my fingers ache => ? finger B
all my toes hurt on the left foot => foot L
all of my fingers ache => hand B
one of my toes on the left is sore => ? toe L
my fingers ache, mostly the middle one on my right hand => middle_finger R
my toes on my left foot, the small one hurts => little_toe L
the fleshy pad under my right thumb aches => thumb_ball R
my fingers are swollen, my rings are tight => ? finger B
"""

CASES += [line for line in FINGERS_AND_TOES.strip().splitlines()]

ADDED_NOT_CORRECTED_AND_LIMBS = """
um my thumb hurts and actually my big toe does too => thumb - +big_toe -
my thumb hurts, actually no, my big toe => big_toe -
i walked ten miles with no trouble in my feet but my right hip aches tonight => hip R
my hip is all mended now but my left wrist aches => wrist L
the elbow of left hand is paining => elbow L
the ankle of my right foot hurts => ankle R
the knuckle of my index finger hurts => index_finger -
"""

CASES += [line for line in ADDED_NOT_CORRECTED_AND_LIMBS.strip().splitlines()]

LONG_AGO_AND_CASUAL_SIGNS = """
dislocated my left shoulder years ago, its fine now, the right one aches => shoulder R
my dad had a heart attack two years ago so i do the lifting and my lower back aches => lower_back -
i had a stroke years ago and now my face is drooping again => !
i broke my arm years ago but today i heard a crack in my ankle => !
my laptop crashed and my upper back is in knots from redoing it all => mid_back -
after the crash my neck hurts => !
i havent been able to wee since this morning and my lower back aches => !
theres bone poking through the skin on my shin => !
theres a red line running up my arm from the cut => !
my waters just went and my back aches => !
the baby kicks me under the ribs and my lower back aches => lower_back - preg=yes
thirty weeks pregnant with pain under my ribs and my neck aches => !
i got bitten by midges last night, my left knee aches => knee L
my calf has gone tight and sore after the run => lower_leg -
my shoulder and my hip both ache on the left => shoulder L +hip L
had my twelve week scan and my neck is stiff => neck - preg=yes
"""

CASES += [line for line in LONG_AGO_AND_CASUAL_SIGNS.strip().splitlines()]

THE_MIDDLE_ONE = """
the pain is in my index finger or maybe the middle one, i cant tell => ?? index_finger middle_finger
my big toe or the little one => ?? big_toe little_toe
my toes on my left foot, the small one hurts => little_toe L
"""

CASES += [line for line in THE_MIDDLE_ONE.strip().splitlines()]

SIGNS_OF_BATCHES_J_AND_K = """
the baby hasnt been moving as much today and my back aches, im thirty weeks => !
im seventy two with a headache on the side and my jaw hurts when i chew => !
my dads wrist is bend now after he fell off the scooter => !
my knee is sore and my sons hand is pouring with blood => !
i think nan might have had a small stroke in the night, its her hip => !
caring for my dad since his stroke, my right forearm aches => forearm R
lost my vision on one side for a few minutes and now i have a headache => !
the taxi went into the back of a bus and my lower back aches => !
my big toe has gone dusky and it feels cold => !
sunburn on my shoulders with massive blisters => !
my little finger is pointing sideways after the ball hit it => !
had a plate put in my ankle after the fracture in ninety eight and now my right wrist aches => wrist R
"""

CASES += [line for line in SIGNS_OF_BATCHES_J_AND_K.strip().splitlines()]

WHICH_AND_NOT_ANY_MORE = """
hurts around my elbow or maybe its the forearm, hard to say => ?? elbow forearm
i dont have a headache anymore => x
the elbow itself doesnt hurt, its the muscle just above it in my upper arm => upper_arm -
the heels of my hands ache from doing press ups => heel_of_hand B
between the shoulder is pain => mid_back -
"""

CASES += [line for line in WHICH_AND_NOT_ANY_MORE.strip().splitlines()]

MORE_SIGNS_OF_BATCH_K = """
all confused suddenly and my arm feels weird on one side => !
calf has ached since the flight and now i get out of breath walking => !
my shoulder came out again, it usually goes back in => !
we had a bump in the car yesterday and my back has been sore since => !
grans mouth is sagging on the right => !
his speech has been all mushy since lunch, can you help his shoulder => !
heard something crunch in my foot when i jumped => !
i cant see out of my left eye all of a sudden => !
my lips went a bit blue and i cant catch my breath => !
they put my arm in a cast and my fingers went blue and cold => !
my ribs are sore from laughing at the kids => x
"""

CASES += [line for line in MORE_SIGNS_OF_BATCH_K.strip().splitlines()]

PETS_PREGNANCY_AND_FRAILTY = """
our labrador is stiff in his back hips, hes eleven => hip B care=pet
my dog is limping on his hind left hip => hip L care=pet
shes not pregnant shes just bloated, her upper back aches => mid_back - preg=no
the baby keeps kicking me in the ribs and my upper back aches => mid_back - preg=yes
twenty eight weeks with our first and my calf cramps every night => lower_leg - preg=yes
my grandad is on warfarin and his right elbow aches => elbow R care=fragile
"""

CASES += [line for line in PETS_PREGNANCY_AND_FRAILTY.strip().splitlines()]

YES_SAID_WITH_OTHERS_WORDS = """
thirty weeks pregnant, the midwife says the braxton hicks are normal, my lower back aches => lower_back - preg=yes
my girlfriend is pregnant and she says her right hip hurts => hip R preg=yes
she says shes not pregnant, her right wrist hurts => wrist R preg=unknown
im due my period today and my head is pounding, hopefully im not pregnant => head - preg=unknown
my heart is broken since he left and my neck is stiff => neck -
my left arm is sore at the top where i had my flu jab => upper_arm L
"""

CASES += [line for line in YES_SAID_WITH_OTHERS_WORDS.strip().splitlines()]

SIDES_INSIDE_PLACES = """
the ball of my left foot and the pad under my right thumb both ache => ball_of_foot L +thumb_ball R
the heel of my right foot and the heel of my left hand are sore => heel_of_foot R +heel_of_hand L
"""

CASES += [line for line in SIDES_INSIDE_PLACES.strip().splitlines()]

SIGNS_OF_BATCH_L = """
got my hand caught in the baler and its bleeding through two tea towels => !
mums mouth has gone down on one side and her talking is all mumbly => !
a headache and a rash that doesnt go when i roll a glass over it => !
the baby hasnt kicked since yesterday and my back aches => !
type one diabetic and my foot has gone hot, red and puffy => !
grabbed the tractor exhaust and my palm is blistered => !
the dog got me and the holes are deep => !
his wrist is a funny bent shape after the trampoline => !
the lorry jackknifed last night and my lower back hurts => !
mum keeps clutching at her chest => !
the hips are grand, its my left shoulder => shoulder L
my sciatica cleared up in the spring, now my upper back is stiff => mid_back -
"""

CASES += [line for line in SIGNS_OF_BATCH_L.strip().splitlines()]

# Batch N's signs, said in other words (a new red flag: a swelling mouth or throat, NHS Anaphylaxis),
# and the look-alikes that must stay answered: a blood test is no bleeding, a neck that cracks when
# it turns is no fracture, a sting that only swells the hand is no allergy.
SIGNS_OF_BATCHES_M_AND_N = """
i shut my thumb in the gate and theres so much blood and it wont stop => !
she fell off the wall and her arm is all crooked now => !
back went on monday and now i cant tell when i need a pee => !
two weeks after my hip op and my calf is rock hard => !
my back got burnt in the sun and its all blistered => !
twenty eight weeks and my head is banging and i keep seeing zigzags => !
after the wasp sting her lips are swelling up => !
he fell off his bike and now he wont let me touch his wrist => !
heard it crack when i landed on my ankle off the ladder => !
my whole left side went funny for ten minutes => !
the graze on my knee is oozing and smelly => !
my dad feels like an elephant is sitting on my chest he says => !
i am pregnant and had a blood test this morning, my lower back aches => lower_back -
my neck cracks when i turn it and its stiff => neck -
a bee stung my hand and its a bit swollen => hand -
"""

CASES += [line for line in SIGNS_OF_BATCHES_M_AND_N.strip().splitlines()]

# A place's word with an "s" before a word of `grammar: fine`, as a transcript writes "shoulder's
# fine": the place is fine, not "shoulders" that hurt; "gone" stays out ("my legs gone fat").
FINE_WITHOUT_IS = """
my shoulders fine but my elbow hurts => elbow -
the pain went from my shoulder down to my elbow, the shoulders fine now => elbow -
my knees better now its my right hip => hip R
my elbows ok, its the wrist on the left => wrist L
im six months gone and my neck is stiff => neck - preg=yes
"""

CASES += [line for line in FINE_WITHOUT_IS.strip().splitlines()]

# Two places, each said after a guess (grammar: guesses), or said as alternatives with no pain word:
# asked about, never guessed.
GUESSED_PLACES = """
could be my hip could be my lower back it moves about => ?? hip lower_back
maybe my shoulder maybe the top of my arm => ?? shoulder upper_arm
might be my wrist might be my thumb, its hard to say => ?? wrist thumb
maybe my knee hurts, maybe its my shin => ?? knee lower_leg
its my neck or maybe its my head cant tell which => ?? neck head
could be my knee or just below it in my shin => ?? knee lower_leg
maybe my knee and my shin hurt => knee - +lower_leg -
"""

CASES += [line for line in GUESSED_PLACES.strip().splitlines()]

# A treatment that mended the place said before (negations: treated), and a place of a past season
# ("last winter it was ..., this time ...") is context, not the complaint.
TREATED_AND_PAST = """
my shoulder was bad but the injection sorted it, my left hip is sore though => hip L
my knee was playing up, the physio fixed it, now its my right ankle => ankle R
last winter it was my elbow this time its my heel => heel_of_foot -
last summer my wrist, this year my left thumb => thumb L
"""

CASES += [line for line in TREATED_AND_PAST.strip().splitlines()]

# The fleshy pads of both thumbs; a knee that hit someone is no knee that hurts.
PADS_AND_KNEES = """
nineteen weeks pregnant the pads of my thumbs ache => thumb_ball B preg=yes
took a knee in the thigh at football and now my thigh is really sore => thigh -
"""

CASES += [line for line in PADS_AND_KNEES.strip().splitlines()]

# "It" and a softener before "is fine" point back to the place: nothing to massage.
IT_ACTUALLY_FEELS_BETTER = """
heard my neck crack when i turned and it actually feels better now => x
my wrist clicked and it honestly feels fine now => x
"""

CASES += [line for line in IT_ACTUALLY_FEELS_BETTER.strip().splitlines()]

# A place said again on the same limb right after a hesitation (grammar: hesitations) is said
# instead; a whole said after its part says where the part is.
RESTATED = """
back of my heel um the achilles bit on the left => ankle L
my wrist uh i mean my forearm the right one => forearm R
my third toe uh right foot => third_toe R
my knee and my left elbow hurt => knee - +elbow L
"""

CASES += [line for line in RESTATED.strip().splitlines()]

# A man said of the speaker by "as a ..." or after "her": no pregnancy question.
SAID_TO_BE_A_MAN = """
as a bloke of fifty two my lower back is not what it was => lower_back - noask
my wife is pregnant im her husband and my lower back went from putting the cot together => lower_back - noask
im his carer and my lower back aches => lower_back - ask
"""

CASES += [line for line in SAID_TO_BE_A_MAN.strip().splitlines()]

# Weeks said roughly of someone are weeks of pregnancy (grammar: approximations); a baby said to sit
# or push on a place, and "my bump", say a pregnancy; a bump on the head does not.
ROUGHLY_PREGNANT = """
im like twenty two weeks and my lower back aches => lower_back - preg=yes
spotting and cramping, im about eight weeks => !
my knee has hurt for about three weeks => knee -
the baby keeps sitting on my right hip => hip R preg=yes
my bump is getting big and my lower back is sore => lower_back - preg=yes
"""

CASES += [line for line in ROUGHLY_PREGNANT.strip().splitlines()]

# A side said after the place's pain word ("aches the left", "sore on the left", "hurts the left
# one") is that place's, not the next place's; sides listed together still go to the place after.
SIDES_AFTER_THE_PAIN = """
ankle aches the left and the left wrist is starting too => ankle L +wrist L
hip is sore on the left and my left shoulder hurts at night => hip L +shoulder L
my elbow hurts the left one and my right knee is sore too => elbow L +knee R
my left and my right knee hurt => knee B
pain in the left and right knee => knee B
"""

CASES += [line for line in SIDES_AFTER_THE_PAIN.strip().splitlines()]

# "So am I" after a pregnancy says it of the speaker too (grammar: likewise), and is no question.
SO_AM_I = """
my sister is pregnant and so am i, my lower back aches => lower_back - preg=yes
my sister is pregnant and so am i both due in june my lower back aches => lower_back - preg=yes
am i pregnant, my knee hurts => knee - preg=unknown
"""

CASES += [line for line in SO_AM_I.strip().splitlines()]

# The low back said the way non-native speakers and sciatica sufferers say it.
LOW_BACK_SAID_OTHERWISE = """
my back down side paining too much => lower_back -
i am pregnant five month and my back lower is very paining => lower_back - preg=yes
the baby is pressing on my sciatic nerve pain down my left bum cheek => lower_back - preg=yes
my left buttock hurts when i sit => lower_back -
"""

CASES += [line for line in LOW_BACK_SAID_OTHERWISE.strip().splitlines()]

# A sign said in a clause of a year long gone is not had now; a tractor that rolled is a crash.
YEARS_AND_TRACTORS = """
mum had a heart attack in twenty nineteen and now her left knee hurts => knee L
i have had chest pain for twenty minutes => !
tractor rolled over on the slope im mostly ok but my back hurts => !
"""

CASES += [line for line in YEARS_AND_TRACTORS.strip().splitlines()]

# "I'm fine, just a headache" after someone else's injury: the headache is the speaker's, whose
# pregnancy is not known, so no pregnancy point.
IM_FINE_JUST = """
my brother broke his ankle skiing, im fine, just a headache => head - preg=unknown
my husband hurt his back, i feel fine apart from a stiff neck => neck - preg=unknown
"""

CASES += [line for line in IM_FINE_JUST.strip().splitlines()]

# After "I'm fine" or "nothing hurts", a place said right after an exception (grammar: exceptions) hurts.
EXCEPT_THIS = """
im fine apart from my right thumb from pushing the buggy => thumb R
nothing hurts except my left knee => knee L
"""

CASES += [line for line in EXCEPT_THIS.strip().splitlines()]

# Batch O's red flags in other words, its sworn denial, "either X or Y", and a story's own pinky.
SIGNS_OF_BATCH_O = """
fell on my outstretched hand and now theres a step in my wrist => !
thirty six weeks and the tightenings are coming every three or four minutes => !
i was knocked off my bicycle by a car this morning and my hip hurts => !
the bed sore on my heel has opened up and it smells => !
my daughter swears shes not pregnant, her neck is stiff => neck - preg=unknown
either knee or thigh, i cant tell which is paining => ?? knee thigh
grazed my elbow coming off the scooter, just a little scrape but its sore => elbow -
last week it was my neck this week its my lower back => lower_back -
"""

CASES += [line for line in SIGNS_OF_BATCH_O.strip().splitlines()]

# Where the pain went to ("now it's just in my wrist"), and body words as a recognizer mishears them
# ("the heal of my hand", "the bowl of my foot", "my lower bag"): only forms that are no other word
# of a body's story ("need" for knee, "rest" for wrist stay unknown).
WHERE_IT_WENT_AND_MISHEARD = """
it started in my shoulder then went to my elbow and now its just in my wrist => wrist -
the heal of my left hand hurts when i do push ups => heel_of_hand L
pain in the bowl of my foot the right one => ball_of_foot R
my lower bag is killing me after work => lower_back -
my big tow on the left is throbbing => big_toe L
my left arm aches from carrying the shopping up four flights => ? arm L
"""

CASES += [line for line in WHERE_IT_WENT_AND_MISHEARD.strip().splitlines()]

# A pain word that names its place ("a bad back", "my back went") says that place's signs, and no
# phrase reaches across a comma ("bad, back", "back, of").
PLACES_IN_PAIN_WORDS = """
i have a bad back and i cannot control my bladder => !
my back went and i wet myself => !
bad, back cannot hold it, 1st toe => !
1st toe, ripping pain back, of => !
"""

CASES += [line for line in PLACES_IN_PAIN_WORDS.strip().splitlines()]

# Batch O's other danger signs in words, a knee that is "not mine" but a husband's, and a decade long
# gone. A second sign after "or" is not taken as denied ("not hot or red" is still sent for help).
MORE_SIGNS_OF_BATCH_O = """
my husband is talking like hes drunk and his left arm is just hanging there => !
he jumped off the wall and cant put his foot down at all => !
something popped in my neck and now both my hands are tingling => !
its my husbands knee not mine => knee - noask
back in the sixties i dislocated a finger playing rugby, now its my left knee => knee L
my arm feels like it is not mine => !
"""

CASES += [line for line in MORE_SIGNS_OF_BATCH_O.strip().splitlines()]

# An age said with "at" in a clause of its own is of the person named in that clause, or the speaker.
AT_AN_AGE = """
my late husband loved the garden god rest him and now at eighty its my ankles that ache => ankle B care=elderly noask
my dad at eighty still digs the garden and his back aches => ? back - care=elderly noask
"""

CASES += [line for line in AT_AN_AGE.strip().splitlines()]

# Batch P: weeks said after "at" are weeks of pregnancy ("bleeding at nine weeks"), a hand "like a
# dead fish", water leaking in pregnancy, a "not" that leaves out "pregnant" ("maybe pregnant, maybe
# not") denies no place, and a possessive of a word the pack does not know names an owner.
SIGNS_OF_BATCH_P = """
bit of bleeding at nine weeks and my lower back aches => !
my face and hands puffed up overnight at thirty six weeks and my head is pounding => !
my hand feels like a dead fish, came on ten minutes ago => !
thirty weeks and theres water leaking and my lower back aches in waves => !
maybe pregnant maybe not the ring finger on my right hand is sore => ring_finger R preg=unknown
almost certainly not pregnant my left heel is sore => heel_of_foot L preg=unknown
the striker's left knee and right elbow are sore after the tackle => knee L +elbow R
cant hold my cup properly my right hand is so sore in the mornings => hand R
she cant bear any weight on her left leg since she fell => !
two of the lads clashed heads and one cant remember the match => !
his words are coming out like mush and his arm feels like lead => !
one leg has swelled up like a tree trunk => !
shut my finger in the door and the nail is hanging off => !
"""

CASES += [line for line in SIGNS_OF_BATCH_P.strip().splitlines()]

# Batch Q: a burn from a press that came up in blisters, a van that clipped a cyclist, a bump where
# there should not be one, a surrogate in labour, "surely I'm not" (no plain no), "just checking".
SIGNS_OF_BATCH_Q = """
the press caught the back of my right hand and its come up in big blisters => !
a van clipped me on my bike and now my neck hurts => !
fell on my hand and theres a bump where there shouldnt be one => !
im a surrogate thirty three weeks and the tightenings are coming every four or five minutes => !
surely im not pregnant at forty eight, my wrists ache => wrist B preg=unknown
just checking this works, my knee hurts => knee -
"""

CASES += [line for line in SIGNS_OF_BATCH_Q.strip().splitlines()]

# A person said after "with" is company (grammar: companions), not the owner of a place said later;
# "his" and "her" still point back to them.
COMPANY = """
i was up all night gaming with my mates and now the pinky on my right hand is sore => little_finger R
i went out with my husband and his knee hurts => knee - noask
"""

CASES += [line for line in COMPANY.strip().splitlines()]

AGES_SAID_OTHERWISE = """
my gran have eighty one years and her left ankle is paining => ankle L care=elderly noask
my age is seventy three, pain in right shoulder => shoulder R care=elderly noask
my aunty she is old seventy six her hip is giving pain => hip - care=elderly noask
a gentleman of ninety years with a sore right wrist => wrist R care=elderly noask
my dad is having knee pain => knee - noask
i have had this knee pain for years => knee -
two years ago i broke my wrist now my knee hurts => knee -
had my hip done years back and now my left elbow aches => elbow L
"""

CASES += [line for line in AGES_SAID_OTHERWISE.strip().splitlines()]

# Batches R and S: a motorbike or moped come off, an Achilles "as if kicked", a headache that came on
# "in a second", a fall from a ladder, a swollen blue arm, a scald that blistered, a fall onto the
# bump in pregnancy, a dog bite "quite deep"; and the look-alikes beside them.
SIGNS_OF_BATCHES_R_AND_S = """
came off my motorbike on the bend and my wrist is sore => !
my calf felt like i was kicked from behind and i cant stand on tiptoe => !
my neck is stiff and the headache came on in an instant => !
fell off a ladder at work and my lower back is killing me => !
my left leg is swollen and bluish => !
spilt hot coffee on my hand and its all blistery => !
im pregnant and i fell on my tummy on the stairs, my knee hurts => !
a dog went for me in the park and my ankle is bleeding => !
grazed my knee falling off my scooter, its sore => knee -
walked home on it, a bit swollen, my right ankle is sore => ankle R
the dog nipped my hand playing, my thumb is sore => thumb -
went for my first run in ages and my calves ache => lower_leg B
"""

CASES += [line for line in SIGNS_OF_BATCHES_R_AND_S.strip().splitlines()]

# Batch S: hedges by awareness, prayer, certainty and caution.
HEDGES_OF_BATCH_S = """
not pregnant as far as im aware, my left wrist aches => wrist L preg=unknown
im not pregnant to my knowledge and my neck is stiff => neck - preg=unknown
god forbid im pregnant again, my right knee hurts => knee R preg=unknown
not pregnant please god, my lower back aches => lower_back - preg=unknown
im not a hundred percent sure im not pregnant, my ankle hurts => ankle - preg=unknown
just in case i am pregnant, my left shoulder is sore => shoulder L preg=unknown
the baby has been kicking all night and my hip aches => hip - preg=yes
"""

CASES += [line for line in HEDGES_OF_BATCH_S.strip().splitlines()]

# Batches R and S: condition names with a word for who gets them ("gamers thumb"), a place "totally
# better", a filler inside a place's name ("the ball of my UH foot"), a number that runs on
# ("a hundred and twenty drops") is no age, the fat part under the thumb.
WORDING_OF_BATCHES_R_AND_S = """
gamers thumb on my left hand from the controller => thumb L
swimmers shoulder again the right one => shoulder R
my ankle was sore on monday but its totally better now => x
my wrist was bad but its completely fine now, my left elbow aches => elbow L
the back of my uh left knee is sore => knee L
the ball of my um right foot burns => ball_of_foot R
a hundred and twenty parcels today and my lower back aches => lower_back -
eighty and still going, my right knee aches => knee R care=elderly noask
the fat part under my thumb is sore, the left => thumb_ball L
"""

CASES += [line for line in WORDING_OF_BATCHES_R_AND_S.strip().splitlines()]

# Batch R: "my back went" is the back (a cue swallowed it); "no numbness in my legs" denies the legs;
# after "X is fine" a clause starts, so "mine are fine, it's my neck" singles out the neck.
BACKS_AND_FINE_OF_BATCH_R = """
my back went lifting the mattress, low down => lower_back -
my back went a bit stiff gardening, no tingling down my legs, lower down => lower_back -
my dads knees are bad but mine are fine its my right wrist thats sore => wrist R
my left ankle is fine its the right one thats swollen => ankle R
"""

CASES += [line for line in BACKS_AND_FINE_OF_BATCH_R.strip().splitlines()]

# "it's my ..." starts a clause: what was said before it (a sister's frozen shoulder "for a year")
# does not make the place singled out there background.
ITS_MY_STARTS_A_CLAUSE = """
my brother had a bad knee for years mines nothing like that its my right ankle that hurts => ankle R
my hips are not the problem, its the lower back => lower_back -
"""

CASES += [line for line in ITS_MY_STARTS_A_CLAUSE.strip().splitlines()]

# Batch S: a clause said of the place right after it ("the hip THAT was operated on is fine");
# "the other knee"; a part taken back and its whole said with another side is the part there.
RELATIVES_AND_CORRECTED_PARTS = """
the knee that had the keyhole op is fine, its the other knee, the left, that aches => knee L
the ball of my left foot, sorry, my right foot => ball_of_foot R
my left thumb no wait my right hand => thumb R
my index no my middle finger on my right hand is sore => middle_finger R
"""

CASES += [line for line in RELATIVES_AND_CORRECTED_PARTS.strip().splitlines()]

# Batch T: a dog that "got hold of" a hand, "a deep one", bleeding "through the tea towel", a finger
# "pointing off sideways", a car "in a ditch"; "I wasn't pregnant last month" says nothing of now;
# a hedge word with its endings ("the GP reckons I'm not").
SIGNS_AND_HEDGES_OF_BATCH_T = """
a dog got hold of my arm at the park and my wrist is sore => !
cut my palm on a tin its a deep one, my hand aches => !
my little finger is pointing off to the side after the match => !
we went off the road in the snow yesterday and my neck is stiff => !
i wasnt pregnant last month, my left knee hurts => knee L preg=unknown
my mum reckons im not pregnant, my right ankle aches => ankle R preg=unknown
"""

CASES += [line for line in SIGNS_AND_HEDGES_OF_BATCH_T.strip().splitlines()]

# Places named by the one they are next to, at an end of a row (grammar neighbours).
NEXT_TO_IT = """
my thumb or the one next to it, cant tell => ?? thumb index_finger
its my little toe or the one beside it => ?? little_toe fourth_toe
the toe next to my big toe on the right is sore => second_toe R
my ring finger, the one next to the little one, is stiff => ring_finger -
"""

CASES += [line for line in NEXT_TO_IT.strip().splitlines()]

# Batch T: words for places (the wee toe, where the foot joins the leg, under the toes, between the
# elbow and the hand, between the shoulders), heels that are shoes, "now neither", "isn't like my
# migraines", "my husband thinks it's my hip", a bony bit inside a denied place's noun phrase.
WORDS_OF_BATCH_T = """
the wee toe on my right foot aches => little_toe R
the bit where my foot joins my leg on the right is stiff => ankle R
the pads under my toes burn when i walk => ball_of_foot -
pain between my elbow and my hand on the left => forearm L
my upper back between the shoulders is tight => mid_back -
i wore those heels all night and my left knee aches => knee L
pain in my heels in the morning => heel_of_foot B
it used to be my left knee then my right, now neither => x
this isnt like my headaches its my right shoulder => shoulder R
my wife thinks its my knee but its lower, my left shin => lower_leg L
not the bony bit on the inside of my knee, higher up, my thigh => thigh -
"""

CASES += [line for line in WORDS_OF_BATCH_T.strip().splitlines()]

# Batch T: a place with a part said before it is a body ("the outside of my thigh"); a correction
# that names a whole after a part said with it ("the big toe on the left foot, no, right foot");
# "mine's in my left heel" singles out the speaker's place; the bottom of the palm.
PARTS_AND_MINE = """
everyone thinks its my knee but its higher, the front of my thigh => thigh -
the big toe on my left foot no sorry my right foot => big_toe R
my sister has plantar fasciitis, mines in my right heel => heel_of_foot R
the bottom of my palm on the right is sore => heel_of_hand R
i know this route like the back of my hand but my left knee aches => knee L
"""

CASES += [line for line in PARTS_AND_MINE.strip().splitlines()]

# "My hand is hurting me here IN THE WRIST": a place of the same limb after a pain and a preposition.
WHERE_ITS_PAIN_IS = """
my hand is hurting me here in the wrist, left => wrist L
my foot is paining at the ankle right side => ankle R
my knee hurts and i fell on my hand => knee - +hand -
"""

CASES += [line for line in WHERE_ITS_PAIN_IS.strip().splitlines()]

# Batch T: signs said plainly (a pop and can't put weight through it, a shoulder "sitting wrong",
# "like something burst" and half of what I see missing), slang for places (noggin, mitts, plates of
# meat, hammy, where the leg bends at the back), "back's gone", "giving me gyp", hedges of chance.
MORE_OF_BATCH_T = """
heard this pop in my knee and i cant put any weight through it => !
my shoulder went clunk and its sitting wrong => !
my head went bang like something burst in there => !
me noggin is throbbing => head -
my mitts are sore with the cold => hand B
pulled my hammy on the right => thigh R
the bit where my leg bends at the back on the left feels tight => knee L
my back's gone again => ? back -
my left knee is giving me gyp => knee L
its possible im pregnant, my right ankle aches => ankle R preg=unknown
nicked my thumb, stopped bleeding straight away, just stings => thumb -
our old tabby has stiff hips => hip B care=pet noask
"""

CASES += [line for line in MORE_OF_BATCH_T.strip().splitlines()]

# Batch U: labour said by its contractions alone; a scald with boiling oil; toes that look squashed;
# a place named with a side after it is a body without a pain word; "my two feet"; two places said as
# alternatives before "it's"; "my toe second one"; "have been grand" since the operation.
SIGNS_AND_WORDS_OF_BATCH_U = """
contractions are coming every five minutes and my back is killing me => !
spilled boiling oil on my hand and it blistered => !
dropped a slab on my foot and my toes look squashed => !
its my uh my knee the left one from kneeling at work => knee L
my two feet are hurting from standing => foot B
upper arm or shoulder its hard to say => ?? upper_arm shoulder
pain in my toe second one right foot => second_toe R
my hips have been grand since the operation but my neck is stiff => neck -
i do not have pregnancy, only my left wrist is hurting => wrist L preg=no
the gouts back in my left big toe => big_toe L
"""

CASES += [line for line in SIGNS_AND_WORDS_OF_BATCH_U.strip().splitlines()]

# Batch U: someone else said to be fine, with nothing said after it, is fine with their places ("my
# daughter hurt her ankle but she's fine now"); "he's fine, just a bit sore" keeps the pain; "the heel
# of it" is the heel of the place said before; "my ticker is fine, the heart man says so" is no man.
FINE_PEOPLE_AND_PARTS_OF_IT = """
my son twisted his ankle at football but hes fine now => x
my toddler bumped his knee on the table hes fine just a bit sore => knee - care=child noask
my left hand the heel of it aches from the bowling => heel_of_hand L
my right foot, the ball of it, burns => ball_of_foot R
my ticker is fine the heart man says so its my left hip thats the bother => hip L
"""

CASES += [line for line in FINE_PEOPLE_AND_PARTS_OF_IT.strip().splitlines()]

# Batch V: "as far as we know" hedges; "all fingers and thumbs" is an idiom; places said in a
# clause before "but" do not share the rank of a place singled out after it ("my legs were stiff and
# my feet swollen yesterday, but today it's my right knee").
OF_BATCH_V = """
shes not pregnant as far as we know, her left wrist hurts => wrist L preg=unknown
im all fingers and thumbs today => x
my legs were stiff and my feet were swollen yesterday but today its my left knee thats sore => knee L
my knee is the one that hurts, not my hip => knee -
"""

CASES += [line for line in OF_BATCH_V.strip().splitlines()]

# Batch W: red flags said by symptoms and circumstances (squeezing pain in the middle of the chest
# spreading to the back, faint and short of breath with back pain, an arm and a leg of one side gone
# weak, the worst pain ever, a swollen leg on the pill, a kneecap slid to the side, a wrist that looks
# crooked, an accident on a motorbike, words not coming, the red spreading up from a toe, the baby
# coming with pains every four minutes).
SIGNS_OF_BATCH_W = """
squeezing pain in the middle of my chest for ten minutes => !
my dad says his upper back hurts and he feels faint and short of breath => !
my right arm and right leg went tingly and weak => !
this headache is the worst pain ive ever had => !
im on the pill and my right calf is swollen and red => !
my kneecap slid round to the side when i twisted => !
my mother fell and her wrist looks crooked => !
after accident of motorbike my back is paining => !
my husband speaks strange and his words are not coming => !
the red has spread up from my toe to my ankle => !
baby is coming pain every four minutes => !
"""

CASES += [line for line in SIGNS_OF_BATCH_W.strip().splitlines()]

# Batch W: "not me" is said of a person, not of the place after it; "not pregnant, well, probably
# not" leaves out "pregnant"; a hedge before a side; "a bad knee" is a knee; "chances are"; someone
# else's pain told well before one's own is a story; "I feel great" after yesterday's headache.
OF_BATCH_W = """
my sisters pregnant not me my left knee hurts => knee L preg=no
not pregnant well probably not my calf is sore => lower_leg - preg=unknown
im not pregnant hopefully right knee aches => knee R preg=unknown
i just have a bad knee => knee -
chances are im not pregnant, my right hip hurts => hip R preg=unknown
i had a headache yesterday but today i feel great => x
my knee was hurting last week but its completely gone now => x
my son sprained his ankle at football i carried his kit all day and my left shoulder aches => shoulder L +ankle -
"""

CASES += [line for line in OF_BATCH_W.strip().splitlines()]

# Batches X and Y: a headache that is "the worst ever" with a stiff neck and light that hurts (new
# sign light, NHS Meningitis); speech that "went weird"; a baby that rolled off the bed, all floppy;
# "from nothing to ten out of ten"; a wrist "bent looking"; "as far as I can tell" hedges; "the one
# before the little one"; "the big finger" (thumb); "the fleshy bit under it"; "that went down";
# "he's a good lad" is said of him, not of the speaker; "not the issue".
OF_BATCHES_X_AND_Y = """
my headache is the worst ever and the light hurts my eyes => !
a headache, a stiff neck and the light hurts my eyes => !
my speech went weird for a few minutes, now my neck is sore => !
the baby rolled off the sofa onto the floor and shes all floppy => !
my headache went from nothing to ten out of ten => !
my dad fell and his wrist is bent looking => !
not pregnant as far as i can tell, my left knee aches => knee L preg=unknown
my fourth toe the one before the little one aches => fourth_toe -
thumb the big finger is hurting in right hand => thumb R
my left thumb no wait the fleshy bit under it => thumb_ball -
my knee was swollen but that went down, now my right ankle aches => ankle R
my grandson set this up hes a good lad, my lower back is sore => lower_back -
a tattoo on my wrist, not the issue, my left elbow aches => elbow L
"""

CASES += [line for line in OF_BATCHES_X_AND_Y.strip().splitlines()]

# Batch Z: a body word after a word the pack does not know is a body when said to hurt right after
# ("ice skating TAILBONE IS SORE"); a pain word right before makes a body word no verb ("um SORE
# elbow the right one"); "pregnant or not" leaves out "pregnant" before a place; "thumb of foot";
# "between my elbow and wrist"; dancing in heels; "not any more"; "is at me"; whether I'm pregnant.
OF_BATCH_Z = """
fell ice skating tailbone is sore => lower_back -
not pregnant as far as i know um sore elbow the right one => elbow R preg=unknown
no idea if im pregnant or not lower back is sore though => lower_back - preg=unknown
my thumb of foot is hurt when i walk => big_toe -
the bone between my elbow and wrist is paining => forearm -
ball of my foot hurts after dancing in heels all night => ball_of_foot -
my knee used to give me grief but not any more => x
the neck is at me something terrible => neck -
our beagle has stiff hips => hip B care=pet noask
i never checked whether im pregnant, my right wrist aches => wrist R preg=unknown
its my own wrist the left one thats sore from the knitting => wrist L
"""

CASES += [line for line in OF_BATCH_Z.strip().splitlines()]

# Batch AA: red flags told in passing (one leg much more swollen than the other in pregnancy, a finger
# that points sideways, thrown into the seat when the bus hit a car, a temp with a stiff neck and
# light that hurts, screams if we try to get her up, tooth marks, grey and clammy with back pain, can't
# control when I go after the back went); "three months into the physio" is no age; "no pain
# anywhere"; "if my knee flares up" asks, it says no pain.
OF_BATCH_AA = """
thirty weeks pregnant and one leg is much more swollen than the other => !
jammed my finger and now it points sideways => !
the bus hit a car and i got thrown forward now my knee is sore => !
temp of thirty nine, stiff neck and the light hurts my eyes => !
my gran fell and screams if we try to get her up => !
the dog went for my arm, there are tooth marks on my forearm => !
my dad says his upper back hurts and hes gone all grey and clammy => !
my back went and now i cant control when i go to the loo => !
im three months into the physio and my left knee aches => knee L
no pain anywhere right now, just wanted to know what to do if my knee flares up => x
"""

CASES += [line for line in OF_BATCH_AA.strip().splitlines()]

# Batch AB: "like an elephant is sitting on it"; blisters after grabbing a roasting tin without a
# glove; a place "not bothering me today".
OF_BATCH_AB = """
my chest feels like an elephant is sitting on it => !
grabbed the baking tray without a glove and my fingers are blistered => !
my knee has arthritis but its not bothering me today, my left shoulder is => shoulder L
"""

CASES += [line for line in OF_BATCH_AB.strip().splitlines()]

# A part said after its place and a pain word: "my thumb aches AT THE BASE", "my hand hurts at the heel".
PARTS_SAID_AFTER = """
my thumb aches at the base from the knitting => thumb_ball -
my hand hurts at the heel when i do push ups => heel_of_hand -
my knee hurts at the back => knee -
"""

CASES += [line for line in PARTS_SAID_AFTER.strip().splitlines()]

# Batch AC: the place asked about after "mine is the one I'm asking about" is the complaint; heels
# worn, "right as rain", "a foot massage" are no places.
OF_BATCH_AC = """
my husband says his knee is worse than mine but mine is the one im asking about, my left knee => knee L
a cramp in my right foot from the heels i wore => foot R
the pain in my shoulder went away and now im right as rain => x
my aunt swears by a foot massage so here goes, ive got a headache => head -
"""

CASES += [line for line in OF_BATCH_AC.strip().splitlines()]

# Batch AD: a bone "poking the skin"; a place "healing well" after an operation.
OF_BATCH_AD = """
he went over on his ankle and the bone is poking the skin => !
had my knee done in may its healing well and my right elbow aches => elbow R
"""

CASES += [line for line in OF_BATCH_AD.strip().splitlines()]
