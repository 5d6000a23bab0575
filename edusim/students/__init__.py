"""Torch students trained on generated problems (DataEnvGym, SOAR), K at once.

A student is a small causal language model over ``prompt + answer`` token ids: supervised
training on answer tokens, greedy decoding for evaluation, temperature sampling with
log-probabilities for RL from binary rewards and pass@k. :class:`BatchedStudents` holds K
independent students (seeds, or one dataset each) with stacked weights and trains, decodes and
samples all of them in one call. Families are plug-ins in :data:`STUDENTS`.

Example:
    >>> STUDENTS.names()
    ['transformer', 'mlp']
    >>> students = make_students("mlp", seeds=[0, 1, 2], vocab_size=8, prompt_len=4,
    ...                          answer_len=2, device="cpu")
    >>> students.n_students, students.config.kind
    (3, 'mlp')
"""

from edusim.registry import Entry, Registry
from edusim.students.batched import BatchedStudents, StudentFileError
from edusim.students.config import RLMethod, StudentConfig, TrainingProtocol
from edusim.students.metrics import pass_at_k

__all__ = [
    "STUDENTS",
    "BatchedStudents",
    "RLMethod",
    "StudentConfig",
    "StudentFileError",
    "TrainingProtocol",
    "make_students",
    "pass_at_k",
]

#: Student families: name -> class built from a :class:`StudentConfig`.
STUDENTS: Registry = Registry("student", {
    "transformer": Entry("edusim.students.transformer:TransformerStudent", "Transformer",
                         "A small pre-norm causal transformer (grouped layers, K at once)."),
    "mlp": Entry("edusim.students.mlp:MLPStudent", "MLP",
                 "A causal MLP over the position-weighted prefix (a Bengio-style neural LM)."),
})


def make_students(kind: str = "transformer", seeds=(0,), **settings) -> BatchedStudents:
    """A batch of ``len(seeds)`` students of family ``kind`` with config ``settings``.

    Raises:
        UnknownNameError: For a family not in :data:`STUDENTS` (the message lists them).
    """
    STUDENTS.entry(kind)
    return BatchedStudents(StudentConfig.from_kwargs(kind=kind, **settings), list(seeds))
