#!/usr/bin/env python3
"""Peers for Tools/eval/digits: scikit-learn and cleanlab on LabelLedger's own features and split.

Reads the JSON printed by `labelledger-dev eval-digits` (which names the features CSV), adds
  - "sklearn": LogisticRegression(C=1) inside SelfTrainingClassifier (threshold 0.75, the
    default) on the standardised features, trained on the same hand-labeled samples, predicting
    the same unlabeled ones (no hard-example filter: its non-hard accuracy is its accuracy);
  - "sklearn_cleanlab": cleanlab.filter.find_label_issues on those predictions as the
    hard-example peer, with out-of-fold probabilities (5 folds over the unlabeled samples, each
    fold predicted by a model trained on the labeled samples plus the other folds' predictions);
  - "targets": the issue's targets, each with its verdict;
and prints one JSON object.
"""
import json
import sys
import time

import numpy as np
from cleanlab.filter import find_label_issues
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler
from sklearn.semi_supervised import SelfTrainingClassifier


def main():
    ours = json.load(open(sys.argv[1]))
    data = np.genfromtxt(ours["features_csv"], delimiter=",", skip_header=1, dtype=np.float64)
    truth = data[:, 1].astype(int)
    labeled = data[:, 2] == 1
    x = StandardScaler().fit_transform(data[:, 3:])
    unlabeled = ~labeled

    started = time.time()
    y = np.where(labeled, truth, -1)
    model = SelfTrainingClassifier(LogisticRegression(C=1.0, max_iter=2000), threshold=0.75).fit(x, y)
    predicted = model.predict(x[unlabeled])
    sklearn_seconds = time.time() - started
    accuracy = float(np.mean(predicted == truth[unlabeled]))

    # Out-of-fold probabilities for cleanlab.
    rng = np.random.default_rng(ours["seed"])
    idx = np.flatnonzero(unlabeled)
    folds = rng.permutation(len(idx)) % 5
    oof = np.zeros((len(idx), 10))
    for f in range(5):
        train_u = idx[folds != f]
        xs = np.vstack([x[labeled], x[train_u]])
        ys = np.concatenate([truth[labeled], predicted[folds != f]])
        fold_model = LogisticRegression(C=1.0, max_iter=2000).fit(xs, ys)
        probs = fold_model.predict_proba(x[idx[folds == f]])
        oof[folds == f] = probs[:, np.searchsorted(fold_model.classes_, np.arange(10))] if len(fold_model.classes_) == 10 else probs
    issues = find_label_issues(labels=predicted, pred_probs=oof)
    wrong = predicted != truth[unlabeled]
    clean = ~issues

    lab = ours["labelledger"]
    loop = ours["annotator_loop"]
    result = dict(ours)
    result.pop("features_csv", None)
    result["sklearn"] = {
        "auto_labeled": int(unlabeled.sum()),
        "accuracy_all_auto_labels": accuracy,
        "accuracy_non_hard": accuracy,
        "fit_seconds": sklearn_seconds,
    }
    result["sklearn_cleanlab"] = {
        "accuracy_non_hard": float(np.mean(predicted[clean] == truth[unlabeled][clean])) if clean.any() else 0.0,
        "share_flagged_hard": float(issues.mean()),
        "share_wrong_flagged_hard": float(issues[wrong].mean()) if wrong.any() else 1.0,
    }
    result["targets"] = {
        "non_hard_accuracy_at_least_0.97": lab["accuracy_non_hard"] >= 0.97,
        "non_hard_accuracy_not_worse_than_sklearn": lab["accuracy_non_hard"] >= accuracy,
        "wrong_caught_at_least_0.80": lab["share_wrong_flagged_hard"] >= 0.80,
        "flagged_at_most_0.25": lab["share_flagged_hard"] <= 0.25,
        "manual_actions_reduced_at_least_0.80": loop["reduction"] >= 0.80,
        "task_at_most_5_seconds": lab["task_wall_seconds"] <= 5.0,
    }
    print(json.dumps(result, sort_keys=True))


if __name__ == "__main__":
    main()
