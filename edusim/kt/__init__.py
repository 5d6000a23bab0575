"""Knowledge tracing: BKT fitted by batched EM, DKT and SAKT trained in torch, metrics, CV.

Fit on a canonical interaction frame (:mod:`edusim.data`), evaluate on held-out learners, save
the model, and simulate with it as a learner (:mod:`edusim.kt.fitted_learner`).

Example:
    >>> import pandas as pd
    >>> df = pd.DataFrame({"user_id": list("aabb"), "item_id": ["q"] * 4,
    ...                    "skill_ids": [["s"]] * 4, "timestamp": range(4),
    ...                    "correct": [False, True, True, True]})
    >>> fit(FitSpec("bkt"), df).kind
    'bkt'
"""

from edusim.kt.api import FitSpec, cross_validate, evaluate_model, fit, kinds
from edusim.kt.bkt_fit import BKT, BKTFitConfig, FittedBKT, fit_bkt
from edusim.kt.dkt import DKT, DKTConfig
from edusim.kt.fitted import FittedModel, FittedNeural, load_model, save_model
from edusim.kt.io import ModelFileError
from edusim.kt.metrics import Metrics, evaluate
from edusim.kt.registry import KT_MODELS, MODELS, FitRun, build_model, register
from edusim.kt.sakt import SAKT, SAKTConfig
from edusim.kt.sequences import Interactions, Level, SequenceBatch, Vocabulary, encode
from edusim.kt.train import TrainConfig, TrainEvent, fit_neural

__all__ = [
    "BKT",
    "BKTFitConfig",
    "FitRun",
    "KT_MODELS",
    "DKT",
    "DKTConfig",
    "FitSpec",
    "FittedBKT",
    "FittedModel",
    "FittedNeural",
    "Interactions",
    "Level",
    "MODELS",
    "Metrics",
    "ModelFileError",
    "SAKT",
    "SAKTConfig",
    "SequenceBatch",
    "TrainConfig",
    "TrainEvent",
    "Vocabulary",
    "build_model",
    "cross_validate",
    "encode",
    "evaluate",
    "evaluate_model",
    "fit",
    "fit_bkt",
    "fit_neural",
    "kinds",
    "load_model",
    "register",
    "save_model",
]
