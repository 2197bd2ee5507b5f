#!/usr/bin/env python3
"""Tools/eval/detection: detection active learning on real boxes, against a peer in the same run.

Sets (each image with its true boxes):
  - trees: the DeepForest 2.1.0 wheel's 2019_YELL_2_528000_4978000_image_crop2.png and its VOC
    (fetched with `pip download deepforest==2.1.0 --no-deps`; only these two files are read from the
    wheel), cut into 400 x 400 tiles;
  - soap: Tests/Data/SOAP_061.png and its VOC (Dead / Alive), cut into 100 x 100 tiles;
  - digits: scikit-learn's digits (Tests/Data/digits.csv.gz), 3 classes, 1-4 per 128 x 128 canvas.
A box cut by a tile edge is kept, clipped, when at least half of it is inside the tile.

One detection dataset holds the three sets (so the >= 2 labels rule holds for the single-label
tree tiles); per set, 5 images per label (seeded) are hand-labeled with their true boxes.
`labelledger-dev eval-detection` runs one active-learning task through the real reactor. This
script then scores, per set, on the images that were not hand-labeled:
  - mAP@0.5 and mAP@[.5:.95] (pycocotools) of the non-hard auto boxes (on the images not flagged
    hard), and of all auto boxes (every target image);
  - the peer, HOG + linear SVM sliding window (scikit-image, scikit-learn; one hard-negative
    round; NMS), trained on the same hand-labeled images, on every target image;
  - share of target images flagged hard; share of wrong images (any box unmatched at IoU 0.5, or
    any true box missed) flagged; precision of the hard flag;
  - manual actions: drawing every true box by hand (1 per box, 1 per image opened) against
    reviewing the task's result: a hard image is opened (1) and fixed (1 per wrong or missing box);
    a non-hard image is looked at to find errors it is not shown (REVIEW_COST, default 0.2 per
    image) and fixed where wrong (1 + 1 per wrong or missing box, since it was missed at first).
Prints one JSON object.
"""
import gzip
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
import zipfile

import numpy as np
from PIL import Image


def voc_boxes(path):
    root = ET.parse(path).getroot()
    out = []
    for o in root.findall("object"):
        b = o.find("bndbox")
        out.append([int(float(b.find(k).text)) for k in ("xmin", "ymin", "xmax", "ymax")] + [o.find("name").text])
    return out


def tiles(image_path, boxes, side, prefix, out_dir):
    image = np.array(Image.open(image_path).convert("RGB"))
    h, w = image.shape[:2]
    made = []
    for ty in range(0, h - side + 1, side):
        for tx in range(0, w - side + 1, side):
            kept = []
            for x1, y1, x2, y2, name in boxes:
                cx1, cy1, cx2, cy2 = max(x1, tx), max(y1, ty), min(x2, tx + side), min(y2, ty + side)
                if cx2 <= cx1 or cy2 <= cy1:
                    continue
                if (cx2 - cx1) * (cy2 - cy1) * 2 < (x2 - x1) * (y2 - y1):
                    continue
                kept.append([cx1 - tx, cy1 - ty, cx2 - tx, cy2 - ty, name])
            path = os.path.join(out_dir, f"{prefix}-{ty:05d}-{tx:05d}.png")
            Image.fromarray(image[ty:ty + side, tx:tx + side]).save(path)
            made.append({"file": path, "width": side, "height": side, "boxes": kept})
    return made


def digit_canvases(csv_path, out_dir, count, seed, classes=(0, 1, 2), side=128, digit=24):
    rows = [list(map(int, line.split(","))) for line in gzip.open(csv_path, "rt") if line.strip()]
    by_class = {c: [r[:64] for r in rows if r[64] == c] for c in classes}
    rng = np.random.default_rng(seed)
    made = []
    for i in range(count):
        canvas = rng.integers(215, 245, size=(side, side)).astype(np.uint8)
        boxes = []
        for k in range(int(rng.integers(1, 5))):
            c = classes[(i + k) % len(classes)] if k == 0 else classes[int(rng.integers(0, len(classes)))]
            for _ in range(50):
                x, y = int(rng.integers(0, side - digit)), int(rng.integers(0, side - digit))
                if all(x >= b[2] + 2 or b[0] >= x + digit + 2 or y >= b[3] + 2 or b[1] >= y + digit + 2 for b in boxes):
                    pixels = np.array(by_class[c][int(rng.integers(0, len(by_class[c])))]).reshape(8, 8)
                    ink = (255 - pixels * 255 // 16).astype(np.uint8)
                    big = np.kron(ink, np.ones((digit // 8, digit // 8), dtype=np.uint8))
                    canvas[y:y + digit, x:x + digit] = np.minimum(canvas[y:y + digit, x:x + digit], big)
                    boxes.append([x, y, x + digit, y + digit, f"digit-{c}"])
                    break
        path = os.path.join(out_dir, f"digits-{i:04d}.png")
        Image.fromarray(np.stack([canvas] * 3, axis=-1)).save(path)
        made.append({"file": path, "width": side, "height": side, "boxes": boxes})
    return made


def choose_labeled(images, per_label, seed):
    """5 images per label (seeded): an image counts for every label it holds."""
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(images))
    counts = {}
    for i in order:
        names = {b[4] for b in images[i]["boxes"]}
        if names and any(counts.get(n, 0) < per_label for n in names):
            images[i]["labeled"] = True
            for n in names:
                counts[n] = counts.get(n, 0) + 1
    for image in images:
        image.setdefault("labeled", False)
    return counts


def iou(a, b):
    w, h = min(a[2], b[2]) - max(a[0], b[0]), min(a[3], b[3]) - max(a[1], b[1])
    if w <= 0 or h <= 0:
        return 0.0
    inter = w * h
    return inter / ((a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter)


def errors(found, truth):
    """(wrong boxes, missed true boxes) at IoU 0.5, same label, greedy by score."""
    taken = set()
    wrong = 0
    for box in sorted(found, key=lambda b: -b[5]):
        best = max((j for j in range(len(truth)) if j not in taken and truth[j][4] == box[4]),
                   key=lambda j: iou(box, truth[j]), default=None)
        if best is not None and iou(box, truth[best]) >= 0.5:
            taken.add(best)
        else:
            wrong += 1
    return wrong, len(truth) - len(taken)


def coco_map(images, detections, labels):
    """mAP@0.5 and mAP@[.5:.95] by pycocotools; images: [(id, truth)], detections: [(id, box)]."""
    from pycocotools.coco import COCO
    from pycocotools.cocoeval import COCOeval
    import contextlib
    import io
    if not images or not any(t for _, t in images):
        return None, None
    cat = {name: k + 1 for k, name in enumerate(labels)}
    gt = {"images": [{"id": i, "width": 1, "height": 1} for i, _ in images], "categories": [{"id": v, "name": k} for k, v in cat.items()],
          "annotations": []}
    for i, truth in images:
        for b in truth:
            gt["annotations"].append({"id": len(gt["annotations"]) + 1, "image_id": i, "category_id": cat[b[4]],
                                      "bbox": [b[0], b[1], b[2] - b[0], b[3] - b[1]], "area": (b[2] - b[0]) * (b[3] - b[1]), "iscrowd": 0})
    dts = [{"image_id": i, "category_id": cat[b[4]], "bbox": [b[0], b[1], b[2] - b[0], b[3] - b[1]], "score": float(b[5])}
           for i, b in detections if b[4] in cat]
    if not dts:
        return 0.0, 0.0
    with contextlib.redirect_stdout(io.StringIO()):
        coco = COCO()
        coco.dataset = gt
        coco.createIndex()
        result = coco.loadRes(dts)
        evaluation = COCOeval(coco, result, "bbox")
        evaluation.evaluate()
        evaluation.accumulate()
        evaluation.summarize()
    return max(0.0, float(evaluation.stats[1])), max(0.0, float(evaluation.stats[0]))


def hog_peer(train, targets, labels, seed):
    """HOG + linear SVM sliding window: background + one class per label, one hard-negative round."""
    from skimage.feature import hog
    from skimage.transform import resize
    from sklearn.svm import LinearSVC

    rng = np.random.default_rng(seed)
    patch = 32

    def grey(path):
        return np.asarray(Image.open(path).convert("L"), dtype=np.float64) / 255

    def feature(image, box):
        x1, y1, x2, y2 = (int(round(v)) for v in box[:4])
        crop = image[max(y1, 0):max(y2, y1 + 1), max(x1, 0):max(x2, x1 + 1)]
        return hog(resize(crop, (patch, patch), anti_aliasing=True), orientations=9, pixels_per_cell=(8, 8), cells_per_block=(2, 2))

    sizes = np.array([[b[2] - b[0], b[3] - b[1]] for item in train for b in item["boxes"]], dtype=np.float64)
    shapes = sorted({(int(round(w)), int(round(h))) for w, h in np.exp(np.quantile(np.log(sizes), [0.2, 0.5, 0.8], axis=0))})
    names = ["__background__"] + labels
    xs, ys = [], []
    images = {item["file"]: grey(item["file"]) for item in train}
    for item in train:
        image = images[item["file"]]
        h, w = image.shape
        for b in item["boxes"]:
            xs.append(feature(image, b)); ys.append(names.index(b[4]))
            xs.append(feature(image[:, ::-1], [w - b[2], b[1], w - b[0], b[3]])); ys.append(names.index(b[4]))
        for _ in range(max(20, 10 * len(item["boxes"]))):
            sw, sh = shapes[int(rng.integers(0, len(shapes)))]
            if sw >= w or sh >= h:
                continue
            x, y = int(rng.integers(0, w - sw)), int(rng.integers(0, h - sh))
            box = [x, y, x + sw, y + sh]
            if all(iou(box, b) < 0.3 for b in item["boxes"]):
                xs.append(feature(image, box)); ys.append(0)
    model = LinearSVC(C=0.1, class_weight="balanced", random_state=seed, max_iter=5000).fit(np.array(xs), np.array(ys))

    def scan(image):
        h, w = image.shape
        found = []
        for sw, sh in shapes:
            step = max(2, min(sw, sh) // 4)
            boxes = [[x, y, x + sw, y + sh] for y in range(0, h - sh + 1, step) for x in range(0, w - sw + 1, step)]
            if not boxes:
                continue
            scores = model.decision_function(np.array([feature(image, b) for b in boxes]))
            for b, s in zip(boxes, scores):
                c = int(np.argmax(s[1:])) + 1 if s.ndim else 1
                margin = s[c] - s[0] if s.ndim else s
                if margin > -0.5:
                    found.append(b + [names[c], float(1 / (1 + np.exp(-margin)))])
        found.sort(key=lambda b: -b[5])
        kept = []
        for b in found:
            if all(iou(b, k) <= 0.4 for k in kept):
                kept.append(b)
        return kept

    # One hard-negative round on the training images.
    for item in train:
        image = images[item["file"]]
        for b in scan(image)[:20]:
            if all(iou(b, t) < 0.3 for t in item["boxes"]):
                xs.append(feature(image, b)); ys.append(0)
    model = LinearSVC(C=0.1, class_weight="balanced", random_state=seed, max_iter=5000).fit(np.array(xs), np.array(ys))
    return {item["file"]: scan(grey(item["file"])) for item in targets}


# Bump when hog_peer or the sets change: cached peer boxes of another version are not reused.
PEER_VERSION = 1


def peer_boxes(cache, images_dir, name, images, seed):
    """The peer's boxes per target file of set `name`, and its seconds. The peer depends on the seed
    and the sets only: its boxes are kept in CACHE, so running another build of LabelLedger on the
    same seed does not train it again."""
    set_labels = sorted({b[4] for image in images for b in image["boxes"]})
    targets = [image for image in images if not image["labeled"]]
    train = [image for image in images if image["labeled"]]
    peer_file = os.path.join(cache, "detection-peer", f"{name}-seed{seed}-{PEER_VERSION}.json")
    if os.path.exists(peer_file):
        peer, peer_seconds = json.load(open(peer_file))
        return {os.path.join(images_dir, os.path.basename(f)): v for f, v in peer.items()}, peer_seconds
    peer_started = time.time()
    peer = hog_peer(train, targets, set_labels, seed)
    peer_seconds = time.time() - peer_started
    os.makedirs(os.path.dirname(peer_file), exist_ok=True)
    json.dump([{os.path.basename(f): v for f, v in peer.items()}, peer_seconds], open(peer_file + ".part", "w"))
    os.replace(peer_file + ".part", peer_file)
    return peer, peer_seconds


def main():
    seed = int(os.environ.get("SEED", "7"))
    algorithm = os.environ.get("ALGORITHM", "fast")
    review_cost = float(os.environ.get("REVIEW_COST", "0.2"))
    binary, root, cache = sys.argv[1], sys.argv[2], sys.argv[3]
    work = tempfile.mkdtemp(prefix="eval-detection-")
    images_dir = os.path.join(work, "images")
    os.makedirs(images_dir)
    wheel_dir = os.path.join(cache, "deepforest-2.1.0")
    trees_png = os.path.join(wheel_dir, "2019_YELL_2_528000_4978000_image_crop2.png")
    if not os.path.exists(trees_png):
        os.makedirs(wheel_dir, exist_ok=True)
        subprocess.run([sys.executable, "-m", "pip", "download", "deepforest==2.1.0", "--no-deps", "-d", wheel_dir, "-q"], check=True,
                       stdout=sys.stderr)
        wheel = [f for f in os.listdir(wheel_dir) if f.endswith(".whl")][0]
        with zipfile.ZipFile(os.path.join(wheel_dir, wheel)) as z:
            for name in ("2019_YELL_2_528000_4978000_image_crop2.png", "2019_YELL_2_528000_4978000_image_crop2.xml"):
                with open(os.path.join(wheel_dir, name), "wb") as f:
                    f.write(z.read("deepforest/data/" + name))
    data = os.environ.get("LABELLEDGER_TEST_DATA", os.path.join(root, "Tests/Data"))
    sets = {
        "trees": tiles(trees_png, voc_boxes(trees_png[:-4] + ".xml"), 400, "trees", images_dir),
        "soap": tiles(os.path.join(data, "SOAP_061.png"), voc_boxes(os.path.join(data, "SOAP_061.xml")), 100, "soap", images_dir),
        "digits": digit_canvases(os.path.join(data, "digits.csv.gz"), images_dir, 60, seed + 101),
    }
    labelled_counts = {name: choose_labeled(images, 5, seed * 31 + k) for k, (name, images) in enumerate(sets.items())}
    labels = sorted({b[4] for images in sets.values() for image in images for b in image["boxes"]})
    all_images = [dict(image, set=name) for name, images in sets.items() for image in images]
    if os.environ.get("PEER_ONLY") == "1":
        # Fills CACHE with the peer's boxes for this seed (the peer does not depend on LabelLedger),
        # so a later loop over seeds runs only our task.
        for name, images in sets.items():
            peer_boxes(cache, images_dir, name, images, seed)
        shutil.rmtree(work)
        print(json.dumps({"seed": seed, "peer_cached": sorted(sets)}))
        return
    manifest = os.path.join(work, "manifest.json")
    json.dump({"labels": labels, "images": all_images}, open(manifest, "w"))
    started = time.time()
    ours = json.loads(subprocess.run([binary, "eval-detection", "--manifest", manifest, "--work", os.path.join(work, "run"),
                                      "--seed", str(seed), "--algorithm", algorithm], check=True, capture_output=True, text=True).stdout)
    run_seconds = time.time() - started
    result = {"seed": seed, "algorithm": algorithm, "status": ours["status"], "failure": ours["failure"],
              "task_seconds": ours["task_seconds"], "run_seconds": run_seconds, "target_images": 0,
              "metrics": ours["metrics"], "sets": {}}
    by_file = {image["file"]: image for image in ours["images"]}
    for name, images in sets.items():
        set_labels = sorted({b[4] for image in images for b in image["boxes"]})
        targets = [image for image in images if not image["labeled"]]
        train = [image for image in images if image["labeled"]]
        result["target_images"] += len(targets)
        peer, peer_seconds = peer_boxes(cache, images_dir, name, images, seed)
        indexed = list(enumerate(targets))
        non_hard = [(i, t) for i, t in indexed if not by_file[t["file"]]["hard"]]
        ours_boxes = {t["file"]: by_file[t["file"]]["boxes"] for t in targets}
        map50_nh, map_nh = coco_map([(i, t["boxes"]) for i, t in non_hard], [(i, b) for i, t in non_hard for b in ours_boxes[t["file"]]], set_labels)
        map50_all, map_all = coco_map([(i, t["boxes"]) for i, t in indexed], [(i, b) for i, t in indexed for b in ours_boxes[t["file"]]], set_labels)
        peer50, peer_map = coco_map([(i, t["boxes"]) for i, t in indexed], [(i, b) for i, t in indexed for b in peer[t["file"]]], set_labels)
        peer50_nh, _ = coco_map([(i, t["boxes"]) for i, t in non_hard], [(i, b) for i, t in non_hard for b in peer[t["file"]]], set_labels)
        wrong = flagged = caught = 0
        manual = ours_cost = 0.0
        for t in targets:
            mine = by_file[t["file"]]
            w, m = errors(mine["boxes"], t["boxes"])
            is_wrong = w + m > 0
            wrong += is_wrong
            flagged += mine["hard"]
            caught += is_wrong and mine["hard"]
            manual += 1 + len(t["boxes"])
            if mine["hard"]:
                ours_cost += 1 + w + m
            else:
                ours_cost += review_cost + ((1 + w + m) if is_wrong else 0)
        n = max(len(targets), 1)
        result["sets"][name] = {
            "images": len(images), "hand_labeled_images": len(train), "hand_labeled_per_label": labelled_counts[name],
            "target_images": len(targets), "true_boxes_in_targets": sum(len(t["boxes"]) for t in targets),
            "auto_boxes": sum(len(ours_boxes[t["file"]]) for t in targets),
            "map50_non_hard": map50_nh, "map50_95_non_hard": map_nh, "non_hard_images": len(non_hard),
            "map50_all_auto_boxes": map50_all, "map50_95_all_auto_boxes": map_all,
            "peer_hog_svm": {"map50": peer50, "map50_95": peer_map, "map50_on_our_non_hard_images": peer50_nh, "seconds": peer_seconds,
                             "boxes": sum(len(v) for v in peer.values())},
            "share_flagged_hard": flagged / n, "wrong_images": wrong, "share_wrong_flagged": caught / wrong if wrong else None,
            "hard_flag_precision": caught / flagged if flagged else None,
            "manual_actions_by_hand": manual, "manual_actions_with_task": ours_cost,
            "manual_actions_saved_share": 1 - ours_cost / manual if manual else None,
            "targets": {
                "map50_at_least_peer": (map50_all or 0) >= (peer50 or 0),
                "wrong_flagged_at_least_0.8": wrong == 0 or caught / wrong >= 0.8,
                "flagged_at_most_0.3": flagged / n <= 0.3,
            },
        }
    result["task_seconds_per_100_target_images"] = ours["task_seconds"] * 100 / max(result["target_images"], 1)
    print(json.dumps(result, indent=1, sort_keys=True))


if __name__ == "__main__":
    main()
