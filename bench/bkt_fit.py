"""Benchmark: fit Bayesian knowledge tracing to 1 million simulated responses.

Simulates responses from known per-skill parameters (50 skills), splits the learners into
train (80 %) and test (20 %), fits the vectorised EM of ``terakoya.insights.bkt`` on the train
learners and prints the fit time, the parameter-recovery error and the AUC of next-response
predictions on the held-out learners for the fitted model, the true parameters and a
running-proportion baseline, each next to the pyBKT anchor measured on this kind of machine.

    .venv/bin/python -m bench.bkt_fit [--responses 1000000] [--repeat 3] [--write-doc]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import re
import statistics
import subprocess
import time
from pathlib import Path

import numpy as np

from terakoya.insights import bkt

ANCHOR_SECONDS = 3.4
ANCHOR_AUC = 0.800
ANCHOR_TRUE_AUC = 0.800
ANCHOR_BASELINE_AUC = 0.754
SECTION = "## Mastery (BKT)"


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _load() -> str:
    try:
        return Path("/proc/loadavg").read_text().split(" ", 3)[:3].__str__()
    except OSError:
        return "unknown"


def _subset(sim: bkt.Simulated, keep: np.ndarray) -> bkt.Sequences:
    return bkt.sequences_from_responses(
        skill=sim.skill[keep],
        learner=sim.learner[keep],
        correct=sim.correct[keep],
        n_skills=len(sim.truth),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--responses", type=int, default=1_000_000)
    parser.add_argument("--skills", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=20261127)
    parser.add_argument(
        "--bootstrap", type=int, default=5, help="bootstrap replicates to time (0: none)"
    )
    parser.add_argument("--write-doc", action="store_true", help="update docs/performance.md")
    args = parser.parse_args()

    rng = np.random.default_rng(args.seed)
    min_len, max_len = 4, 16  # ten responses per learner and skill on average
    n_learners = round(args.responses / (args.skills * (min_len + max_len) / 2))
    sim = bkt.simulate(
        n_skills=args.skills,
        n_learners=n_learners,
        min_length=min_len,
        max_length=max_len,
        rng=rng,
    )
    n_total = len(sim.correct)
    learners = rng.permutation(n_learners)
    test_learners = np.zeros(n_learners, bool)
    test_learners[learners[: n_learners // 5]] = True
    in_test = test_learners[sim.learner]
    train_idx = np.flatnonzero(~in_test)

    # Fit time: from flat (skill, learner, correct) arrays to fitted parameters, grouping
    # included, on the train learners; and on all responses for a like-for-like count.
    train_times: list[float] = []
    result: bkt.FitResult | None = None
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        train = _subset(sim, train_idx)
        result = bkt.fit(train)
        train_times.append(time.perf_counter() - t0)
    assert result is not None
    all_times: list[float] = []
    all_result: bkt.FitResult | None = None
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        everything = bkt.sequences_from_responses(
            skill=sim.skill, learner=sim.learner, correct=sim.correct, n_skills=args.skills
        )
        all_result = bkt.fit(everything)
        all_times.append(time.perf_counter() - t0)
    assert all_result is not None

    test = _subset(sim, np.flatnonzero(in_test))
    labels = test.correct
    fitted_auc = bkt.auc(labels, bkt.forward(test, result.params).predicted)
    true_auc = bkt.auc(labels, bkt.forward(test, sim.truth).predicted)
    prior = np.bincount(
        train.skill, weights=np.bincount(train.column, weights=train.correct), minlength=args.skills
    ) / np.maximum(train.responses_per_skill(), 1)
    baseline_auc = bkt.auc(labels, bkt.running_proportion(test, prior))
    recovery = np.abs(result.params - sim.truth).mean(axis=0)
    recovery_all = np.abs(all_result.params - sim.truth).mean(axis=0)

    boot_line = "bootstrap: not timed"
    if args.bootstrap:
        t0 = time.perf_counter()
        reps = bkt.bootstrap(everything, all_result, replicates=args.bootstrap, rng=rng)
        boot_s = time.perf_counter() - t0
        spread = reps.std(axis=0).mean(axis=0)
        boot_line = (
            f"bootstrap over learners (for estimate intervals, not part of the fit): "
            f"{args.bootstrap} replicates on all responses in {boot_s:.2f} s "
            f"({boot_s / args.bootstrap:.2f} s each); mean sd per parameter "
            + ", ".join(f"{n} {v:.4f}" for n, v in zip(bkt.PARAMETER_NAMES, spread, strict=True))
        )

    fit_s = statistics.median(train_times)
    fit_all_s = statistics.median(all_times)
    lines = [
        f"responses simulated: {n_total:,} ({args.skills} skills, {n_learners:,} learners, "
        f"{min_len}-{max_len} responses per learner and skill)",
        f"train: {train.n_responses:,} responses of {n_learners - n_learners // 5:,} learners; "
        f"test: {test.n_responses:,} responses of {n_learners // 5:,} held-out learners",
        f"fit time, train split (median of {args.repeat}): {fit_s:.2f} s "
        f"[{', '.join(f'{t:.2f}' for t in train_times)}]; "
        f"EM iterations {result.iterations}, converged {result.converged}",
        f"fit time, all {n_total:,} responses (median of {args.repeat}): {fit_all_s:.2f} s "
        f"[{', '.join(f'{t:.2f}' for t in all_times)}]; EM iterations {all_result.iterations}",
        f"  anchor pyBKT 1.4.3 (C++): {ANCHOR_SECONDS:.1f} s -> ours is "
        f"{ANCHOR_SECONDS / fit_all_s:.1f}x faster on all responses, "
        f"{ANCHOR_SECONDS / fit_s:.1f}x on the train split",
        "parameter recovery, mean abs error vs truth (train fit / all-data fit):",
        *(
            f"  {name:<10} {recovery[i]:.4f} / {recovery_all[i]:.4f}"
            for i, name in enumerate(bkt.PARAMETER_NAMES)
        ),
        "test AUC (held-out learners, next-response prediction):",
        f"  fitted model        {fitted_auc:.3f}  (anchor {ANCHOR_AUC:.3f}; "
        f"ratio {fitted_auc / ANCHOR_AUC:.3f}; vs true params here {fitted_auc - true_auc:+.4f})",
        f"  true parameters     {true_auc:.3f}  (anchor {ANCHOR_TRUE_AUC:.3f}; "
        f"ratio {true_auc / ANCHOR_TRUE_AUC:.3f})",
        f"  running proportion  {baseline_auc:.3f}  (anchor {ANCHOR_BASELINE_AUC:.3f}; "
        f"ratio {baseline_auc / ANCHOR_BASELINE_AUC:.3f})",
        boot_line,
    ]
    machine = (
        f"nproc {os.cpu_count()}, CPU {_cpu_model()}, Python {platform.python_version()}, "
        f"numpy {np.__version__}, load average at start {_load()}"
    )
    for line in lines:
        print(line)
    print(machine)
    if args.write_doc:
        _write_doc(lines, machine, args)


def _git_head() -> str:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False
        )
        return out.stdout.strip()
    except OSError:
        return ""


def _write_doc(lines: list[str], machine: str, args: argparse.Namespace) -> None:
    path = Path(__file__).resolve().parent.parent / "docs" / "performance.md"
    text = path.read_text() if path.exists() else "# Performance\n"
    today = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    body = "\n".join(
        [
            SECTION,
            "",
            f"Measured {today} at commit {_git_head()} with",
            f"`.venv/bin/python -m bench.bkt_fit --responses {args.responses} "
            f"--repeat {args.repeat} --bootstrap {args.bootstrap} --write-doc`.",
            f"Machine: {machine}. The machine is shared with about seven other agents, so",
            "times are noisy; the median of the repeats is reported.",
            "",
            "```",
            *lines,
            "```",
            "",
            "The fit is the vectorised EM of `terakoya/insights/bkt.py` (numpy, float64, scaled",
            "forward-backward over every sequence of every skill at once); pyBKT is not a",
            "dependency. The fit time counts grouping the flat responses into sequences.",
            "",
        ]
    )
    pattern = re.compile(rf"^{re.escape(SECTION)}\n.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(text):
        text = pattern.sub(lambda _m: body, text)
    else:
        text = text.rstrip("\n") + "\n\n" + body
    path.write_text(text)
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
