#!/usr/bin/env python3
"""Peers for Tools/eval/digits: scikit-learn and cleanlab on LabelLedger's own features and split.

Reads the JSON printed by `labelledger-dev eval-digits` (which names the features CSV), adds
  - "sklearn": LogisticRegression(C=1) inside SelfTrainingClassifier (threshold 0.75, the
    default) on the standardised features, trained on the same hand-labeled samples, predicting
    the same unlabeled ones, with no hard-example filter;
  - "sklearn_cleanlab": cleanlab.filter.find_label_issues on those predicted labels as the
    hard-example peer. Its out-of-fold probabilities come from models that never saw the labels
    they judge: the unlabeled samples are cut into 5 folds, and each fold is predicted by the same
    self-training peer fitted on the hand labels and the *other* folds only (so neither the judged
    samples nor their predicted labels took part in its training);
  - "sklearn_same_share_flagged": the sklearn peer flagging its least confident labels, as many as
    LabelLedger flagged: the filtered-against-filtered comparison at an equal cost to the annotator;
  - "targets": the issue's targets, each with its verdict; accuracy comparisons are like for like
    (all labels against all labels, non-hard against non-hard);
and prints one JSON object.
"""
import csv
import json
import sys
import time

import numpy as np
from cleanlab.filter import find_label_issues
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler
from sklearn.semi_supervised import SelfTrainingClassifier


def self_training_peer():
    return SelfTrainingClassifier(LogisticRegression(C=1.0, max_iter=2000), threshold=0.75)


def main():
    ours = json.load(open(sys.argv[1]))
    with open(ours["features_csv"]) as f:
        rows = list(csv.reader(f))[1:]
    names = sorted({r[1] for r in rows})
    index = {n: i for i, n in enumerate(names)}
    truth = np.array([index[r[1]] for r in rows])
    labeled = np.array([r[2] == "1" for r in rows])
    x = StandardScaler().fit_transform(np.array([[float(v) for v in r[3:]] for r in rows]))
    unlabeled = ~labeled
    k = len(names)

    started = time.time()
    y = np.where(labeled, truth, -1)
    model = self_training_peer().fit(x, y)
    predicted = model.predict(x[unlabeled])
    probabilities = model.predict_proba(x[unlabeled])
    sklearn_seconds = time.time() - started
    accuracy = float(np.mean(predicted == truth[unlabeled]))

    # Out-of-fold probabilities for cleanlab: fold f is judged by a peer that never saw it.
    rng = np.random.default_rng(ours["seed"])
    idx = np.flatnonzero(unlabeled)
    folds = rng.permutation(len(idx)) % 5
    oof = np.zeros((len(idx), k))
    for f in range(5):
        keep = np.ones(len(truth), dtype=bool)
        keep[idx[folds == f]] = False
        fold_model = self_training_peer().fit(x[keep], y[keep])
        probs = fold_model.predict_proba(x[idx[folds == f]])
        full = np.full((probs.shape[0], k), 1e-9)
        full[:, fold_model.classes_.astype(int)] = probs
        oof[folds == f] = full / full.sum(axis=1, keepdims=True)
    issues = find_label_issues(labels=predicted, pred_probs=oof)
    wrong = predicted != truth[unlabeled]
    clean = ~issues

    lab = ours["labelledger"]
    # The peer flagging its least confident labels, as many as LabelLedger flagged.
    flagged = int(round(lab["share_flagged_hard"] * len(predicted)))
    order = np.argsort(probabilities.max(axis=1), kind="stable")
    same_share = np.zeros(len(predicted), dtype=bool)
    same_share[order[:flagged]] = True
    kept = ~same_share

    result = dict(ours)
    result.pop("features_csv", None)
    result["sklearn"] = {
        "auto_labeled": int(unlabeled.sum()),
        "accuracy_all_auto_labels": accuracy,
        "fit_seconds": sklearn_seconds,
    }
    result["sklearn_cleanlab"] = {
        "accuracy_non_hard": float(np.mean(predicted[clean] == truth[unlabeled][clean])) if clean.any() else 0.0,
        "share_flagged_hard": float(issues.mean()),
        "share_wrong_flagged_hard": float(issues[wrong].mean()) if wrong.any() else 1.0,
    }
    result["sklearn_same_share_flagged"] = {
        "accuracy_non_hard": float(np.mean(predicted[kept] == truth[unlabeled][kept])) if kept.any() else 0.0,
        "share_flagged_hard": float(same_share.mean()),
        "share_wrong_flagged_hard": float(same_share[wrong].mean()) if wrong.any() else 1.0,
    }
    targets = {
        "non_hard_accuracy_at_least_0.97": lab["accuracy_non_hard"] >= 0.97,
        "promised_lower_bound_held": lab["promise_held"],
        "all_auto_label_accuracy_not_worse_than_sklearn": lab["accuracy_all_auto_labels"] >= accuracy,
        "non_hard_accuracy_not_worse_than_sklearn_cleanlab": lab["accuracy_non_hard"]
        >= result["sklearn_cleanlab"]["accuracy_non_hard"],
        "non_hard_accuracy_not_worse_than_sklearn_at_the_same_share_flagged": lab["accuracy_non_hard"]
        >= result["sklearn_same_share_flagged"]["accuracy_non_hard"],
        "wrong_caught_at_least_0.80": lab["share_wrong_flagged_hard"] >= 0.80,
        "flagged_at_most_0.25": lab["share_flagged_hard"] <= 0.25,
        "task_at_most_5_seconds": lab["task_wall_seconds"] <= 5.0,
    }
    if "annotator_loop" in ours:
        targets["manual_actions_reduced_at_least_0.80"] = ours["annotator_loop"]["reduction"] >= 0.80
    result["targets"] = targets
    print(json.dumps(result, sort_keys=True))


if __name__ == "__main__":
    main()
