#!/usr/bin/python3
"""Trains fashion-image-demo: a small image encoder that maps catalog photos into the bge-small-en-v1.5 text space
(locked text tower, LiT style), and exports it in the CLIP-family ONNX layout the plugin loads.

Inputs: ../shared/data/fashion (products.jsonl, images/) and the bge-small document vectors of every product's
text, computed by the plugin's own Java runtime (FashionTextEmbeddings, see README.md beside this file).
Split: products whose numeric id is divisible by 5 are held out and never seen here.
Debian packages: python3-torch, python3-pil, python3-numpy, python3-onnx. CPU, fixed seeds, a few minutes.

Usage: /usr/bin/python3 train.py --data ../../../shared/data/fashion --embeddings ../../target/demo-image-model --out OUT
"""
import argparse
import json
import os
import random
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from PIL import Image

HEIGHT, WIDTH, DIMS = 80, 60, 384
MEAN = [0.48145466, 0.4578275, 0.40821073]
STD = [0.26862954, 0.26130258, 0.27577711]
HYPER = {"epochs": 40, "batch_size": 128, "lr": 2e-3, "weight_decay": 1e-4, "temperature": 0.05, "seed": 13}


def preprocess(path):
    """The steps of the exported preprocessor_config.json: resize to 60 x 80 (Pillow bicubic), rescale, normalize."""
    image = Image.open(path).convert("RGB")
    if image.size != (WIDTH, HEIGHT):
        image = image.resize((WIDTH, HEIGHT), resample=Image.Resampling.BICUBIC)
    pixels = np.asarray(image, dtype=np.float32) * np.float32(1 / 255)
    pixels = (pixels - np.array(MEAN, dtype=np.float32)) / np.array(STD, dtype=np.float32)
    return pixels.transpose(2, 0, 1)


class Encoder(nn.Module):
    """Four conv blocks, global average pooling, a two-layer projection into the 384-dim bge space."""

    def __init__(self):
        super().__init__()

        def block(cin, cout, pool):
            layers = [nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True)]
            return nn.Sequential(*(layers + ([nn.MaxPool2d(2)] if pool else [])))

        self.features = nn.Sequential(block(3, 32, True), block(32, 64, True), block(64, 128, True), block(128, 256, False))
        self.project = nn.Sequential(nn.Linear(256, 512), nn.ReLU(inplace=True), nn.Linear(512, DIMS))

    def forward(self, pixel_values):
        grid = self.features(pixel_values)  # [batch, 256, 10, 7]
        patches = grid.flatten(2).transpose(1, 2)  # [batch, 70, 256]
        embeds = F.normalize(self.project(patches.mean(dim=1)), dim=-1)
        return embeds, patches


def main():
    args = argparse.ArgumentParser()
    args.add_argument("--data", required=True)
    args.add_argument("--embeddings", required=True)
    args.add_argument("--out", required=True)
    a = args.parse_args()
    random.seed(HYPER["seed"])
    np.random.seed(HYPER["seed"])
    torch.manual_seed(HYPER["seed"])
    torch.set_num_threads(os.cpu_count())

    products = [json.loads(line) for line in open(os.path.join(a.data, "products.jsonl")) if line.strip()]
    ids = open(os.path.join(a.embeddings, "ids.txt")).read().split()
    assert ids == [p["id"] for p in products], "ids.txt does not follow products.jsonl"
    targets = np.fromfile(os.path.join(a.embeddings, "text_embeddings.f32"), dtype="<f4").reshape(len(products), DIMS)
    train, images = [], []
    for i, p in enumerate(products):
        if int(p["id"]) % 5 == 0:
            continue
        try:
            images.append(preprocess(os.path.join(a.data, p["image"])))
            train.append(i)
        except OSError as e:  # the catalog has an empty file or two: train without them
            print(f"skipping product {p['id']}: {e}")
    held_out = sum(1 for p in products if int(p["id"]) % 5 == 0)
    print(f"{len(products)} products, training on {len(train)}, {held_out} held out (id % 5 == 0, never used here)")
    pixels = torch.tensor(np.stack(images))
    texts = torch.tensor(targets[train])

    model = Encoder()
    optimizer = torch.optim.AdamW(model.parameters(), lr=HYPER["lr"], weight_decay=HYPER["weight_decay"])
    steps = HYPER["epochs"] * ((len(train) + HYPER["batch_size"] - 1) // HYPER["batch_size"])
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=HYPER["lr"], total_steps=steps)
    start = time.time()
    for epoch in range(HYPER["epochs"]):
        model.train()
        order = torch.randperm(len(train))
        total = 0.0
        for b in range(0, len(train), HYPER["batch_size"]):
            idx = order[b:b + HYPER["batch_size"]]
            batch = pixels[idx]
            flip = torch.rand(len(idx)) < 0.5  # mirror images: colour and type do not change
            batch[flip] = batch[flip].flip(-1)
            embeds, _ = model(batch)
            logits = embeds @ texts[idx].T / HYPER["temperature"]
            labels = torch.arange(len(idx))
            loss = (F.cross_entropy(logits, labels) + F.cross_entropy(logits.T, labels)) / 2
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            schedule.step()
            total += loss.item() * len(idx)
        if epoch % 5 == 4 or epoch == HYPER["epochs"] - 1:
            print(f"epoch {epoch + 1}: loss {total / len(train):.4f} ({time.time() - start:.0f} s)")

    model.eval()
    os.makedirs(a.out, exist_ok=True)
    torch.onnx.export(
        model, torch.zeros(1, 3, HEIGHT, WIDTH), os.path.join(a.out, "vision_model.onnx"),
        input_names=["pixel_values"], output_names=["image_embeds", "last_hidden_state"],
        dynamic_axes={"pixel_values": {0: "batch"}, "image_embeds": {0: "batch"}, "last_hidden_state": {0: "batch"}},
        opset_version=13)
    json.dump({"do_resize": True, "size": {"height": HEIGHT, "width": WIDTH}, "resample": 3, "do_center_crop": False,
               "do_rescale": True, "rescale_factor": 1 / 255, "do_normalize": True, "image_mean": MEAN, "image_std": STD,
               "do_convert_rgb": True}, open(os.path.join(a.out, "preprocessor_config.json"), "w"), indent=2)
    json.dump({"model_type": "fashion-image-demo", "projection_dim": DIMS, "vision_config": {"hidden_size": 256, "image_height": HEIGHT, "image_width": WIDTH},
               "training": dict(HYPER, train_products=len(train), text_model="bge-small-en-v1.5")},
              open(os.path.join(a.out, "config.json"), "w"), indent=2)
    json.dump({"id": "fashion-image-demo", "kind": "image", "dims": DIMS, "image_output": "image_embeds",
               "patch_output": "last_hidden_state", "patch_dims": 256, "patch_skip": 0,
               "description": "catalog photos into the bge-small-en-v1.5 text space (trained by tools/demo-image-model on the fashion demo data)"},
              open(os.path.join(a.out, "multimodal-model.json"), "w"), indent=2)
    print(f"exported to {a.out}: {os.path.getsize(os.path.join(a.out, 'vision_model.onnx')) / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
