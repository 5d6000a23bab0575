"""Fit and evaluate pyBKT in its own interpreter (run by ``benchmarks/kt.py``, not imported).

Usage: ``PYBKT_PYTHON pybkt_runner.py TRAIN.csv TEST.csv OUT.npy`` with CSVs of
``user_id,skill_name,correct,order_id`` (``order_id`` is the row number). Prints one JSON
line: fit seconds, E-step count, whether the C++ core is in use. Predictions for the test
rows go to ``OUT.npy`` in row order.
"""

import json
import sys
import time

import numpy as np
import pandas as pd
from pyBKT.fit import E_step
from pyBKT.models import Model


def main(train_path: str, test_path: str, out_path: str) -> None:
    train = pd.read_csv(train_path, dtype={"skill_name": str})
    test = pd.read_csv(test_path, dtype={"skill_name": str})
    calls = {"n": 0}
    run = E_step.run

    def counted(*args, **kwargs):
        calls["n"] += 1
        return run(*args, **kwargs)

    E_step.run = counted
    model = Model(seed=42, num_fits=1)
    start = time.perf_counter()
    model.fit(data=train, forgets=False)
    fit_seconds = time.perf_counter() - start
    predicted = model.predict(data=test)
    predicted = predicted.sort_values("order_id")
    np.save(out_path, predicted["correct_predictions"].to_numpy(dtype=np.float64))
    print(json.dumps({
        "fit_seconds": fit_seconds,
        "e_steps": calls["n"],
        "cpp_core": E_step.__file__.endswith(".so"),
    }))


if __name__ == "__main__":
    main(*sys.argv[1:4])
