#!/usr/bin/env python3
"""Mean, median and fastest time per iteration of each criterion benchmark of the last run.

    python3 tools/criterion_summary.py [GROUP_PREFIX]   # e.g. mbus_full_decode

Criterion prints the mean of its samples. On a shared machine whole stretches of samples run
slower than the rest (another tenant sharing the core's branch predictor and front end); the
fastest sample is what the code costs without that interference, the median the typical sample.
The mean is criterion's estimate (`new/estimates.json`), the others are read from
`target/criterion/<group>/<bench>/new/sample.json`.
"""
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1] / "target" / "criterion"


def main():
    prefix = sys.argv[1] if len(sys.argv) > 1 else ""
    for samples in sorted(ROOT.glob(f"{prefix}*/**/new/sample.json")):
        data = json.loads(samples.read_text())
        per_iter = sorted(t / n for t, n in zip(data["times"], data["iters"]))
        name = samples.parent.parent.relative_to(ROOT)
        fastest, median = per_iter[0], per_iter[len(per_iter) // 2]
        mean = json.loads((samples.parent / "estimates.json").read_text())["mean"]["point_estimate"]
        print(
            f"{str(name):<70} mean {mean / 1e3:9.3f} us   median {median / 1e3:9.3f} us   "
            f"fastest {fastest / 1e3:9.3f} us"
        )


if __name__ == "__main__":
    main()
