"""Word lists for reading dialogue text: ordinary talk, probing cues, "I don't know".

Example:
    >>> sorted(content_words("Julia had 15 spoons before tasting the stew."))
    ['julia', 'spoon', 'stew', 'tasting']
    >>> says_dont_know("Hmm, I don't know."), says_dont_know("It is 15.")
    (True, False)
"""

from __future__ import annotations

import re

__all__ = [
    "COMMON_WORDS",
    "PROBING_CUES",
    "REQUEST_CUES",
    "STOP_WORDS",
    "content_words",
    "says_dont_know",
]

#: Short words that carry no topic (left out when matching a message to a solution step).
STOP_WORDS = frozenset(
    "a an the and or but so of to in on at for with by from is are was were be been am it its "
    "this that these those there here he she they we you i me my your his her their our them "
    "him us do does did done have has had will would can could should shall may might must "
    "what which who whom whose how why when where not no yes if then than as up out about "
    "into over after before all each every some any more most much many one also just very "
    "let let's now again ok okay".split()
)

#: Ordinary words of tutoring talk: a message using any of them is not nonsense.
COMMON_WORDS = STOP_WORDS | frozenset(
    "good great well done nice job right correct wrong try think thinking look see check "
    "step steps answer question problem number numbers work worked working explain tell "
    "show sure start first next last total sum add added subtract take away times multiply "
    "divide divided half double equal equals left remaining each per again keep going "
    "hello hi thanks thank please sorry yes no maybe how why because mean means know "
    "understand careful read again carefully said say get got find found need use used".split()
)

#: Phrases of a probing move: asking the student to explain, justify or check.
PROBING_CUES = (
    "why", "how did", "how do you", "explain", "walk me through", "talk me through",
    "check", "are you sure", "what did you", "show me", "what makes you", "can you tell me how",
    "your reasoning", "how you got", "what was your",
)

#: Phrases that ask the student to do something: explain, redo, re-read, check.
REQUEST_CUES = PROBING_CUES + (
    "tell me", "try again", "look back", "look again", "re-read", "reread", "read the question",
    "have a look", "go through", "guide me", "can you", "could you", "please", "let's",
    "think about", "work out", "figure out", "what is", "what's", "how many", "how much",
)

_DONT_KNOW = re.compile(
    r"\b(i\s*(?:do\s*n[o']?t|dont|don't)\s*know|no idea|not sure|i'?m stuck|i give up|"
    r"i\s*(?:do\s*n[o']?t|don't|dont)\s*(?:get|understand)|\?\?+|idk)\b",
    re.I,
)


def content_words(text: str) -> set[str]:
    """Lower-case words of ``text`` without stop words or numbers, plural ``-s`` dropped."""
    words = set()
    for word in re.findall(r"[a-z][a-z']+", text.lower()):
        word = word.removesuffix("'s")
        if word in STOP_WORDS or len(word) < 3:
            continue
        words.add(word[:-1] if word.endswith("s") and not word.endswith("ss") else word)
    return words


def says_dont_know(text: str) -> bool:
    """Whether a student's reply says they do not know or are stuck."""
    return bool(_DONT_KNOW.search(text))
